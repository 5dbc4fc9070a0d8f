r"""Gradient descent's largest stable learning rate from mean-field theory (seed 001, the
maximum-learning-rate maps beside Figures 3 and 4).

The paper explains the ordered phase's untrainability by an ill-conditioned NTK and a small
maximum learning rate. On the loss L = 1/(2n) sum_i |f(x_i) - y_i|^2 of
:func:`finite_ntk.papers.seed001.training.mse_loss`, gradient descent on the linearised
network multiplies the residual's mode of eigenvalue lambda of the full (nK x nK) NTK by
1 - lr lambda / n, so it is stable for lr < 2 n / lambda_max (the training statistics'
``max_learning_rate``, from the empirical lambda_max at initialisation).

Theory. In standard parameterisation with trained biases, mean-field theory gives the
expected per-output NTK (:func:`finite_ntk.mean_field.log_ntk_diagonal` and
:func:`~finite_ntk.mean_field.ntk_correlation`, ``parameterization="standard"``)::

    Theta*(x_s, x_r) = sum_{l=1}^{L+1} p^l_sr (n_{l-1} qhat^{l-1}_sr + 1)
                     = alpha M kappa_2(x_s, x_r) + sum_l p^l_sr      (kappa_1 at s = r),

Lemma 2's deterministic kernel alpha M Lambda (alpha = n0 / M + L - 1) plus the trained
biases' O(1) part (:func:`lemma2_decomposition` checks the identity). The K outputs are
independent and alike at infinite width, so the full NTK is Theta* (x) I_K and the traced
kernel Theta / K of :func:`finite_ntk.papers.seed001.training.dense_ntk_matrix` tends to
Theta*: lambda_max(full) -> lambda_max(Theta*). At finite width the cross-output blocks,
O(M^{-1/2}) relative, raise the full NTK's lambda_max above Theta / K's (by roughly a factor
1 + 2 sqrt(K / M) where the kernel's top mode dominates), so the empirical limit lies below
the theory's there.

The per-pair matrix (:func:`mean_field_ntk_matrix`) needs a bivariate Gaussian quadrature
per pair and layer for tanh: about 0.1 s per pair at depth 20 on one core, 13 minutes per
sigma_w^2 for 128 samples. The training reduction therefore uses the data-independent form
of Lemma 2 (:func:`mean_field_lambda_max`): every input of length q^0 (the training set's
mean |x|^2 / n0), every pair of covariance q^0_sr (its mean x_s . x_r / n0 over s != r), so
Theta* = (theta_1 - theta_2) I + theta_2 1 1^T with the diagonal theta_1 and the
off-diagonal theta_2 of Theta*, and lambda_max = theta_1 + (n - 1) theta_2 (theta_2 >= 0;
theta_1 - theta_2 otherwise). Without the bias part that is Lemma 2's
alpha M (kappa_1 + (n - 1) kappa_2).

numpy and :mod:`finite_ntk.mean_field` only (no JAX).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr

import finite_ntk.mean_field as mean_field

STABILITY_FACTOR = 2.0  # gradient descent on a quadratic is stable for lr lambda / n < 2


def input_moments(inputs: np.ndarray) -> tuple[float, float]:
    """(q^0, q^0_sr) of the inputs (n, n0): the mean over samples of |x|^2 / n0 and the mean
    over pairs s != r of x_s . x_r / n0 (float64)."""
    x = np.asarray(inputs, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] == 0:
        raise ValueError(f"inputs: expected an (n, n0) array with n >= 2, got shape {x.shape}")
    n, n0 = x.shape
    gram = x @ x.T / n0
    length = float(np.trace(gram) / n)
    covariance = float((gram.sum() - np.trace(gram)) / (n * (n - 1)))
    return length, covariance


def _propagations(
    activation: str,
    weight: np.ndarray,
    bias_variance: float,
    depth: int,
    input_length: float,
    input_covariance: float,
    readout_weight_variance: float | None,
) -> tuple[mean_field.Propagation, mean_field.Propagation | None]:
    """The mean-field passes of one input and of a pair (None where the pair is one input)."""
    readout = weight if readout_weight_variance is None else float(readout_weight_variance)
    single = mean_field.propagate(
        activation, weight, bias_variance, depth, input_length=input_length, readout_weight_variance=readout
    )
    if input_covariance == input_length:
        return single, None
    pair = mean_field.propagate_pair(
        activation,
        weight,
        bias_variance,
        depth,
        input_covariance=input_covariance,
        input_lengths=(input_length, input_length),
        readout_weight_variance=readout,
    )
    return single, pair


def _entries(
    single: mean_field.Propagation,
    pair: mean_field.Propagation | None,
    width: int,
    input_dimension: int,
    parameterization: str = "standard",
) -> tuple[np.ndarray, np.ndarray]:
    options = {"parameterization": parameterization}
    if parameterization == "standard":
        options.update(width=int(width), input_dimension=int(input_dimension))
    diagonal = np.exp(mean_field.log_ntk_diagonal(single, **options))
    if pair is None:
        return diagonal, diagonal.copy()
    return diagonal, diagonal * mean_field.ntk_correlation(pair, **options)


def mean_field_ntk_entries(
    activation: str,
    weight_variance: float | np.ndarray,
    bias_variance: float,
    depth: int,
    width: int,
    input_dimension: int,
    input_length: float,
    input_covariance: float,
    readout_weight_variance: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(theta_1, theta_2): the diagonal Theta*(x, x) and the off-diagonal Theta*(x_s, x_r) of
    the per-output mean-field NTK in standard parameterisation with trained biases, for inputs
    of length ``input_length`` (|x|^2 / n0) and covariance ``input_covariance``
    (x_s . x_r / n0), for every depth 1 .. ``depth``: arrays of shape
    ``np.shape(weight_variance) + (depth,)``. The readout's weight variance is sigma_w^2 when
    ``readout_weight_variance`` is None (seed 001's network)."""
    weight = np.asarray(weight_variance, dtype=np.float64)
    single, pair = _propagations(
        activation, weight, bias_variance, depth, input_length, input_covariance, readout_weight_variance
    )
    return _entries(single, pair, width, input_dimension)


def constant_kernel_lambda_max(diagonal: np.ndarray, off_diagonal: np.ndarray, n: int) -> np.ndarray:
    """The largest eigenvalue of the (n x n) matrix (d - o) I + o 1 1^T: d + (n - 1) o (the
    mean mode) when o >= 0, else d - o. Elementwise over the broadcast arrays."""
    d, o = np.asarray(diagonal, dtype=np.float64), np.asarray(off_diagonal, dtype=np.float64)
    return np.where(o >= 0, d + (n - 1) * o, d - o)


def mean_field_lambda_max(
    activation: str,
    weight_variance: float | np.ndarray,
    bias_variance: float,
    depth: int,
    width: int,
    input_dimension: int,
    samples: int,
    input_length: float,
    input_covariance: float,
    readout_weight_variance: float | None = None,
) -> np.ndarray:
    """lambda_max of Theta* in the data-independent form of Lemma 2 (module docstring): all
    ``samples`` inputs of length ``input_length`` and pairwise covariance
    ``input_covariance``, for every depth 1 .. ``depth``; shape
    ``np.shape(weight_variance) + (depth,)``."""
    theta_1, theta_2 = mean_field_ntk_entries(
        activation,
        weight_variance,
        bias_variance,
        depth,
        width,
        input_dimension,
        input_length,
        input_covariance,
        readout_weight_variance,
    )
    return constant_kernel_lambda_max(theta_1, theta_2, samples)


def max_learning_rate(lambda_max: np.ndarray, samples: int) -> np.ndarray:
    """Gradient descent's largest stable learning rate 2 n / lambda_max on this module's
    loss (n = ``samples``)."""
    return STABILITY_FACTOR * samples / np.asarray(lambda_max, dtype=np.float64)


def mean_field_ntk_matrix(
    activation: str,
    weight_variance: float,
    bias_variance: float,
    depth: int,
    width: int,
    inputs: np.ndarray,
    readout_weight_variance: float | None = None,
) -> np.ndarray:
    """The per-output mean-field NTK Theta*(x_s, x_r) on the rows of ``inputs`` (n, n0) pair by
    pair, for every depth 1 .. ``depth``: shape (depth, n, n). Costly for quadrature
    activations (tanh: about 0.1 s per pair at depth 20); the reduction uses
    :func:`mean_field_lambda_max` instead."""
    x = np.asarray(inputs, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"inputs: expected a non-empty (n, n0) array, got shape {x.shape}")
    n, n0 = x.shape
    gram = x @ x.T / n0
    lengths = np.diag(gram).copy()
    readout = float(weight_variance) if readout_weight_variance is None else float(readout_weight_variance)
    standard = {"parameterization": "standard", "width": int(width), "input_dimension": int(n0)}
    single = mean_field.propagate(
        activation, weight_variance, bias_variance, depth, input_length=lengths, readout_weight_variance=readout
    )
    diagonal = np.exp(mean_field.log_ntk_diagonal(single, **standard))  # (n, depth)
    theta = np.empty((depth, n, n))
    for L in range(depth):
        theta[L] = np.diag(diagonal[:, L])
    if n > 1:
        s, r = np.triu_indices(n, 1)
        pair = mean_field.propagate_pair(
            activation,
            weight_variance,
            bias_variance,
            depth,
            input_covariance=gram[s, r],
            input_lengths=(lengths[s], lengths[r]),
            readout_weight_variance=readout,
        )
        cross = mean_field.ntk_correlation(pair, **standard) * np.sqrt(diagonal[s] * diagonal[r])  # (pairs, depth)
        theta[:, s, r] = cross.T
        theta[:, r, s] = cross.T
    return theta


def lemma2_decomposition(
    activation: str,
    weight_variance: float,
    bias_variance: float,
    depth: int,
    width: int,
    input_dimension: int,
    input_length: float,
    input_covariance: float,
) -> dict[str, np.ndarray]:
    """Lemma 2's parts of Theta* for every depth 1 .. ``depth``: ``alpha`` (n0 / M + L - 1),
    ``kappa_1``, ``kappa_2`` (:mod:`finite_ntk.mean_field`, input_width_ratio n0 / M) and the
    biases' ``bias_diagonal`` = sum_l p^l and ``bias_off_diagonal`` = sum_l p^l_sr, so that
    theta_1 = alpha M kappa_1 + bias_diagonal and theta_2 = alpha M kappa_2 + bias_off_diagonal."""
    ratio = input_dimension / width
    single = mean_field.propagate(activation, weight_variance, bias_variance, depth, input_length=input_length)
    pair = mean_field.propagate_pair(
        activation,
        weight_variance,
        bias_variance,
        depth,
        input_covariance=input_covariance,
        input_lengths=(input_length, input_length),
    )
    kappa_1 = np.exp(mean_field.log_kappa_1(single, input_width_ratio=ratio))
    kappa_2 = mean_field.kappa_2(pair, input_width_ratio=ratio)
    bias_diagonal = np.empty(depth)
    bias_off = np.empty(depth)
    correlation = pair.derivative_correlation
    for L in range(1, depth + 1):
        log_p = mean_field.log_gradient_lengths(single, L)  # p^l, l = 1 .. L + 1
        # p^l_sr / p^l = the product of the derivative correlations over layers l .. L
        tail = np.array([np.prod(correlation[l - 1 : L]) for l in range(1, L + 2)])
        bias_diagonal[L - 1] = np.exp(log_p).sum()
        bias_off[L - 1] = (np.exp(log_p) * tail).sum()
    alpha = ratio + np.arange(depth)
    return {
        "alpha": alpha,
        "kappa_1": kappa_1,
        "kappa_2": kappa_2,
        "bias_diagonal": bias_diagonal,
        "bias_off_diagonal": bias_off,
    }


def training_max_learning_rate_theory(
    activations: Sequence[str],
    widths: Sequence[int],
    weight_variances: Sequence[float],
    depths: Sequence[int],
    bias_variance: float,
    inputs: np.ndarray,
    readout_weight_variance: float | None = None,
    parameterization: str = "standard",
) -> np.ndarray:
    """2 n / lambda_max(Theta*) of :func:`mean_field_lambda_max` on the training ``inputs``
    (n, n0) for every cell of the training grid: shape (activation, width, weight_variance,
    depth), float64. ``parameterization``: seed 001's ``standard`` (Theta* grows like M), or
    ``ntk`` (neural-tangents' convention, width-independent)."""
    x = np.asarray(inputs, dtype=np.float64)
    n, n0 = x.shape
    length, covariance = input_moments(x)
    weights = np.asarray(weight_variances, dtype=np.float64)
    depth_index = np.asarray(depths, dtype=np.int64) - 1
    if depth_index.size and depth_index.min() < 0:
        raise ValueError(f"depths: must be positive, got {list(depths)}")
    out = np.full((len(activations), len(widths), weights.size, depth_index.size), np.nan)
    if not weights.size or not depth_index.size:
        return out
    deepest = int(depth_index.max()) + 1
    for a, activation in enumerate(activations):
        # the propagation does not depend on the width; the standard NTK's scan does
        single, pair = _propagations(
            activation, weights, bias_variance, deepest, length, covariance, readout_weight_variance
        )
        for m, width in enumerate(widths):
            lam = constant_kernel_lambda_max(*_entries(single, pair, int(width), n0, parameterization), n)
            out[a, m] = max_learning_rate(lam[:, depth_index], n)
    return out


THEORY_VARIABLE = "max_learning_rate_theory"


def with_max_learning_rate_theory(
    stats: xr.Dataset,
    inputs: np.ndarray,
    bias_variance: float,
    readout_weight_variance: float | None = None,
    parameterization: str = "standard",
) -> xr.Dataset:
    """``stats`` (the training statistics, dims activation, width, weight_variance, depth) with
    the variable ``max_learning_rate_theory`` (:func:`training_max_learning_rate_theory` on
    the training ``inputs``) on every cell of the grid, trained or not."""
    x = np.asarray(inputs, dtype=np.float64)
    length, covariance = input_moments(x)
    values = training_max_learning_rate_theory(
        [str(a) for a in stats["activation"].values],
        [int(m) for m in stats["width"].values],
        stats["weight_variance"].values,
        [int(L) for L in stats["depth"].values],
        bias_variance,
        x,
        readout_weight_variance,
        parameterization,
    )
    attrs = {
        "long_name": (
            "largest stable learning rate 2 n / lambda_max of mean-field theory's per-output NTK "
            "(Lemma 2's alpha M Lambda plus the trained biases' part), data-independent form"
        ),
        "input_length": length,
        "input_covariance": covariance,
        "parameterization": parameterization,
    }
    return stats.assign({THEORY_VARIABLE: (("activation", "width", "weight_variance", "depth"), values, attrs)})


__all__ = [
    "THEORY_VARIABLE",
    "with_max_learning_rate_theory",
    "STABILITY_FACTOR",
    "input_moments",
    "mean_field_ntk_entries",
    "constant_kernel_lambda_max",
    "mean_field_lambda_max",
    "max_learning_rate",
    "mean_field_ntk_matrix",
    "lemma2_decomposition",
    "training_max_learning_rate_theory",
]
