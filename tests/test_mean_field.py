"""finite_ntk.mean_field, each quantity two independent ways.

- neural-tangents' ``kernel_fn`` (stax.Relu, stax.Erf closed forms; ElementwiseNumerical for
  tanh) in float64: output variance q^{L+1}, the infinite-width NTK (diagonal and off the
  diagonal, both parameterisations), kappa_1 and kappa_2 through Theta = alpha M kappa + ...,
  and chi^l read off the NTK recursion;
- closed forms (ReLU, erf) against the module's quadrature, and the quadrature against
  adaptive (scipy.integrate.quad) and dense tensor-product rules;
- the order/chaos border against chi_1 = 1 computed through the fixed point;
- the log-domain recursion against a plain float64 one, and deep chaotic networks finite;
- (slow) the Monte-Carlo mean of K(x, x) of wide random networks (autodiff) against the
  infinite-width value, within 4 Monte-Carlo standard errors.

float64 comes from ``jax.experimental.enable_x64`` inside each neural-tangents test (as in
test_matrix_free.py), so that the setting does not leak into other test modules.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.experimental import enable_x64
from neural_tangents import stax
from scipy import integrate

import finite_ntk.mean_field as mf

# neural-tangents' tanh is a Gauss-Hermite tensor rule, whose error grows with q: at 250
# nodes it agrees with the module to 7e-11 in test_against_neural_tangents, 2e-8 on a
# depth-2 network at (2.5, 1) (4e-5 there with 100 nodes), and chi^l read off it to 6e-9 on
# the tanh border (q* = 3.0) and 3e-7 at sigma_w^2 = 5 (q* = 4.2).
NT_TANH_DEGREE = 250
NT_TANH_RTOL = 1e-6
CLOSED_FORM_RTOL = 1e-12
INPUT_DIMENSION = 5


def _nt_activation(name: str):
    if name == "relu":
        return stax.Relu()
    if name == "erf":
        return stax.Erf()
    return stax.ElementwiseNumerical(jnp.tanh, NT_TANH_DEGREE, df=lambda x: 1.0 - jnp.tanh(x) ** 2)


def _nt_kernel_fn(name, weight, bias, depth, parameterization, width, readout=None, biases=True):
    """kernel_fn of Dense(width) -> phi, ``depth`` times, -> Dense(1) (readout variance ``readout``)."""
    b_std = math.sqrt(bias) if biases else None
    layers = []
    for _ in range(depth):
        layers += [stax.Dense(width, math.sqrt(weight), b_std, parameterization=parameterization), _nt_activation(name)]
    readout = weight if readout is None else readout
    layers.append(stax.Dense(1, math.sqrt(readout), b_std, parameterization=parameterization))
    return stax.serial(*layers)[2]


def _inputs(seed: int = 0) -> np.ndarray:
    """Two inputs of different lengths and correlation ~0.4."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, INPUT_DIMENSION))
    x[1] = 0.5 * x[0] + x[1]
    return x


def _lengths_and_covariance(x: np.ndarray) -> tuple[float, float, float]:
    n0 = x.shape[1]
    return float(x[0] @ x[0]) / n0, float(x[1] @ x[1]) / n0, float(x[0] @ x[1]) / n0


def _relative(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) / np.asarray(b) - 1.0)))


# --- Gaussian expectations ------------------------------------------------------------------

PAIRS = [(0.05, 0.5, 0.3), (1.0, 1.0, 0.999), (3.0, 10.0, -0.6), (10.0, 2.0, 0.9), (0.7, 0.7, 1.0), (2.0, 0.4, 0.0)]


@pytest.mark.parametrize("name", ["relu", "erf"])
def test_closed_forms_match_quadrature(name: str) -> None:
    """Appendix E (corrected) against the generic quadrature path on the same functions."""
    q = np.array([1e-3, 0.05, 0.5, 1.0, 3.0, 10.0, 40.0])
    closed = mf.gaussian_moments(name, q)
    quadrature = mf.gaussian_moments(name, q, method="quadrature")
    for a, b in zip(closed, quadrature):
        assert _relative(b, a) < 1e-12
    q_s, q_r, c = (np.array(v) for v in zip(*PAIRS))
    covariance = c * np.sqrt(q_s * q_r)
    closed = mf.gaussian_cross_moments(name, q_s, q_r, covariance)
    quadrature = mf.gaussian_cross_moments(name, q_s, q_r, covariance, method="quadrature")
    for a, b in zip(closed, quadrature):
        # Absolute in units of the Cauchy-Schwarz bound: E[phi phi] crosses 0 for erf, c < 0.
        assert np.max(np.abs(b - a)) < 1e-11 * np.max(np.abs(a))


def test_appendix_e_as_printed_is_wrong_and_corrected_is_right() -> None:
    """The misprints matter: the printed erf cross term and ReLU prefactor are off by O(1)."""
    q, q_sr = 2.0, 1.2  # two inputs of length q, covariance q_sr
    phi_phi, dphi_dphi = mf.gaussian_cross_moments("erf", q, q, q_sr, method="quadrature")
    printed = 2 / np.pi * np.arctan(2 * np.sqrt(q_sr) / np.sqrt((1 + 2 * np.sqrt(q)) ** 2 - 4 * q_sr))
    corrected = 2 / np.pi * np.arcsin(2 * q_sr / (1 + 2 * q))
    assert abs(corrected / phi_phi - 1) < 1e-12 and abs(printed / phi_phi - 1) > 0.05
    printed_derivative = 4 / np.pi / np.sqrt((1 + 2 * np.sqrt(q)) ** 2 - 4 * q_sr)
    corrected_derivative = 4 / np.pi / np.sqrt((1 + 2 * q) ** 2 - 4 * q_sr**2)
    assert abs(corrected_derivative / dphi_dphi - 1) < 1e-12 and abs(printed_derivative / dphi_dphi - 1) > 0.05
    a, c = np.sqrt(q), q_sr / q  # ReLU: a^2 / (2 pi), not a / (2 pi)
    relu_cross = mf.gaussian_cross_moments("relu", q, q, q_sr, method="quadrature")[0]
    bracket = np.sqrt(1 - c * c) + c * np.pi / 2 + c * np.arcsin(c)
    assert abs(a**2 / (2 * np.pi) * bracket / relu_cross - 1) < 1e-12
    assert abs(a / (2 * np.pi) * bracket / relu_cross - 1) > 0.25  # off by the factor a = sqrt(2)


@pytest.mark.parametrize("name", ["tanh", "gelu", "sigmoid"])
def test_single_input_quadrature_against_adaptive(name: str) -> None:
    """V(q), D(q) against scipy's adaptive quadrature (a different rule) from q = 1e-4 to 30."""
    activation = mf.named_activation(name)
    for q in (1e-4, 0.3, 1.0, 5.0, 30.0):

        def expectation(f):
            def integrand(u):
                return f(u) * np.exp(-u * u / (2 * q)) / np.sqrt(2 * np.pi * q)

            bound = 40 * np.sqrt(q) + 10
            return integrate.quad(integrand, -bound, bound, points=[-1.0, 0.0, 1.0], limit=500, epsabs=0, epsrel=1e-13)[
                0
            ]

        v, d = mf.gaussian_moments(name, q)
        assert abs(v / expectation(lambda u: activation.function(u) ** 2) - 1) < 1e-11
        assert abs(d / expectation(lambda u: activation.derivative(u) ** 2) - 1) < 1e-11


def test_two_input_quadrature_against_tensor_rule() -> None:
    """The polar rule for tanh against a dense tensor product of the single-input rule in
    (z_1, z_2) (2 million nodes; its grid is not aligned with u_r = 0, a different rule)."""
    z, w = mf._gaussian_rule()
    activation = mf.named_activation("tanh")
    for q_s, q_r, c in [(0.5, 0.7, 0.3), (3.0, 3.0, 0.99), (5.0, 4.0, -0.6)]:
        u_s = np.sqrt(q_s) * z[:, None]
        u_r = np.sqrt(q_r) * (c * z[:, None] + np.sqrt(1 - c * c) * z[None, :])
        weights = w[:, None] * w[None, :]
        reference = (
            np.sum(weights * activation.function(u_s) * activation.function(u_r)),
            np.sum(weights * activation.derivative(u_s) * activation.derivative(u_r)),
        )
        ours = mf.gaussian_cross_moments(activation, q_s, q_r, c * np.sqrt(q_s * q_r))
        for a, b in zip(ours, reference):
            assert abs(a / b - 1) < 1e-11


# --- Against neural-tangents ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Numerical Activation Layer")
@pytest.mark.parametrize("parameterization", ["ntk", "standard"])
@pytest.mark.parametrize("name", ["relu", "erf", "tanh"])
def test_against_neural_tangents(name: str, parameterization: str) -> None:
    """Output variance q^{L+1} (nngp) and the infinite-width NTK, two inputs of different
    length, sigma_b^2 > 0, a readout variance of its own, depth 3 (the shallower depths of
    the same forward scan: test_backward_gradient_lengths_sum_to_the_forward_ntk)."""
    weight, bias, readout, width, depth = 1.7, 0.4, 0.8, 300, 3
    x = _inputs()
    length_s, length_r, covariance = _lengths_and_covariance(x)
    pair = mf.propagate_pair(
        name,
        weight,
        bias,
        depth,
        input_covariance=covariance,
        input_lengths=(length_s, length_r),
        readout_weight_variance=readout,
    )
    second = mf.propagate(name, weight, bias, depth, input_length=length_r, readout_weight_variance=readout)
    options = dict(parameterization=parameterization, width=width, input_dimension=INPUT_DIMENSION)
    ntk_ss = np.exp(mf.log_ntk_diagonal(pair, **options)[-1])
    ntk_rr = np.exp(mf.log_ntk_diagonal(second, **options)[-1])
    ntk_sr = mf.ntk_correlation(pair, **options)[-1] * np.sqrt(ntk_ss * ntk_rr)
    # Lemma 1: E[f^2] = q^{L+1} = sigma_ro^2 qhat^L + sigma_b^2, and its cross term.
    output_ss = readout * pair.qhat[-1] + bias
    output_sr = readout * pair.qhat_cross[-1] + bias
    with enable_x64():
        kernel_fn = _nt_kernel_fn(name, weight, bias, depth, parameterization, width, readout)
        kernels = kernel_fn(jnp.asarray(x, dtype=jnp.float64), None, ("nngp", "ntk"))
    assert kernels.ntk.dtype == jnp.float64
    nngp, ntk = np.asarray(kernels.nngp), np.asarray(kernels.ntk)
    rtol = NT_TANH_RTOL if name == "tanh" else CLOSED_FORM_RTOL
    assert _relative(output_ss, nngp[0, 0]) < rtol
    assert _relative(output_sr, nngp[0, 1]) < rtol
    assert _relative(ntk_ss, ntk[0, 0]) < rtol
    assert _relative(ntk_rr, ntk[1, 1]) < rtol
    assert _relative(ntk_sr, ntk[0, 1]) < rtol


@pytest.mark.parametrize("name", ["relu", "erf"])
def test_kappas_against_neural_tangents(name: str) -> None:
    """Lemma 2 in standard parameterisation: Theta(x, x) = alpha M kappa_1 + sum_l p^l with
    trained biases (so p^l is checked too); without biases Theta(x_s, x_r) = alpha M kappa_2;
    with biases the width-dependent part of Theta(x_s, x_r) is alpha M kappa_2 (alpha_0 = n0/M)."""
    weight, depth = 1.3, 4
    x = _inputs(1)
    length_s, length_r, covariance = _lengths_and_covariance(x)

    def alpha(width):
        return INPUT_DIMENSION / width + depth - 1

    def ntk(bias, width, biases):
        with enable_x64():
            kernel_fn = _nt_kernel_fn(name, weight, bias, depth, "standard", width, biases=biases)
            return np.asarray(kernel_fn(jnp.asarray(x, dtype=jnp.float64), None, "ntk"))

    # kappa_1 with trained biases (sigma_b^2 = 0.5): alpha M kappa_1 + sum_l p^l.
    width = 200
    single = mf.propagate(name, weight, 0.5, depth, input_length=length_s)
    kappa_1 = np.exp(mf.log_kappa_1(single, input_width_ratio=INPUT_DIMENSION / width))[-1]
    bias_part = np.exp(mf.log_gradient_lengths(single)).sum()
    assert _relative(alpha(width) * width * kappa_1 + bias_part, ntk(0.5, width, True)[0, 0]) < CLOSED_FORM_RTOL
    # kappa_2 without biases: Theta(x_s, x_r) = alpha M kappa_2 exactly.
    pair = mf.propagate_pair(name, weight, 0.0, depth, input_covariance=covariance, input_lengths=(length_s, length_r))
    kappa_2 = mf.kappa_2(pair, input_width_ratio=INPUT_DIMENSION / width)[-1]
    assert _relative(alpha(width) * width * kappa_2, ntk(0.0, width, False)[0, 1]) < CLOSED_FORM_RTOL
    # kappa_2 with biases: Theta(M2) - Theta(M1) = alpha(M2) M2 kappa_2(M2) - alpha(M1) M1 kappa_2(M1).
    pair = mf.propagate_pair(name, weight, 0.5, depth, input_covariance=covariance, input_lengths=(length_s, length_r))
    scaled = [alpha(m) * m * mf.kappa_2(pair, input_width_ratio=INPUT_DIMENSION / m)[-1] for m in (100, 400)]
    assert _relative(scaled[1] - scaled[0], ntk(0.5, 400, True)[0, 1] - ntk(0.5, 100, True)[0, 1]) < CLOSED_FORM_RTOL
    # Cauchy-Schwarz: |kappa_2| <= sqrt(kappa_1(x_s) kappa_1(x_r)), i.e. kappa_ratio >= 1.
    assert np.all(mf.kappa_ratio(pair) >= 1.0)


@pytest.mark.filterwarnings("ignore:Numerical Activation Layer")
@pytest.mark.parametrize("where", ["border", "chaotic"])
def test_chi_1_read_off_neural_tangents(where: str) -> None:
    """chi^l = (Theta_(l+1) - q^{l+1}) / Theta_(l) for the NTK of the pre-activations h^l
    (neural-tangents, ntk parameterisation, no readout), deep enough that q^l = q* to 1e-10:
    on the computed tanh border at sigma_b^2 = 1 it is 1 (to 1e-6, neural-tangents' own
    quadrature error), and at sigma_w^2 = 5 it equals chi_1 (about 1.3)."""
    bias, depth = 1.0, 24
    border = float(mf.order_chaos_border("tanh", bias))
    assert 3.0 < border < 4.0  # REPLICATION.md: "near sigma_w^2 = 3.4 at sigma_b^2 = 1"
    weight = border if where == "border" else 5.0
    w_std, b_std = math.sqrt(weight), math.sqrt(bias)
    propagation = mf.propagate("tanh", weight, bias, depth + 1, input_length=1.0)
    assert abs(propagation.q[-1] / float(mf.fixed_point_length("tanh", weight, bias)) - 1) < 1e-10
    with enable_x64():
        x = jnp.ones((1, INPUT_DIMENSION), dtype=jnp.float64)
        # h^1, then depth - 1 more (phi, Dense) blocks: the kernels of h^depth.
        first = stax.Dense(1, w_std, b_std)
        repeated = stax.repeat(stax.serial(_nt_activation("tanh"), stax.Dense(1, w_std, b_std)), depth - 1)
        before = stax.serial(first, repeated)[2](x, None)  # the whole Kernel, to continue from
        after = stax.serial(_nt_activation("tanh"), stax.Dense(1, w_std, b_std))[2](before)
    chi = (float(after.ntk[0, 0]) - float(after.nngp[0, 0])) / float(before.ntk[0, 0])
    expected = float(mf.chi_1("tanh", weight, bias))
    assert abs(chi - expected) < 1e-6
    if where == "border":
        assert abs(expected - 1.0) < 1e-12
    else:
        assert expected > 1.2


# --- Fixed point and border ----------------------------------------------------------------


def test_relu_border_is_two_for_every_bias() -> None:
    biases = np.array([0.0, 0.5, 1.0, 3.0])
    np.testing.assert_array_equal(mf.order_chaos_border("relu", biases), 2.0)
    np.testing.assert_array_equal(mf.chi_1("relu", 2.0, biases), 1.0)
    # Through quadrature instead of D = 1/2: the fixed point exists below the border only.
    assert abs(float(mf.chi_1("relu", 1.5, 1.0, method="quadrature")) - 0.75) < 1e-13


@pytest.mark.parametrize("name", ["tanh", "erf", "sigmoid"])
def test_border_has_chi_1_equal_one(name: str) -> None:
    """The border (solved on the curve q -> (1/D, q - V/D)) against chi_1 computed from the
    fixed point q* found independently at that sigma_w^2: |chi_1 - 1| < 1e-8."""
    biases = np.array([0.05, 0.3, 1.0, 2.0])
    border = mf.order_chaos_border(name, biases)
    assert np.all(np.isfinite(border)) and np.all(np.diff(border) > 0)  # moves with sigma_b^2
    np.testing.assert_allclose(mf.chi_1(name, border, biases), 1.0, rtol=0, atol=1e-8)
    # Either side of the border: ordered below, chaotic above.
    assert np.all(mf.chi_1(name, 0.9 * border, biases) < 1) and np.all(mf.chi_1(name, 1.1 * border, biases) > 1)


def test_border_at_zero_bias() -> None:
    """tanh: sigma_w^2 = 1 (q* = 0, chi_1 = phi'(0)^2 sigma_w^2); erf: pi / 4 (phi'(0)^2 = 4/pi)."""
    assert abs(float(mf.order_chaos_border("tanh", 0.0)) - 1.0) < 1e-12
    assert abs(float(mf.order_chaos_border("erf", 0.0)) - np.pi / 4) < 1e-12
    assert abs(float(mf.chi_1("tanh", 1.0, 0.0)) - 1.0) < 1e-12
    np.testing.assert_array_equal(mf.fixed_point_length("tanh", [0.5, 1.0], 0.0), 0.0)
    assert float(mf.fixed_point_length("tanh", 1.5, 0.0)) > 0.1  # q = 0 repels above the border


def test_fixed_point_is_the_limit_of_the_length_map() -> None:
    weights = np.array([2.5, 1.5, 4.0])
    biases = np.array([1.0, 0.5, 0.2])
    for name in ("tanh", "erf"):
        limit = mf.propagate(name, weights, biases, 200, input_length=3.0).q[..., -1]
        np.testing.assert_allclose(mf.fixed_point_length(name, weights, biases), limit, rtol=1e-12)
    np.testing.assert_allclose(mf.fixed_point_length("relu", [1.0, 1.5], 1.0), [2.0, 4.0], rtol=1e-15)
    assert np.isinf(mf.fixed_point_length("relu", 3.0, 1.0)) and np.isnan(mf.fixed_point_length("relu", 2.0, 0.0))


# --- Recursions, log domain, vectorisation -------------------------------------------------


def test_backward_gradient_lengths_sum_to_the_forward_ntk() -> None:
    """sum_l p^l t^l with p from the backward recursion equals the forward scan at every depth."""
    propagation = mf.propagate("tanh", 2.2, 0.3, 6, input_length=1.7, readout_weight_variance=0.9)
    forward = np.exp(mf.log_ntk_diagonal(propagation))
    for depth in (1, 3, 6):
        p = np.exp(mf.log_gradient_lengths(propagation, depth))
        q = np.append(propagation.q[:depth], 0.9 * propagation.qhat[depth] + 0.3)  # t^l = q^l in ntk
        assert abs(np.sum(p * q) / forward[depth - 1] - 1) < 1e-13


def test_relu_chaotic_log_domain_matches_plain_float64_and_never_overflows() -> None:
    """ReLU, sigma_w^2 = 3, sigma_b^2 = 1: Theta ~ L 1.5^L. A plain float64 recursion is
    finite to L = 1000 (1e179); the module agrees there and stays finite at L = 2000 (past 1e350)."""
    weight, bias = 3.0, 1.0
    q, theta, plain = weight + bias, weight + bias, []  # qhat^0 = 1
    for _ in range(1000):
        plain.append(weight / 2 * theta + weight * q / 2 + bias)  # readout: chi Theta + q^{L+1}
        theta = weight / 2 * theta + (weight * q / 2 + bias)
        q = weight * q / 2 + bias
    propagation = mf.propagate("relu", weight, bias, 2000)
    log_ntk = mf.log_ntk_diagonal(propagation)
    np.testing.assert_allclose(log_ntk[:1000], np.log(plain), rtol=1e-13)
    assert np.all(np.isfinite(log_ntk)) and log_ntk[-1] > np.log(np.finfo(float).max)
    # Theta ~ (A L + B) 1.5^L: successive logs differ by log 1.5 + about 1 / L.
    growth = np.diff(log_ntk[-100:]) - np.log(1.5)
    assert np.all(growth > 0) and np.all(growth < 1.1 / 1900)
    # Two inputs, sigma_w^2 = 10 (chi_1 = 5): 5^500 is past float64 by depth 440.
    pair = mf.propagate_pair("relu", 10.0, bias, 500, input_covariance=0.3)
    log_kappa_1 = mf.log_kappa_1(pair)
    assert np.all(np.isfinite(log_kappa_1)) and log_kappa_1[-1] > np.log(np.finfo(float).max)
    ratio = mf.kappa_ratio(pair)
    correlation = mf.ntk_correlation(pair, parameterization="standard", width=100, input_dimension=100)
    assert np.all(np.isfinite(ratio)) and np.all(ratio >= 1) and np.all((correlation > 0) & (correlation <= 1))


def test_grid_broadcasting_matches_scalar_calls() -> None:
    weights = np.array([[1.0], [2.0], [3.5]])
    biases = np.array([0.1, 1.0])
    grid = mf.propagate("erf", weights, biases, 5)
    assert grid.log_q.shape == (3, 2, 5) and grid.log_qhat.shape == (3, 2, 6)
    log_ntk = mf.log_ntk_diagonal(grid)
    for i, w in enumerate(weights[:, 0]):
        for j, b in enumerate(biases):
            single = mf.propagate("erf", w, b, 5)
            np.testing.assert_allclose(log_ntk[i, j], mf.log_ntk_diagonal(single), rtol=1e-15)
    covariances = np.linspace(0.0, 1.0, 4)
    pair = mf.propagate_pair("relu", 1.5, 1.0, 5, input_covariance=covariances)
    assert mf.kappa_2(pair).shape == (4, 5)
    np.testing.assert_allclose(pair.correlation[-1], 1.0, rtol=1e-15)  # identical inputs
    assert np.all(np.diff(pair.correlation, axis=0) > 0)


# kappa_2 and kappa_ratio of the code before identical inputs took the diagonal path,
# at q^0_sr < q^0 where nothing was to change: (activation, sigma_w^2, sigma_b^2) -> values at
# q^0_sr = 0, 0.3, 0.9 (rows) and depths 1, 7, 12 (columns), unit-length inputs.
KAPPA_BEFORE: dict[tuple[str, float, float], tuple[list[list[float]], list[list[float]]]] = {
    ("relu", 3.0, 1.0): (
        [
            [0.9066197556890829, 13.7599690818836, 100.62851478958207],
            [1.4807890791572182, 15.2109183518607, 107.91421389159899],
            [3.0448875487671625, 23.309880514874987, 159.55407960024127],
        ],
        [
            [3.8604938597877783, 2.3268032712066113, 2.4729287532867508],
            [2.363604681628259, 2.1048526019806095, 2.305971925752693],
            [1.1494677369668733, 1.3735266060672173, 1.5596413971186371],
        ],
    ),
    ("erf", 2.72, 1.0): (
        [
            [0.152306541839924, 0.20830169869085732, 0.20750339434573717],
            [0.4195798558744608, 0.23463531877271376, 0.22198214805177574],
            [1.2493303941435847, 0.45449238541292375, 0.3701490309973138],
        ],
        [
            [10.216382920599278, 3.692424336971903, 3.456476146647634],
            [3.7085239697839647, 3.278015712646219, 3.231027986706252],
            [1.2454847493049195, 1.692301755462676, 1.937680428264212],
        ],
    ),
    ("relu", 1.0, 1.0): (
        [
            [0.6089977810442294, 0.26854012655999226, 0.16514492684662613],
            [0.8220794683688988, 0.2708395976651235, 0.16533239063161062],
            [1.357876556358446, 0.27921476885914553, 0.1660766204769224],
        ],
        [
            [2.463063161622686, 1.0597977215972403, 1.0090913768689462],
            [1.824641117696534, 1.0507998709908088, 1.0079472085170558],
            [1.1046659528629765, 1.0192806614369478, 1.0034303512199667],
        ],
    ),
}


@pytest.mark.parametrize("activation, weight, bias", list(KAPPA_BEFORE))
def test_kappa_2_is_kappa_1_exactly_for_identical_inputs(activation: str, weight: float, bias: float) -> None:
    """q^0_sr = q^0 (x_s = x_r): kappa_2 equals kappa_1 bit for bit and the ratio is exactly 1
    (the cross path lost up to 6e-7 there: ReLU's sqrt(1 - c^2) near c = 1, chaos like
    chi_1^L); at q^0_sr < q^0 the values are those of the code before."""
    covariances = np.array([0.0, 0.3, 0.9, 1.0])
    pair = mf.propagate_pair(activation, weight, bias, 64, input_covariance=covariances)
    kappa_1 = np.exp(mf.log_kappa_1(mf.propagate(activation, weight, bias, 64)))
    kappa_2, ratio = mf.kappa_2(pair), mf.kappa_ratio(pair)
    assert np.array_equal(kappa_2[-1], kappa_1) and np.all(ratio[-1] == 1.0)
    k2_before, ratio_before = KAPPA_BEFORE[(activation, weight, bias)]
    np.testing.assert_allclose(kappa_2[:3][:, [0, 6, 11]], k2_before, rtol=1e-12)
    np.testing.assert_allclose(ratio[:3][:, [0, 6, 11]], ratio_before, rtol=1e-12)
    # Inputs of another length: the same at q^0_sr = |x|^2 / n0 = 2.5, not at 2.4.
    pair = mf.propagate_pair(activation, weight, bias, 8, input_covariance=[2.4, 2.5], input_lengths=(2.5, 2.5))
    kappa_1 = np.exp(mf.log_kappa_1(mf.propagate(activation, weight, bias, 8, input_length=2.5)))
    assert np.array_equal(mf.kappa_2(pair)[1], kappa_1) and not np.any(mf.kappa_2(pair)[0] == kappa_1)


def test_kappa_dataset_identical_inputs_exact() -> None:
    """Seed 001's Figures 5-6 data: at q^0_sr = q^0 kappa_2 is kappa_1 and the ratio 1, exactly,
    for every activation (tanh by quadrature too) and phase."""
    from finite_ntk.papers.seed001.kappa import kappa_dataset

    section = {
        "activations": ["erf", "relu", "tanh"],
        "bias_variance": 1.0,
        "max_depth": 6,
        "input_covariances": 3,
        "border_multiples": {"ordered": 0.5, "border": 1.0, "chaotic": 1.5},
    }
    ds = kappa_dataset(section, 1.0)
    same = ds.sel(input_covariance=1.0)
    assert bool((same["kappa_2"] == ds["kappa_1"]).all()) and bool((same["kappa_ratio"] == 1.0).all())
    assert bool((ds["kappa_ratio"].sel(input_covariance=0.0) > 1.0).all())


def test_custom_activation_uses_quadrature() -> None:
    """A user Activation named 'relu' is not the registered one: quadrature, same numbers."""
    custom = mf.Activation("relu", lambda x: np.maximum(x, 0.0), lambda x: np.asarray(x > 0, dtype=float))
    a = mf.propagate_pair(custom, 1.8, 0.5, 4, input_covariance=0.2)
    b = mf.propagate_pair("relu", 1.8, 0.5, 4, input_covariance=0.2)
    np.testing.assert_allclose(mf.kappa_2(a), mf.kappa_2(b), rtol=1e-12)
    with pytest.raises(ValueError):
        mf.gaussian_moments(custom, 1.0, method="closed_form")


# --- Monte Carlo ---------------------------------------------------------------------------


def _empirical_ntk_diagonal(name, weight, bias, depth, width, parameterization, draws, seed):
    """K(x, x) = |df/dtheta|^2 by autodiff for ``draws`` random networks, weights and biases
    trained, x = (1, ..., 1) so |x|^2 / n0 = 1."""
    phi = {"relu": jax.nn.relu, "erf": jax.scipy.special.erf, "tanh": jnp.tanh}[name]
    n0 = INPUT_DIMENSION
    fans = [n0] + [width] * depth
    outs = [width] * depth + [1]
    x = jnp.ones(n0)

    def output(params):
        h = x
        for layer, (w, b) in enumerate(params):
            if layer > 0:
                h = phi(h)
            if parameterization == "ntk":
                h = math.sqrt(weight / w.shape[1]) * (w @ h) + math.sqrt(bias) * b
            else:
                h = w @ h + b
        return h[0]

    def one(key):
        params = []
        for key_w, key_b, fan_in, fan_out in zip(
            jax.random.split(key, len(fans)), jax.random.split(jax.random.fold_in(key, 1), len(fans)), fans, outs
        ):
            w = jax.random.normal(key_w, (fan_out, fan_in))
            b = jax.random.normal(key_b, (fan_out,))
            if parameterization == "standard":
                w, b = math.sqrt(weight / fan_in) * w, math.sqrt(bias) * b
            params.append((w, b))
        gradient = jax.grad(output)(params)
        return sum(jnp.sum(g**2) for g in jax.tree_util.tree_leaves(gradient))

    keys = jax.random.split(jax.random.PRNGKey(seed), draws)
    sampler = jax.jit(jax.vmap(one))
    return np.concatenate([np.asarray(sampler(chunk)) for chunk in np.split(np.asarray(keys), draws // 20)])


@pytest.mark.slow  # about 30 s each
@pytest.mark.parametrize(
    "name, weight, bias, parameterization, seed",
    [("tanh", 2.0, 0.5, "ntk", 17), ("erf", 1.5, 1.0, "standard", 18), ("relu", 3.0, 1.0, "ntk", 19)],
)
def test_monte_carlo_mean_matches_infinite_width(name, weight, bias, parameterization, seed) -> None:
    """Mean of K(x, x) over 200 networks of width 1000, depth 3 (float32 autodiff) against
    the infinite-width value, within 4 standard errors (relative standard errors 0.3 to 0.6%).
    The finite-width mean differs from the limit by O(L/M) (exactly 0 for ReLU without
    biases); measured with 1000 to 2000 draws at widths 100 and 250 for tanh (2, 0.5) and
    ReLU (3, 1) it stayed within one standard error (0.4 to 0.7%), so at width 1000 it is
    well inside the band."""
    depth, width, draws = 3, 1000, 200
    samples = _empirical_ntk_diagonal(name, weight, bias, depth, width, parameterization, draws, seed)
    propagation = mf.propagate(name, weight, bias, depth, input_length=1.0)
    expected = np.exp(
        mf.log_ntk_diagonal(
            propagation, parameterization=parameterization, width=width, input_dimension=INPUT_DIMENSION
        )
    )[-1]
    standard_error = samples.std(ddof=1) / np.sqrt(draws)
    assert abs(samples.mean() - expected) < 4 * standard_error, (samples.mean(), expected, standard_error)
    assert standard_error < 0.03 * expected  # the test has power: 4 SE is a tight band
