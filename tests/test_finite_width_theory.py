"""The exact finite-width moments of the ReLU NTK diagonal (finite_ntk.finite_width_theory).

Checked against: hand computations (width 1, any depth; depth 1, any width, summed over the
binomial law of the active units), the exact mean (d + 1)|x|^2 / n0, the two large-width
limits (fixed depth; fixed beta = d / n), and Monte Carlo: a dense numpy simulation of the
network (independent of the project's samplers; n0 = 2 at the PINN's point) and the
project's matrix-free sampler in float64. Every Monte-Carlo test is seeded (deterministic)
and also checks that exp(5 beta) (d + 1)^2 |x|^4 / n0^2 is rejected, so that it can tell the
exact formula from the report's curve.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

from finite_ntk.finite_width_theory import (
    relu_ntk_moments,
    relu_second_moment_ratio,
    relu_second_moment_ratio_limit,
)
from finite_ntk.models.kernels import relu_mean_ntk_diagonal

PINN_POINT = (0.00729382, 0.02089119)  # config/config.yaml, monte_carlo.models.pinn.input_point
MC_SE = 4.0  # agreement within this many standard errors
MC_REJECT_SE = 10.0  # exp(5 beta) must be at least this many standard errors off


def limit_closed_form(beta: np.ndarray) -> np.ndarray:
    return ((9 * beta**2 + 6 * beta - 1) * np.exp(5 * beta) + np.exp(-beta)) / (27 * beta**2)


@pytest.mark.parametrize("depth", range(1, 7))
def test_width_one_by_hand(depth: int) -> None:
    """Width 1, x = 1, n0 = 1: with probability 2^-d every unit is active and then
    K = 2^d e_d(u_1, ..., u_{d+1}), u_j iid chi^2_1 (the squared weights, d hidden and the
    readout; e_d the elementary symmetric polynomial of degree d); otherwise K = 0. So
    E[K] = d + 1 and E[K^2] = 2^d [(d + 1) 3^d + (d + 1) d 3^(d - 1)] = 2^d 3^(d-1) (d + 1)(d + 3)."""
    mean, second = relu_ntk_moments(1, depth)
    assert mean == pytest.approx(depth + 1, rel=1e-13)
    assert second == pytest.approx(2**depth * 3 ** (depth - 1) * (depth + 1) * (depth + 3), rel=1e-12)


@pytest.mark.parametrize("width", [1, 2, 3, 5, 16, 100])
def test_depth_one_by_binomial_sum(width: int) -> None:
    """Depth 1: K = (2 |x|^2 / (n0 n)) chi^2_{2B}, B ~ Bin(n, 1/2) active units (the first layer's
    pre-activations and the readout weights on them), so E[K^2] = sum_k P(B = k) 2k (2k + 2)
    times (2 |x|^2 / (n0 n))^2, and the ratio is 1 + 3/n."""
    x_squared_norm, n0 = 0.7, 3
    k = np.arange(width + 1)
    scale = 2 * x_squared_norm / (n0 * width)
    expected_mean = scale * np.sum(binom.pmf(k, width, 0.5) * 2 * k)
    expected_second = scale**2 * np.sum(binom.pmf(k, width, 0.5) * 2 * k * (2 * k + 2))
    mean, second = relu_ntk_moments(width, 1, x_squared_norm=x_squared_norm, n0=n0)
    assert mean == pytest.approx(expected_mean, rel=1e-12)
    assert second == pytest.approx(expected_second, rel=1e-12)
    assert relu_second_moment_ratio(width, 1) == pytest.approx(1 + 3 / width, rel=1e-12)


def test_mean_is_the_known_exact_mean_and_moments_scale_with_the_input() -> None:
    widths, depths = np.meshgrid([1, 2, 4, 16, 128], [1, 2, 3, 8, 40])
    mean, second = relu_ntk_moments(widths, depths, x_squared_norm=0.3, n0=2)
    expected = [relu_mean_ntk_diagonal(int(d), 0.3, n0=2, with_bias=False) for d in depths.ravel()]
    np.testing.assert_allclose(mean.ravel(), expected, rtol=1e-12)
    unit_mean, unit_second = relu_ntk_moments(widths, depths)
    np.testing.assert_allclose(second, (0.3 / 2) ** 2 * unit_second, rtol=1e-12)
    np.testing.assert_allclose(relu_second_moment_ratio(widths, depths), second / mean**2, rtol=1e-12)
    assert mean.shape == second.shape == widths.shape


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 8])
def test_fixed_depth_large_width(depth: int) -> None:
    """ratio = 1 + d (11 d + 7) / (3 (d + 1) n) + O(1/n^2): the slope in 1/n is not 5 d
    (exp(5 beta) = 1 + 5 d / n + ...)."""
    slope = depth * (11 * depth + 7) / (3 * (depth + 1))
    widths = np.array([10**4, 10**5])
    excess = (relu_second_moment_ratio(widths, depth) - 1) * widths
    assert np.all(np.abs(excess / slope - 1) < 2 * depth**2 / widths), excess
    assert abs(excess[-1] - 5 * depth) > 0.1 * depth


@pytest.mark.parametrize("beta", [0.25, 0.5, 1.0, 2.0])
def test_fixed_beta_large_width_limit(beta: float) -> None:
    """At fixed beta = d/n the ratio increases to f(beta) with error O(1/n), and f(beta) lies
    between exp(5 beta)/3 and exp(5 beta)."""
    widths = np.array([16, 64, 256, 1024, 4096])
    ratio = relu_second_moment_ratio(widths, (beta * widths).astype(int))
    limit = relu_second_moment_ratio_limit(beta)
    gap = 1 - ratio / limit
    assert np.all(gap > 0) and np.all(np.diff(gap) < 0)
    assert np.all(gap * widths < 13 * beta + 2)  # O(1/n): measured n * gap <= 12.2 beta + 0.5
    assert gap[-1] < 4e-3 * beta + 1e-3
    assert math.exp(5 * beta) / 3 < limit < math.exp(5 * beta)


def test_limit_function() -> None:
    """Series branch (beta < 0.5) = closed form; small-beta expansion; the large-beta tail
    f e^{-5 beta} = 1/3 + 2/(9 beta) - 1/(27 beta^2) + O(e^{-6 beta})."""
    betas = np.linspace(0.2, 0.8, 13)
    np.testing.assert_allclose(relu_second_moment_ratio_limit(betas), limit_closed_form(betas), rtol=1e-12)
    small = np.array([1e-9, 1e-6, 1e-3])
    np.testing.assert_allclose(
        relu_second_moment_ratio_limit(small),
        1 + 11 * small / 3 + 47 * small**2 / 6 + 353 * small**3 / 30,  # + 4919 beta^4 / 360 + ...
        rtol=1e-10,
        atol=0,
    )
    large = np.array([10.0, 30.0, 60.0])
    np.testing.assert_allclose(
        relu_second_moment_ratio_limit(large) * np.exp(-5 * large),
        1 / 3 + 2 / (9 * large) - 1 / (27 * large**2),
        rtol=1e-12,
    )


def test_invalid_arguments() -> None:
    for width, depth in [(0, 1), (4, 0), (2.5, 1), (4, -1)]:
        with pytest.raises(ValueError):
            relu_ntk_moments(width, depth)
    with pytest.raises(ValueError):
        relu_ntk_moments(4, 2, n0=0)
    with pytest.raises(ValueError):
        relu_second_moment_ratio_limit([0.1, 0.0])


def dense_numpy_kernel(width: int, depth: int, x: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """K(x, x) of ``draws`` independent networks (ntk parameterization, W_std = sqrt(2),
    readout W_std = 1, no biases) with explicit weight matrices and a hand-written backward pass."""
    n0 = x.size
    h = np.broadcast_to(x, (draws, n0))
    inputs, weights, pre = [h], [], []
    for _ in range(depth):
        w = rng.standard_normal((draws, width, h.shape[1]))
        z = np.sqrt(2 / h.shape[1]) * np.einsum("bij,bj->bi", w, h)
        weights.append(w)
        pre.append(z)
        h = np.maximum(z, 0)
        inputs.append(h)
    readout = rng.standard_normal((draws, width))
    kernel = np.sum(h * h, axis=1) / width
    cotangent = readout / np.sqrt(width)  # dN/dh^d
    for layer in range(depth - 1, -1, -1):
        delta = cotangent * (pre[layer] > 0)  # dN/dz
        fan_in = inputs[layer].shape[1]
        kernel = kernel + 2 / fan_in * np.sum(inputs[layer] ** 2, axis=1) * np.sum(delta**2, axis=1)
        cotangent = np.sqrt(2 / fan_in) * np.einsum("bij,bi->bj", weights[layer], delta)
    return kernel


def assert_monte_carlo_agrees(kernel: np.ndarray, width: int, depth: int, x_squared_norm: float, n0: int) -> None:
    mean, second = relu_ntk_moments(width, depth, x_squared_norm=x_squared_norm, n0=n0)
    draws = kernel.size
    mean_se = kernel.std(ddof=1) / math.sqrt(draws)
    second_se = (kernel**2).std(ddof=1) / math.sqrt(draws)
    assert abs(kernel.mean() - mean) < MC_SE * mean_se, (kernel.mean(), mean, mean_se)
    assert abs(np.mean(kernel**2) - second) < MC_SE * second_se, (np.mean(kernel**2), second, second_se)
    report_curve = math.exp(5 * depth / width) * mean**2
    assert abs(np.mean(kernel**2) - report_curve) > MC_REJECT_SE * second_se


@pytest.mark.parametrize("width, depth", [(4, 2), (3, 3)])
def test_monte_carlo_dense_numpy_pinn_point(width: int, depth: int) -> None:
    """The law at the PINN's input (n0 = 2, |x|^2 = 4.9e-4): the moments scale as |x|^2 / n0."""
    x = np.array(PINN_POINT)
    kernel = dense_numpy_kernel(width, depth, x, 200_000, np.random.default_rng(20250613 + width))
    assert_monte_carlo_agrees(kernel, width, depth, float(x @ x), n0=2)


def matrix_free_kernel(width: int, depth: int, draws: int, seed: int) -> np.ndarray:
    """K(x, x) at x = -1 (the FNN's point) from the project's matrix-free sampler, float64."""
    from jax.experimental import enable_x64

    import finite_ntk.seeding as seeding
    from finite_ntk.models.spec import NetworkSpec
    from finite_ntk.samplers.dispatch import sample
    from finite_ntk.samplers.setup import MonteCarloSetup

    spec = NetworkSpec(width=width, depth=depth, activation="relu", n0=1, W_std=math.sqrt(2), W_std_readout=1.0)
    assert spec.b_std == 0.0 and spec.parameterization == "ntk"  # the config's network
    setup = MonteCarloSetup(model="fnn", spec=spec, input_point=(-1.0,), learning_rate=0.0, step_loss="none")
    with enable_x64():
        keys = seeding.replicate_keys(seeding.monte_carlo_key(seed, "fnn", "relu", width, depth), draws)
        kernel = sample(setup, keys, sampler="matrix_free")["k_init"][:, 0]
    assert kernel.dtype == np.float64
    return kernel


@pytest.mark.parametrize("width, depth", [(8, 2), (16, 4)])
def test_monte_carlo_matrix_free(width: int, depth: int) -> None:
    assert_monte_carlo_agrees(matrix_free_kernel(width, depth, 40_000, seed=11), width, depth, 1.0, n0=1)


@pytest.mark.slow
@pytest.mark.parametrize("width, depth", [(4, 1), (4, 2), (8, 4), (16, 8), (32, 8)])
def test_monte_carlo_matrix_free_large(width: int, depth: int) -> None:
    """1e6 draws (about 5-20 s each on 2 CPU cores)."""
    assert_monte_carlo_agrees(matrix_free_kernel(width, depth, 1_000_000, seed=12), width, depth, 1.0, n0=1)
