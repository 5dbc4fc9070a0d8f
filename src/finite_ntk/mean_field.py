"""Mean-field theory of wide fully connected networks at initialisation (seed 001).

Seleznova & Kutyniok, "Analyzing Finite Neural Networks: Can We Trust NTK Theory?",
Section 2, Lemma 2 and Appendix E, after Poole et al. (2016), Schoenholz et al. (2016) and
Karakida et al. (2018). This module uses numpy and scipy only (no JAX, no neural-tangents,
no matplotlib), and imports scipy on first use, so that the workflow can import it cheaply
when it parses.

Network and conventions
-----------------------
An input x in R^{n0}, ``depth`` = L hidden layers of width M (``NetworkSpec.depth``), a
scalar linear readout (layer L + 1)::

    h^1 = W^1 x + b^1,   h^l = W^l phi(h^{l-1}) + b^l  (l = 2 .. L + 1),   f(x) = h^{L+1}.

* ``standard`` parameterisation: W^l_ij ~ N(0, sigma_w^2 / n_{l-1}), b^l_i ~ N(0, sigma_b^2);
  the trained parameters are W and b themselves.
* ``ntk`` parameterisation: h^l = (sigma_w / sqrt(n_{l-1})) W^l x^{l-1} + sigma_b b^l with
  W, b ~ N(0, 1) trained (neural-tangents' convention).

Both give the same law of the forward pass; they differ in the NTK. The readout weights
have variance sigma_ro^2 (``readout_weight_variance``), by default sigma_w^2 as in the
authors' code. The paper's L counts weight layers (its output is h^L); here L counts hidden
layers, so the paper's layer L is our layer L + 1.

Mean-field quantities (Dz the standard Gaussian measure, i.i.d. units at infinite width)::

    qhat^0 = |x|^2 / n0                               ("input length"; the paper's q^0 = 1)
    q^l    = sigma_w^2 qhat^{l-1} + sigma_b^2          E[(h^l_i)^2],        l = 1 .. L
    qhat^l = V(q^l),   V(q) = int Dz phi(sqrt(q) z)^2  E[phi(h^l_i)^2]
    chi^l  = sigma_w^2 D(q^l),  D(q) = int Dz phi'(sqrt(q) z)^2
    p^{L+1} = 1,  p^L = sigma_ro^2 D(q^L),  p^l = chi^l p^{l+1}   p^l = E[sum_i (df/dh^l_i)^2]

(p^l is the paper's eq. 8 with constant width, where the width ratios cancel under fan-in
normalisation.) For two inputs x_s, x_r the cross quantities q^l_sr, qhat^l_sr, p^l_sr
follow eq. 7 and 9 with the bivariate Gaussian of covariance [[q_s, q_sr], [q_sr, q_r]];
``qhat^0_sr = x_s . x_r / n0``. The order/chaos border is chi_1 = sigma_w^2 D(q*) = 1 at the
attracting fixed point q* of the length map.

The infinite-width NTK is Theta(x, x') = sum_{l=1}^{L+1} p^l_{xx'} t^l_{xx'} with the layer
terms (a trained bias counts even when sigma_b^2 = 0 in ``standard``)::

    ntk:       t^l = sigma_w^2 qhat^{l-1} + sigma_b^2   (sigma_ro^2 in the readout; = q^l)
    standard:  t^l = n_{l-1} qhat^{l-1} + 1             (n_0 = n0, n_l = M)

computed forwards for every depth at once: Theta_(1) = t^1,
Theta_(l+1) = chi^l Theta_(l) + t^{l+1}, and a network of depth l outputs
sigma_ro^2 D(q^l) Theta_(l) + t^{l+1}_readout.

Lemma 2 (Karakida et al.'s Theorem 3): with widths n_l = alpha_l M (alpha_0 = n0 / M, the
hidden alpha_l = 1) and alpha = sum over the hidden weight matrices of alpha_l alpha_{l-1}
= alpha_0 + L - 1 (so alpha M^2 is their number of weights), the standard-parameterisation
NTK is Theta = alpha M (Lambda + O(1/M)) with::

    kappa_1(x)        = sum_{l=1}^{L+1} (alpha_{l-1} / alpha) qhat^{l-1}(x) p^l(x)
    kappa_2(x_s, x_r) = sum_{l=1}^{L+1} (alpha_{l-1} / alpha) qhat^{l-1}_sr p^l_sr

Exactly, in mean-field theory and standard parameterisation: Theta(x, x) = alpha M kappa_1
+ [trained biases] sum_l p^l and Theta(x_s, x_r) = alpha M kappa_2 + [trained biases]
sum_l p^l_sr. kappa_1 and kappa_2 are the diagonal and off-diagonal entries of the
(normalised) deterministic NTK matrix, not moments of the random finite-width K(x, x).

Appendix E, corrected (the tests check each against neural-tangents and quadrature)
-----------------------------------------------------------------------------------
* ReLU cross integral: int Dz1 Dz2 phi(a z1) phi(b z1 + sqrt(a^2 - b^2) z2) is
  a^2 / (2 pi) (sqrt(1 - c^2) + c pi / 2 + c arcsin c), c = b / a; the paper prints a / (2 pi).
* Erf cross terms: q^l_sr = (2 sigma_w^2 / pi) arcsin(2 q_sr / sqrt((1 + 2 q_s)(1 + 2 q_r)))
  + sigma_b^2 and E[phi'(u_s) phi'(u_r)] = (4 / pi) / sqrt((1 + 2 q_s)(1 + 2 q_r) - 4 q_sr^2),
  with q the previous layer's pre-activation (co)variances; the paper prints sqrt(q_sr) and
  (1 + 2 sqrt(q))^2 - 4 q_sr (it mixes standard deviations a, b with variances).
* The p_sr recursions multiply p^l_sr, not p^l.
* The first layer: E.1 starts q^l = (sigma_w^2 / 2) q^{l-1} + sigma_b^2 at q^0 = 1, which
  would pass the input through phi; the input is not activated, so
  q^1 = sigma_w^2 |x|^2 / n0 + sigma_b^2 (qhat^0 = |x|^2 / n0 above).
The erf single-input formulas of E.2 are correct (arctan(a^2 / sqrt(a^2 + 1/4)) equals
arcsin(2 a^2 / (1 + 2 a^2))).

Numerics
--------
Everything is float64. Quantities that grow or decay exponentially with depth (q, qhat,
p, Theta, kappa) are carried as logarithms: ReLU in the chaotic phase (q^l ~ (sigma_w^2/2)^l)
never overflows. Cross quantities are carried as correlations (q_sr / sqrt(q_s q_r), which
lie in [-1, 1] by Cauchy-Schwarz), so their scale comes from the logs too. The quadrature
path evaluates phi(sqrt(q) z) with q = exp(log q): an unbounded activation without a
closed form (e.g. GELU) overflows once q passes about 1e300.

ReLU and erf use closed forms; tanh, GELU, the sigmoid-like erf and any ``Activation``
(a function and its derivative) use Gaussian quadrature: composite Gauss-Legendre panels
against the Gaussian density, refined where phi(sqrt(q) z) changes (z = 0 for one input;
the two rays u_s = 0 and u_r = 0 in polar coordinates for two). Plain Gauss-Hermite, as
neural-tangents' ElementwiseNumerical, loses 1e-3 on tanh's D(q) at q = 5 with 100 nodes
and 1e-2 on ReLU's cross terms with 200^2; these rules agree with the closed forms, with
adaptive quadrature and with a dense tensor rule to 1e-11 or better for q up to 10 (one
input: up to 100; ``tests/test_mean_field.py``).

Arguments ``weight_variance``, ``bias_variance``, ``readout_weight_variance``, the input
lengths and covariance broadcast together into a grid shape G; outputs have shape G, or
G + (layers,) for recursions, all depths at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Literal, NamedTuple

import numpy as np

from finite_ntk.models.spec import PARAMETERIZATIONS, SIGMOID_LIKE_SCALE

__all__ = [
    "Activation",
    "MEAN_FIELD_ACTIVATIONS",
    "CLOSED_FORM_ACTIVATIONS",
    "named_activation",
    "gaussian_moments",
    "gaussian_cross_moments",
    "Propagation",
    "propagate",
    "propagate_pair",
    "log_gradient_lengths",
    "fixed_point_length",
    "chi_1",
    "order_chaos_border",
    "log_ntk_diagonal",
    "ntk_correlation",
    "log_kappa_1",
    "kappa_2",
    "kappa_ratio",
]

ArrayLike = float | np.ndarray
Method = Literal["auto", "closed_form", "quadrature"]


@dataclass(frozen=True)
class Activation:
    """An activation phi and its derivative phi', both numpy ufunc-like (elementwise)."""

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _relu_derivative(x: np.ndarray) -> np.ndarray:
    return np.asarray(x > 0, dtype=float)


# scipy is imported where it is used: scipy.optimize alone costs about a second at import,
# and the workflow may import this module when it parses.


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy import special

    return special.erf(x)


def _erf_derivative(x: np.ndarray) -> np.ndarray:
    return 2.0 / np.sqrt(np.pi) * np.exp(-np.square(x))


def _tanh_derivative(x: np.ndarray) -> np.ndarray:
    return 1.0 - np.square(np.tanh(x))


def _gelu(x: np.ndarray) -> np.ndarray:  # exact x Phi(x), as stax.Gelu(approximate=False)
    from scipy import special

    return x * special.ndtr(x)


def _gelu_derivative(x: np.ndarray) -> np.ndarray:
    from scipy import special

    return special.ndtr(x) + x * np.exp(-0.5 * np.square(x)) / np.sqrt(2.0 * np.pi)


def _sigmoid_like(x: np.ndarray) -> np.ndarray:  # stax.Sigmoid_like, the project's "sigmoid"
    return 0.5 * _erf(x / SIGMOID_LIKE_SCALE) + 0.5


def _sigmoid_like_derivative(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.square(x / SIGMOID_LIKE_SCALE)) / (SIGMOID_LIKE_SCALE * np.sqrt(np.pi))


# The project's activation names (models.spec.ACTIVATIONS) plus tanh and erf of seed 001.
_NAMED: dict[str, Activation] = {
    "relu": Activation("relu", _relu, _relu_derivative),
    "gelu": Activation("gelu", _gelu, _gelu_derivative),
    "sigmoid": Activation("sigmoid", _sigmoid_like, _sigmoid_like_derivative),
    "tanh": Activation("tanh", np.tanh, _tanh_derivative),
    "erf": Activation("erf", _erf, _erf_derivative),
}
MEAN_FIELD_ACTIVATIONS: tuple[str, ...] = tuple(_NAMED)
CLOSED_FORM_ACTIVATIONS: tuple[str, ...] = ("relu", "erf")


def named_activation(name: str) -> Activation:
    """The ``Activation`` of a name in ``MEAN_FIELD_ACTIVATIONS`` (relu, gelu, sigmoid = the
    sigmoid-like erf of neural-tangents, tanh, erf)."""
    if name not in _NAMED:
        raise ValueError(f"activation: {name!r} is not supported; allowed: {', '.join(_NAMED)}")
    return _NAMED[name]


def _resolve(activation: str | Activation) -> Activation:
    return named_activation(activation) if isinstance(activation, str) else activation


def _closed_form(activation: Activation, method: Method) -> str | None:
    """The closed-form name to use, or None for quadrature."""
    if method not in ("auto", "closed_form", "quadrature"):
        raise ValueError(f"method: {method!r} is not supported; allowed: auto, closed_form, quadrature")
    # Only the registered objects: a user Activation that reuses a name gets quadrature.
    has_closed_form = activation.name in CLOSED_FORM_ACTIVATIONS and _NAMED[activation.name] is activation
    if method == "closed_form" and not has_closed_form:
        raise ValueError(f"activation {activation.name!r} has no closed form; use method='quadrature'")
    return activation.name if has_closed_form and method != "quadrature" else None


def _composite_rule(edges: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre with ``points`` nodes on each panel between consecutive ``edges``."""
    x, w = np.polynomial.legendre.leggauss(points)
    left, right = edges[:-1, None], edges[1:, None]
    return (0.5 * (left + right) + 0.5 * (right - left) * x).ravel(), (0.5 * (right - left) * w).ravel()


@functools.lru_cache(maxsize=1)
def _gaussian_rule() -> tuple[np.ndarray, np.ndarray]:
    """A rule for E[g(z)], z ~ N(0, 1), used for single-input moments.

    Gauss-Hermite resolves features of g no finer than its node spacing near 0, about
    pi / sqrt(2 n): phi'(sqrt(q) z)^2 of tanh or erf is a bump of width ~ 1 / sqrt(q), so
    100 nodes lose 1e-3 already at q = 5. Here Gauss-Legendre panels on [-10, 10] (tail
    mass 1.5e-23) are 0.5 wide and refine geometrically towards z = 0 down to 0.5 * 2^-40,
    where phi(sqrt(q) z) changes at every scale of q; a kink at 0 (ReLU) is a panel edge.
    """
    half = np.concatenate([0.5 * 2.0 ** -np.arange(40, 0, -1), 0.5 * np.arange(1, 21)])
    z, w = _composite_rule(np.concatenate([-half[::-1], [0.0], half]), 12)
    return z, w * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)


@functools.lru_cache(maxsize=1)
def _polar_rules() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Reference rules for two inputs in polar coordinates (z_1, z_2) = r (cos t, sin t):
    an angular rule on [0, 1] graded towards both ends (2^-11 of the panel), and a radial
    rule on [0, 10] for the density r exp(-r^2 / 2), graded towards r = 0."""
    graded = 0.5 * 2.0 ** -np.arange(10, 0, -1)
    angle, angle_weight = _composite_rule(np.concatenate([[0.0], graded, [0.5], 1.0 - graded[::-1], [1.0]]), 8)
    radius, radius_weight = _composite_rule(np.concatenate([[0.0], graded, 0.5 * np.arange(1, 21)]), 8)
    return angle, angle_weight, radius, radius_weight * radius * np.exp(-0.5 * radius * radius)


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(x)


def _exp_difference(log_a: np.ndarray, log_b: np.ndarray) -> np.ndarray:
    """exp(log_a - log_b), 0 where a = 0 (also when b = 0)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(log_a), 0.0, np.exp(log_a - log_b))


# --- Gaussian expectations ---------------------------------------------------------------


def _log_moments(activation: Activation, log_q: np.ndarray, method: Method) -> tuple[np.ndarray, np.ndarray]:
    """(log V(q), log D(q)) with V(q) = E[phi(sqrt(q) z)^2], D(q) = E[phi'(sqrt(q) z)^2]."""
    closed = _closed_form(activation, method)
    if closed == "relu":  # V = q / 2, D = 1 / 2: no exp of log q, so no overflow
        return log_q - np.log(2.0), np.full_like(log_q, -np.log(2.0))
    q = np.exp(log_q)
    if closed == "erf":
        # V = (2/pi) arcsin(2q / (1 + 2q)), D = (4/pi) / sqrt(1 + 4q); 2q/(1+2q) written so
        # that q = inf gives 1, not inf/inf.
        with np.errstate(divide="ignore"):
            ratio = 1.0 / (1.0 + 0.5 / q)
        return _log(2.0 / np.pi * np.arcsin(ratio)), np.log(4.0 / np.pi) - 0.5 * np.log1p(4.0 * q)
    z, w = _gaussian_rule()
    u = np.sqrt(q)[..., None] * z
    with np.errstate(invalid="ignore", over="ignore"):
        second = np.square(activation.function(u)) @ w
        derivative = np.square(activation.derivative(u)) @ w
    return _log(second), _log(derivative)


def _cross_correlations(
    activation: Activation,
    log_q_s: np.ndarray,
    log_q_r: np.ndarray,
    correlation: np.ndarray,
    method: Method,
) -> tuple[np.ndarray, np.ndarray]:
    """E[phi(u_s) phi(u_r)] / sqrt(V(q_s) V(q_r)) and E[phi'(u_s) phi'(u_r)] / sqrt(D(q_s) D(q_r))
    for (u_s, u_r) centred Gaussian with variances q_s, q_r and correlation ``correlation``."""
    c = np.clip(correlation, -1.0, 1.0)
    closed = _closed_form(activation, method)
    if closed == "relu":
        # E[relu relu] = sqrt(q_s q_r)/(2 pi) (sqrt(1-c^2) + c (pi - arccos c)) over
        # sqrt(V_s V_r) = sqrt(q_s q_r)/2; E[step step] = (pi - arccos c)/(2 pi) over 1/2.
        angle = np.pi - np.arccos(c)
        return (np.sqrt(1.0 - c * c) + c * angle) / np.pi, angle / np.pi
    q_s, q_r = np.exp(log_q_s), np.exp(log_q_r)
    if closed == "erf":
        # E[erf erf] = (2/pi) arcsin(2 q_sr / sqrt((1 + 2 q_s)(1 + 2 q_r))) with
        # q_sr = c sqrt(q_s q_r), i.e. arcsin(c g_s g_r), g = sqrt(2q / (1 + 2q)).
        g_s = np.sqrt(1.0 / (1.0 + 0.5 / q_s))
        g_r = np.sqrt(1.0 / (1.0 + 0.5 / q_r))
        phi_phi = 2.0 / np.pi * np.arcsin(c * g_s * g_r)
        # E[erf' erf'] = (4/pi) / sqrt((1 + 2 q_s)(1 + 2 q_r) - 4 q_sr^2).
        determinant = (1.0 + 2.0 * q_s) * (1.0 + 2.0 * q_r) - 4.0 * c * c * q_s * q_r
        dphi_dphi = 4.0 / np.pi / np.sqrt(determinant)
        log_v_s, log_d_s = _log_moments(activation, log_q_s, method)
        log_v_r, log_d_r = _log_moments(activation, log_q_r, method)
        return phi_phi / np.exp(0.5 * (log_v_s + log_v_r)), dphi_dphi / np.exp(0.5 * (log_d_s + log_d_r))
    # Polar coordinates: u_s = sqrt(q_s) r cos t and u_r = sqrt(q_r) r cos(t - t_c) with
    # t_c = arccos c. phi and phi' change fastest across the lines u_s = 0 and u_r = 0, the
    # rays t = +-pi/2 and t_c +- pi/2: they are the angular panels' edges, refined towards
    # them, so kinks (ReLU) cost nothing and bumps of width 1/sqrt(q) are resolved. (A tensor
    # Gauss-Hermite rule, as neural-tangents' ElementwiseNumerical, has those lines oblique
    # to its grid: 1e-2 for ReLU and 1e-3 for tanh at q = 10 with 200^2 nodes.)
    # Each correlation is normalised by the same rule's second moments: |result| <= 1, and
    # exactly 1 for c = 1, q_s = q_r.
    angle, angle_weight, radius, radius_weight = _polar_rules()
    shape = c.shape
    q_s, q_r, angle_c = (np.broadcast_to(a, shape).ravel() for a in (q_s, q_r, np.arccos(c)))
    phi_corr = np.empty(angle_c.shape)
    dphi_corr = np.empty(angle_c.shape)
    for index, (scale_s, scale_r, offset) in enumerate(zip(np.sqrt(q_s), np.sqrt(q_r), angle_c)):
        edges = np.array([-0.5, offset / np.pi - 0.5, 0.5, offset / np.pi + 0.5, 1.5]) * np.pi
        widths = np.diff(edges)[:, None]
        theta = (edges[:-1, None] + widths * angle).ravel()
        weights = radius_weight[:, None] * ((widths * angle_weight).ravel() / (2.0 * np.pi))[None, :]
        u_s = scale_s * radius[:, None] * np.cos(theta)[None, :]
        u_r = scale_r * radius[:, None] * np.cos(theta - offset)[None, :]
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            for f, out in ((activation.function, phi_corr), (activation.derivative, dphi_corr)):
                f_s, f_r = f(u_s), f(u_r)
                out[index] = np.sum(weights * f_s * f_r) / np.sqrt(
                    np.sum(weights * f_s * f_s) * np.sum(weights * f_r * f_r)
                )
    return phi_corr.reshape(shape), dphi_corr.reshape(shape)


def gaussian_moments(
    activation: str | Activation,
    variance: ArrayLike,
    *,
    method: Method = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """(V(q), D(q)) = (int Dz phi(sqrt(q) z)^2, int Dz phi'(sqrt(q) z)^2), elementwise in q.

    Closed forms: ReLU V = q/2, D = 1/2; erf V = (2/pi) arctan(q / sqrt(q + 1/4))
    = (2/pi) arcsin(2q / (1 + 2q)), D = (2/pi) / sqrt(q + 1/4) (Appendix E, correct as
    printed). Otherwise a composite Gauss-Legendre rule in z, refined geometrically towards
    z = 0 (relative error about 1e-14 for tanh, GELU and sigmoid at q from 1e-4 to 1e2, measured
    against adaptive quadrature). ``method`` forces ``"quadrature"`` (or insists on
    ``"closed_form"``).
    """
    act = _resolve(activation)
    log_v, log_d = _log_moments(act, _log(np.asarray(variance, dtype=float)), method)
    return np.exp(log_v), np.exp(log_d)


def gaussian_cross_moments(
    activation: str | Activation,
    variance_s: ArrayLike,
    variance_r: ArrayLike,
    covariance: ArrayLike,
    *,
    method: Method = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """(E[phi(u_s) phi(u_r)], E[phi'(u_s) phi'(u_r)]) for (u_s, u_r) ~ N(0, [[q_s, q_sr], [q_sr, q_r]]).

    With c = q_sr / sqrt(q_s q_r): ReLU sqrt(q_s q_r)/(2 pi) (sqrt(1 - c^2) + c pi/2 + c arcsin c)
    and (pi/2 + arcsin c) / (2 pi) (Appendix E with its a/(2 pi) corrected to a^2/(2 pi));
    erf (2/pi) arcsin(2 q_sr / sqrt((1 + 2 q_s)(1 + 2 q_r))) and
    (4/pi) / sqrt((1 + 2 q_s)(1 + 2 q_r) - 4 q_sr^2) (Appendix E corrected: the paper's
    sqrt(q_sr) and (1 + 2 sqrt(q))^2 mix standard deviations with variances). Otherwise
    quadrature in polar coordinates (about 170,000 nodes per (q_s, q_r, c), tens
    of milliseconds each) whose angular panels end on the rays u_s = 0 and u_r = 0.
    """
    act = _resolve(activation)
    q_s, q_r, q_sr = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (variance_s, variance_r, covariance)))
    log_q_s, log_q_r = _log(q_s), _log(q_r)
    correlation = q_sr / np.sqrt(q_s * q_r)
    phi_corr, dphi_corr = _cross_correlations(act, log_q_s, log_q_r, correlation, method)
    log_v_s, log_d_s = _log_moments(act, log_q_s, method)
    log_v_r, log_d_r = _log_moments(act, log_q_r, method)
    return phi_corr * np.exp(0.5 * (log_v_s + log_v_r)), dphi_corr * np.exp(0.5 * (log_d_s + log_d_r))


# --- Pairs of positive quantities, kept as (log first, log second, correlation) ----------


class _Pair(NamedTuple):
    """Two positive scales a_s, a_r and a cross term a_sr = correlation sqrt(a_s a_r)."""

    log_first: np.ndarray
    log_second: np.ndarray
    correlation: np.ndarray


def _pair_product(a: _Pair, b: _Pair) -> _Pair:
    return _Pair(a.log_first + b.log_first, a.log_second + b.log_second, a.correlation * b.correlation)


def _pair_sum(a: _Pair, b: _Pair) -> _Pair:
    """(a_s + b_s, a_r + b_r, a_sr + b_sr), the cross term renormalised without overflow."""
    log_first = np.logaddexp(a.log_first, b.log_first)
    log_second = np.logaddexp(a.log_second, b.log_second)
    half = 0.5 * (log_first + log_second)
    correlation = a.correlation * _exp_difference(
        0.5 * (a.log_first + a.log_second), half
    ) + b.correlation * _exp_difference(0.5 * (b.log_first + b.log_second), half)
    return _Pair(log_first, log_second, correlation)


def _pair_scalar(log_value: np.ndarray) -> _Pair:
    """A constant shared by both inputs (a variance, a width, a bias term): correlation 1."""
    return _Pair(log_value, log_value, np.ones_like(log_value))


def _pair_layer(pair: _Pair, index: int) -> _Pair:
    return _Pair(pair.log_first[..., index], pair.log_second[..., index], pair.correlation[..., index])


# --- Forward recursions ------------------------------------------------------------------


@dataclass(frozen=True)
class Propagation:
    """Mean-field forward pass of one input x_s (or two, x_s and x_r) through L hidden layers.

    Arrays have the grid shape G followed by a layer axis. For ``propagate`` (one input) the
    ``*_second`` arrays equal the first ones and every correlation is 1.

    Attributes:
      log_q: log q^l, l = 1 .. L (pre-activation lengths of x_s).
      log_qhat: log qhat^l, l = 0 .. L (qhat^0 = |x_s|^2 / n0).
      log_derivative_moment: log D(q^l) = log E[phi'(h^l)^2], l = 1 .. L.
      correlation: c^l = q^l_sr / sqrt(q^l_s q^l_r), l = 1 .. L.
      activation_correlation: qhat^l_sr / sqrt(qhat^l_s qhat^l_r), l = 0 .. L.
      derivative_correlation: E[phi'(h^l_s) phi'(h^l_r)] / sqrt(D(q^l_s) D(q^l_r)), l = 1 .. L.
    """

    activation: Activation
    weight_variance: np.ndarray
    bias_variance: np.ndarray
    readout_weight_variance: np.ndarray
    log_q: np.ndarray
    log_qhat: np.ndarray
    log_derivative_moment: np.ndarray
    log_q_second: np.ndarray
    log_qhat_second: np.ndarray
    log_derivative_moment_second: np.ndarray
    correlation: np.ndarray
    activation_correlation: np.ndarray
    derivative_correlation: np.ndarray

    @property
    def depth(self) -> int:
        return self.log_q.shape[-1]

    @property
    def q(self) -> np.ndarray:
        """q^l, l = 1 .. L (may overflow to inf where log_q > 709; use log_q there)."""
        return np.exp(self.log_q)

    @property
    def qhat(self) -> np.ndarray:
        """qhat^l, l = 0 .. L."""
        return np.exp(self.log_qhat)

    @property
    def log_chi(self) -> np.ndarray:
        """log chi^l = log(sigma_w^2 D(q^l)), l = 1 .. L: the growth p^l / p^{l+1} of the gradient
        length through hidden layer l; at q^l = q* it is chi_1, the slope of the correlation
        map at c = 1."""
        return np.log(self.weight_variance)[..., None] + self.log_derivative_moment

    @property
    def q_cross(self) -> np.ndarray:
        """q^l_sr, l = 1 .. L."""
        return self.correlation * np.exp(0.5 * (self.log_q + self.log_q_second))

    @property
    def qhat_cross(self) -> np.ndarray:
        """qhat^l_sr, l = 0 .. L."""
        return self.activation_correlation * np.exp(0.5 * (self.log_qhat + self.log_qhat_second))

    def _qhat_pair(self) -> _Pair:
        return _Pair(self.log_qhat, self.log_qhat_second, self.activation_correlation)

    def _derivative_pair(self) -> _Pair:
        return _Pair(self.log_derivative_moment, self.log_derivative_moment_second, self.derivative_correlation)


def _grid(*values: ArrayLike) -> list[np.ndarray]:
    return np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))


def _check_variances(weight_variance: np.ndarray, bias_variance: np.ndarray, readout: np.ndarray) -> None:
    if not np.all(weight_variance > 0):
        raise ValueError("weight_variance: must be > 0")
    if not np.all(bias_variance >= 0):
        raise ValueError("bias_variance: must be >= 0")
    if not np.all(readout > 0):
        raise ValueError("readout_weight_variance: must be > 0")


def _check_depth(depth: int) -> None:
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth: must be a positive integer, got {depth!r}")


def _propagate(
    act: Activation,
    weight_variance: np.ndarray,
    bias_variance: np.ndarray,
    readout: np.ndarray,
    depth: int,
    input_lengths: tuple[np.ndarray, np.ndarray],
    input_correlation: np.ndarray | None,
    method: Method,
) -> Propagation:
    _check_depth(depth)
    _check_variances(weight_variance, bias_variance, readout)
    for length in input_lengths:
        if not np.all(length > 0):
            raise ValueError("input length |x|^2 / n0: must be > 0")
    log_weight = _pair_scalar(np.log(weight_variance))
    log_bias = _pair_scalar(_log(bias_variance))
    single = input_correlation is None
    ones = np.ones_like(weight_variance)
    qhat = _Pair(np.log(input_lengths[0]), np.log(input_lengths[1]), ones if single else input_correlation)
    q_layers, qhat_layers, derivative_layers = [], [qhat], []
    for _ in range(depth):
        # q^l = sigma_w^2 qhat^{l-1} + sigma_b^2, for both inputs and their cross term.
        q = _pair_sum(_pair_product(log_weight, qhat), log_bias)
        log_v_s, log_d_s = _log_moments(act, q.log_first, method)
        if single:
            log_v_r, log_d_r, phi_corr, dphi_corr = log_v_s, log_d_s, ones, ones
        else:
            log_v_r, log_d_r = _log_moments(act, q.log_second, method)
            phi_corr, dphi_corr = _cross_correlations(act, q.log_first, q.log_second, q.correlation, method)
        qhat = _Pair(log_v_s, log_v_r, phi_corr)
        q_layers.append(q)
        qhat_layers.append(qhat)
        derivative_layers.append(_Pair(log_d_s, log_d_r, dphi_corr))

    def stack(pairs: list[_Pair], field: int) -> np.ndarray:
        return np.stack([p[field] for p in pairs], axis=-1)

    return Propagation(
        activation=act,
        weight_variance=weight_variance,
        bias_variance=bias_variance,
        readout_weight_variance=readout,
        log_q=stack(q_layers, 0),
        log_qhat=stack(qhat_layers, 0),
        log_derivative_moment=stack(derivative_layers, 0),
        log_q_second=stack(q_layers, 1),
        log_qhat_second=stack(qhat_layers, 1),
        log_derivative_moment_second=stack(derivative_layers, 1),
        correlation=stack(q_layers, 2),
        activation_correlation=stack(qhat_layers, 2),
        derivative_correlation=stack(derivative_layers, 2),
    )


def propagate(
    activation: str | Activation,
    weight_variance: ArrayLike,
    bias_variance: ArrayLike,
    depth: int,
    *,
    input_length: ArrayLike = 1.0,
    readout_weight_variance: ArrayLike | None = None,
    method: Method = "auto",
) -> Propagation:
    """The q and qhat recursions (eq. 5-6) of one input for hidden layers 1 .. ``depth``::

        qhat^0 = input_length = |x|^2 / n0,  q^l = sigma_w^2 qhat^{l-1} + sigma_b^2,
        qhat^l = int Dz phi(sqrt(q^l) z)^2,  and D(q^l) = int Dz phi'(sqrt(q^l) z)^2,

    in the log domain (see the module docstring). ``weight_variance`` (sigma_w^2),
    ``bias_variance`` (sigma_b^2), ``readout_weight_variance`` (sigma_ro^2, default sigma_w^2)
    and ``input_length`` broadcast into the grid shape G.
    """
    weight, bias, length = _grid(weight_variance, bias_variance, input_length)
    readout = weight if readout_weight_variance is None else np.asarray(readout_weight_variance, dtype=float)
    weight, bias, length, readout = _grid(weight, bias, length, readout)
    return _propagate(_resolve(activation), weight, bias, readout, depth, (length, length), None, method)


def propagate_pair(
    activation: str | Activation,
    weight_variance: ArrayLike,
    bias_variance: ArrayLike,
    depth: int,
    *,
    input_covariance: ArrayLike,
    input_lengths: tuple[ArrayLike, ArrayLike] = (1.0, 1.0),
    readout_weight_variance: ArrayLike | None = None,
    method: Method = "auto",
) -> Propagation:
    """The q, qhat recursions of two inputs and their cross terms (eq. 7)::

        q^l_sr = sigma_w^2 qhat^{l-1}_sr + sigma_b^2,   qhat^l_sr = E[phi(u_s) phi(u_r)],
        (u_s, u_r) ~ N(0, [[q^l_s, q^l_sr], [q^l_sr, q^l_r]]),   qhat^0_sr = x_s . x_r / n0.

    ``input_covariance`` is x_s . x_r / n0 (the paper's q^0_sr in [0, 1] for unit-length
    inputs), ``input_lengths`` = (|x_s|^2 / n0, |x_r|^2 / n0); all broadcast into G. The cross
    terms are stored as correlations (``Propagation`` attributes).
    """
    length_s, length_r = input_lengths
    weight, bias, ls, lr, covariance = _grid(weight_variance, bias_variance, length_s, length_r, input_covariance)
    readout = weight if readout_weight_variance is None else np.asarray(readout_weight_variance, dtype=float)
    weight, bias, ls, lr, covariance, readout = _grid(weight, bias, ls, lr, covariance, readout)
    correlation = covariance / np.sqrt(ls * lr)
    if not np.all(np.abs(correlation) <= 1.0 + 1e-12):
        raise ValueError("input_covariance: |x_s . x_r| / n0 must not exceed sqrt(length_s length_r)")
    return _propagate(
        _resolve(activation), weight, bias, readout, depth, (ls, lr), np.clip(correlation, -1.0, 1.0), method
    )


def _checked_network_depth(propagation: Propagation, depth: int | None) -> int:
    if depth is None:
        return propagation.depth
    _check_depth(depth)
    if depth > propagation.depth:
        raise ValueError(f"depth: {depth} exceeds the propagated depth {propagation.depth}")
    return depth


def _gradient_pairs(propagation: Propagation, depth: int) -> _Pair:
    """p^l, l = 1 .. depth + 1, of a network with ``depth`` hidden layers (pairs)."""
    derivative = propagation._derivative_pair()
    log_weight = _pair_scalar(np.log(propagation.weight_variance))
    log_readout = _pair_scalar(np.log(propagation.readout_weight_variance))
    p = _pair_scalar(np.zeros_like(propagation.weight_variance))  # p^{L+1} = 1
    # p^L = sigma_ro^2 D(q^L) p^{L+1}; p^l = sigma_w^2 D(q^l) p^{l+1} below it.
    layers = [p]
    for index in range(depth - 1, -1, -1):  # layer l = index + 1, from L down to 1
        variance = log_readout if index == depth - 1 else log_weight
        p = _pair_product(_pair_product(variance, _pair_layer(derivative, index)), p)
        layers.append(p)
    layers.reverse()
    return _Pair(*(np.stack([layer[field] for layer in layers], axis=-1) for field in range(3)))


def log_gradient_lengths(propagation: Propagation, depth: int | None = None) -> np.ndarray:
    """log p^l, l = 1 .. L + 1, of the network with L = ``depth`` hidden layers (default: all
    propagated layers) for the first input (eq. 8, constant width)::

        p^{L+1} = 1,   p^L = sigma_ro^2 D(q^L),   p^l = chi^l p^{l+1} = sigma_w^2 D(q^l) p^{l+1}.

    p^l = E[sum_i (df/dh^l_i)^2]: the same in both parameterisations. Shape G + (L + 1,).
    For two inputs, p^l_sr / sqrt(p^l_s p^l_r) is the product of ``derivative_correlation``
    over layers l .. L (eq. 9 with p^l_sr, not p^l, on the right).
    """
    return _gradient_pairs(propagation, _checked_network_depth(propagation, depth)).log_first


# --- Fixed point and the order/chaos border ------------------------------------------------


def _brent(f: Callable[[float], float], lower: float, upper: float, **options) -> float:
    from scipy import optimize

    return optimize.brentq(f, lower, upper, **options)


def _scalar_moments(act: Activation, q: float, method: Method) -> tuple[float, float]:
    log_v, log_d = _log_moments(act, _log(np.asarray(q, dtype=float)), method)
    return float(np.exp(log_v)), float(np.exp(log_d))


def _fixed_point_scalar(act: Activation, weight: float, bias: float, method: Method) -> float:
    if _closed_form(act, method) == "relu":
        if weight < 2.0:
            return bias / (1.0 - weight / 2.0)
        # sigma_w^2 = 2, sigma_b^2 = 0: the length map is the identity, every q is fixed.
        return float("nan") if (weight == 2.0 and bias == 0.0) else float("inf")

    def excess(q: float) -> float:  # g(q) = sigma_w^2 V(q) + sigma_b^2 - q
        return weight * _scalar_moments(act, q, method)[0] + bias - q

    lower = 0.0
    if excess(0.0) <= 0.0:
        # phi(0) = 0 and sigma_b^2 = 0: q = 0 is fixed; it attracts unless the map rises above
        # the diagonal just above 0 (slope sigma_w^2 V(q)/q > 1), then the attractor is the
        # root above. The margin 1e-12 keeps round-off at the border (tanh, sigma_w^2 = 1)
        # from inventing a root; a true one there would be below ~1e-12 anyway.
        lower = 1e-30
        if weight * _scalar_moments(act, lower, method)[0] / lower <= 1.0 + 1e-12:
            return 0.0
    upper = max(1.0, 2.0 * excess(0.0))
    while excess(upper) >= 0.0:
        upper *= 4.0
        if upper > 1e300:
            return float("inf")  # the length map grows without bound (e.g. ReLU-like, chaotic)
    return float(_brent(excess, lower, upper, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500))


def fixed_point_length(
    activation: str | Activation,
    weight_variance: ArrayLike,
    bias_variance: ArrayLike,
    *,
    method: Method = "auto",
) -> np.ndarray:
    """q*: the attracting fixed point q* = sigma_w^2 V(q*) + sigma_b^2 of the length map,
    the limit of q^l from any q^1 > 0, elementwise over the broadcast grid.

    ReLU: q* = sigma_b^2 / (1 - sigma_w^2 / 2) for sigma_w^2 < 2, inf above (q^l grows
    like (sigma_w^2/2)^l), nan at (2, 0) where every q is fixed. Otherwise a bracketed
    root (Brent) of g(q) = sigma_w^2 V(q) + sigma_b^2 - q on (0, inf); q* = 0 when
    sigma_b^2 = 0, phi(0) = 0 and the map stays below the diagonal (tanh: sigma_w^2 <= 1);
    inf when g stays positive up to 1e300. The root is unique for the named activations.
    """
    act = _resolve(activation)
    weight, bias = _grid(weight_variance, bias_variance)
    _check_variances(weight, bias, weight)
    result = np.empty(weight.shape)
    for index in np.ndindex(weight.shape):
        result[index] = _fixed_point_scalar(act, float(weight[index]), float(bias[index]), method)
    return result


def chi_1(
    activation: str | Activation,
    weight_variance: ArrayLike,
    bias_variance: ArrayLike,
    *,
    method: Method = "auto",
) -> np.ndarray:
    """chi_1 = sigma_w^2 int Dz phi'(sqrt(q*) z)^2: the slope at c = 1 of the correlation map
    at the fixed point q*; < 1 ordered (vanishing gradients), > 1 chaotic.

    ReLU: sigma_w^2 / 2 whatever q* (D = 1/2), so the border is sigma_w^2 = 2. Where q* is
    infinite for another activation the result is nan (not needed for bounded activations).
    """
    act = _resolve(activation)
    weight, bias = _grid(weight_variance, bias_variance)
    if _closed_form(act, method) == "relu":
        _check_variances(weight, bias, weight)
        return weight / 2.0
    q_star = fixed_point_length(act, weight, bias, method=method)
    finite = np.isfinite(q_star)
    log_d = _log_moments(act, _log(np.where(finite, q_star, 1.0)), method)[1]
    return np.where(finite, weight * np.exp(log_d), np.nan)


def _border_scalar(act: Activation, bias: float, method: Method) -> float:
    if _closed_form(act, method) == "relu":
        return 2.0

    # On the border chi_1 = 1 and q* is fixed: sigma_w^2 = 1 / D(q), and
    # sigma_b^2 = q - sigma_w^2 V(q) = q - V(q) / D(q) =: h(q); solve h(q) = sigma_b^2.
    def excess(q: float) -> float:
        v, d = _scalar_moments(act, q, method)
        return q - v / d - bias

    if excess(0.0) >= 0.0:
        if excess(0.0) > 0.0:
            return float("nan")  # sigma_b^2 below the border's reach (h(0) = -phi(0)^2/phi'(0)^2)
        q = 0.0
    else:
        upper = 1.0
        while excess(upper) <= 0.0:
            upper *= 4.0
            if upper > 1e300:
                return float("nan")
        q = float(_brent(excess, 0.0, upper, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500))
    return 1.0 / _scalar_moments(act, q, method)[1]


def order_chaos_border(
    activation: str | Activation,
    bias_variance: ArrayLike,
    *,
    method: Method = "auto",
) -> np.ndarray:
    """sigma_w^2 on the order/chaos border chi_1 = 1 for each sigma_b^2 (elementwise).

    ReLU: 2 for every sigma_b^2. Otherwise the border is the curve q -> (1 / D(q),
    q - V(q) / D(q)) (chi_1 = 1 and q fixed, Poole et al.); we solve its second coordinate
    for q by Brent and return 1 / D(q). tanh: 1 at sigma_b^2 = 0, growing with sigma_b^2;
    erf: pi / 4 at sigma_b^2 = 0. nan where sigma_b^2 is outside the curve's range.
    """
    act = _resolve(activation)
    bias = np.asarray(bias_variance, dtype=float)
    if not np.all(bias >= 0):
        raise ValueError("bias_variance: must be >= 0")
    result = np.empty(bias.shape)
    for index in np.ndindex(bias.shape):
        result[index] = _border_scalar(act, float(bias[index]), method)
    return result


# --- The infinite-width NTK and Lemma 2 --------------------------------------------------


def _layer_terms(propagation: Propagation, hidden: _Pair, readout: _Pair, bias: np.ndarray) -> tuple[_Pair, _Pair]:
    """t^l = a_l qhat^{l-1} + b for l = 1 .. L (hidden scales ``hidden``) and the readout term
    a_{L+1} qhat^L + b of a network of every depth (scales ``readout``)."""
    qhat = propagation._qhat_pair()
    below = _Pair(*(field[..., :-1] for field in qhat))  # qhat^0 .. qhat^{L-1}
    top = _Pair(*(field[..., 1:] for field in qhat))  # qhat^1 .. qhat^L
    constant = _pair_scalar(_log(bias)[..., None] * np.ones(propagation.depth))
    return _pair_sum(_pair_product(hidden, below), constant), _pair_sum(_pair_product(readout, top), constant)


def _forward_scan(propagation: Propagation, terms: _Pair, readout_terms: _Pair) -> _Pair:
    """sum_{l=1}^{L+1} p^l t^l for every depth L = 1 .. depth, forwards:
    T_(1) = t^1, T_(l+1) = chi^l T_(l) + t^{l+1}, output sigma_ro^2 D(q^L) T_(L) + t_readout."""
    derivative = propagation._derivative_pair()
    log_weight = _pair_scalar(np.log(propagation.weight_variance))
    log_readout = _pair_scalar(np.log(propagation.readout_weight_variance))
    total = _pair_layer(terms, 0)
    outputs = []
    for index in range(propagation.depth):
        slope = _pair_layer(derivative, index)
        outputs.append(
            _pair_sum(_pair_product(_pair_product(log_readout, slope), total), _pair_layer(readout_terms, index))
        )
        if index + 1 < propagation.depth:
            total = _pair_sum(_pair_product(_pair_product(log_weight, slope), total), _pair_layer(terms, index + 1))
    return _Pair(*(np.stack([out[field] for out in outputs], axis=-1) for field in range(3)))


def _ntk_pairs(
    propagation: Propagation,
    parameterization: str,
    width: int | None,
    input_dimension: int | None,
    trained_biases: bool,
) -> _Pair:
    if parameterization not in PARAMETERIZATIONS:
        raise ValueError(
            f"parameterization: {parameterization!r} is not supported; allowed: {', '.join(PARAMETERIZATIONS)}"
        )
    depth = propagation.depth
    layer = np.ones(depth)
    if parameterization == "ntk":
        # t^l = sigma_w^2 qhat^{l-1} + sigma_b^2 [trained], readout sigma_ro^2 qhat^L + ...
        hidden = _pair_scalar(np.log(propagation.weight_variance)[..., None] * layer)
        readout = _pair_scalar(np.log(propagation.readout_weight_variance)[..., None] * layer)
        bias = propagation.bias_variance if trained_biases else np.zeros_like(propagation.bias_variance)
    else:
        for name, value in (("width", width), ("input_dimension", input_dimension)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: the standard parameterization needs a positive integer, got {value!r}")
        # t^l = n_{l-1} qhat^{l-1} + [trained] 1 with n_0 = input_dimension, n_l = width.
        fan_in = np.full(depth, float(width))
        fan_in[0] = float(input_dimension)
        shape = propagation.weight_variance.shape
        hidden = _pair_scalar(np.broadcast_to(np.log(fan_in), shape + (depth,)))
        readout = _pair_scalar(np.full(shape + (depth,), np.log(float(width))))
        bias = np.full(shape, 1.0 if trained_biases else 0.0)
    terms, readout_terms = _layer_terms(propagation, hidden, readout, bias)
    return _forward_scan(propagation, terms, readout_terms)


def log_ntk_diagonal(
    propagation: Propagation,
    *,
    parameterization: str = "ntk",
    width: int | None = None,
    input_dimension: int | None = None,
    trained_biases: bool = True,
) -> np.ndarray:
    """log Theta(x_s, x_s) of the infinite-width NTK for every depth L = 1 .. depth, shape G + (depth,)::

        Theta(x, x) = sum_{l=1}^{L+1} p^l t^l,  ntk: t^l = sigma_w^2 qhat^{l-1} + sigma_b^2,
                                           standard: t^l = n_{l-1} qhat^{l-1} + 1,

    (sigma_ro^2 replaces sigma_w^2 in the readout term; the bias part only with
    ``trained_biases``, which in ``standard`` adds 1 per layer even at sigma_b^2 = 0).
    Computed forwards: Theta_(1) = t^1, Theta_(l+1) = chi^l Theta_(l) + t^{l+1}, output
    sigma_ro^2 D(q^L) Theta_(L) + t^{L+1}. ``standard`` needs ``width`` (M) and
    ``input_dimension`` (n0): there Theta grows like M (Lemma 2: alpha M kappa_1 + sum p^l).
    """
    return _ntk_pairs(propagation, parameterization, width, input_dimension, trained_biases).log_first


def ntk_correlation(
    propagation: Propagation,
    *,
    parameterization: str = "ntk",
    width: int | None = None,
    input_dimension: int | None = None,
    trained_biases: bool = True,
) -> np.ndarray:
    """Theta(x_s, x_r) / sqrt(Theta(x_s, x_s) Theta(x_r, x_r)) for every depth (a ``propagate_pair``
    result), shape G + (depth,), in [-1, 1]. Theta(x_s, x_r) = sum_l p^l_sr t^l_sr with t^l_sr
    the terms of ``log_ntk_diagonal`` with qhat_sr in place of qhat: multiply by
    exp((log Theta_ss + log Theta_rr) / 2), where log Theta_rr is ``log_ntk_diagonal`` of
    ``propagate(..., input_length=|x_r|^2 / n0)``."""
    return _ntk_pairs(propagation, parameterization, width, input_dimension, trained_biases).correlation


def _kappa_pairs(propagation: Propagation, input_width_ratio: float) -> tuple[_Pair, np.ndarray]:
    if not input_width_ratio > 0:
        raise ValueError(f"input_width_ratio: must be > 0, got {input_width_ratio!r}")
    depth = propagation.depth
    shape = propagation.weight_variance.shape
    alphas = np.ones(depth)
    alphas[0] = input_width_ratio  # alpha_0 = n0 / M; hidden alpha_l = 1
    hidden = _pair_scalar(np.broadcast_to(np.log(alphas), shape + (depth,)))
    readout = _pair_scalar(np.zeros(shape + (depth,)))
    terms, readout_terms = _layer_terms(propagation, hidden, readout, np.zeros(shape))
    # alpha = sum over the L hidden weight matrices of alpha_l alpha_{l-1} = alpha_0 + L - 1.
    log_alpha = np.log(input_width_ratio + np.arange(depth))
    return _forward_scan(propagation, terms, readout_terms), log_alpha


def _coincident_inputs(propagation: Propagation) -> np.ndarray:
    """Where x_s and x_r are one input (equal lengths, input correlation exactly 1, i.e.
    q^0_sr = q^0_s = q^0_r), as a mask of shape G + (1,) for the depth axis.

    There every cross quantity equals its diagonal one, yet the correlations carried by
    ``_pair_sum`` drift from 1 by round-off, and correlation maps amplify that drift near
    c = 1 (ReLU's cross integral through sqrt(1 - c^2), the chaotic phase like chi_1^L):
    kappa_2 came out 6e-7 relative below kappa_1 at ReLU, chaotic, depth 64. So the kappas
    there are computed by the diagonal path instead."""
    same_length = propagation.log_qhat[..., 0] == propagation.log_qhat_second[..., 0]
    return (same_length & (propagation.activation_correlation[..., 0] == 1.0))[..., None]


def log_kappa_1(propagation: Propagation, *, input_width_ratio: float = 1.0) -> np.ndarray:
    """log kappa_1(x_s) of Lemma 2 for every depth L = 1 .. depth, shape G + (depth,)::

        kappa_1 = sum_{l=1}^{L+1} (alpha_{l-1} / alpha) qhat^{l-1} p^l,   alpha = alpha_0 + L - 1,

    alpha_0 = ``input_width_ratio`` = n0 / M, hidden alpha_l = 1. In standard
    parameterisation Theta(x, x) = alpha M kappa_1 + [trained biases] sum_l p^l exactly in
    mean-field theory. (The default n0 = M is the paper's Figures 5-6, which fix no width.)
    """
    pairs, log_alpha = _kappa_pairs(propagation, input_width_ratio)
    return pairs.log_first - log_alpha


def kappa_2(propagation: Propagation, *, input_width_ratio: float = 1.0) -> np.ndarray:
    """kappa_2(x_s, x_r) of Lemma 2 for every depth (a ``propagate_pair`` result), shape G + (depth,)::

        kappa_2 = sum_{l=1}^{L+1} (alpha_{l-1} / alpha) qhat^{l-1}_sr p^l_sr,

    conventions as ``log_kappa_1``; Theta(x_s, x_r) = alpha M kappa_2 + [biases] sum_l p^l_sr.
    Computed as a correlation times sqrt(kappa_1(x_s) kappa_1(x_r)): overflows only where
    the value itself exceeds float64; ``kappa_ratio`` never does. Where the two inputs
    coincide (q^0_sr = q^0_s = q^0_r) it is kappa_1, computed as ``log_kappa_1`` computes it,
    so the two are equal bit for bit (:func:`_coincident_inputs`).
    """
    pairs, log_alpha = _kappa_pairs(propagation, input_width_ratio)
    general = pairs.correlation * np.exp(0.5 * (pairs.log_first + pairs.log_second) - log_alpha)
    return np.where(_coincident_inputs(propagation), np.exp(pairs.log_first - log_alpha), general)


def kappa_ratio(propagation: Propagation, *, input_width_ratio: float = 1.0) -> np.ndarray:
    """sqrt(kappa_1(x_s) kappa_1(x_r)) / kappa_2(x_s, x_r) for every depth: the paper's
    kappa_1 / kappa_2 (Figure 6) for inputs of equal length; >= 1 when kappa_2 > 0, and near
    1 when the NTK matrix is close to degenerate. Scale-free, so it never overflows; exactly 1
    where the two inputs coincide (:func:`_coincident_inputs`)."""
    pairs, _ = _kappa_pairs(propagation, input_width_ratio)
    with np.errstate(divide="ignore"):
        return np.where(_coincident_inputs(propagation), 1.0, 1.0 / pairs.correlation)
