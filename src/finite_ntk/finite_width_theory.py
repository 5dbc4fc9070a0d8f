r"""Exact finite-width moments of the NTK diagonal K(x, x) of a deep ReLU network.

What this is
------------
**Exact** closed forms (no asymptotics) for E[K] and E[K^2], K = K(x, x), of the network of
the Monte Carlo (``finite_ntk.models.networks.build_network`` with the ``network`` section of
config/config.yaml): ReLU, ``ntk`` parameterization, hidden W_std = sqrt(2), readout
W_std = 1, and b_std = 0 (trainable biases whose gradient b_std dN/dz vanishes, so they
add nothing to K: the same network as b_std = None, checked with autodiff). They hold for
every width n >= 1 and depth d >= 1 (d hidden layers of width n) and were checked against
Monte Carlo (the matrix-free sampler and a dense numpy simulation, 1e6 draws per
configuration: every mean and second moment within 2 standard errors). There is also the
exact limit n -> oo at fixed beta = d / n, which replaces exp(5 beta).

Hanin & Nica (ICLR 2020, arXiv:1909.05989, Theorem 1) state
E[K^2] / E[K]^2 ~= exp(5 beta) (1 + O(sum_j 1 / n_j^2)), where ~= means bounded above and below
by universal constants: an order of growth, not an equation. The exact limit below is
f(beta) with exp(5 beta) / 3 < f(beta) < exp(5 beta) (f(beta) = 1 + 11 beta / 3 + ... at
small beta), so exp(5 beta) overestimates the ratio at every beta (by 1.31x at beta = 0.25 in
the limit, more at finite width). Their appendix "Overall Scaling" (arXiv v1) sums their
formula for n_j = n; it writes n (1 - e^{-5 beta}) and n^2 (1 - e^{-5 beta} - beta e^{-5 beta})
where the sums sum_{j<=d} e^{-5j/n} and sum_{j1<=j2<=d} e^{-5 j2/n} give
n (1 - e^{-5 beta}) / 5 and (n^2 / 25)(1 - e^{-5 beta} - 5 beta e^{-5 beta}) (misprints, harmless
under ~=, but the printed last term is about 4 d n at small beta, not the d^2 they conclude).

Network and kernel
------------------
Unit-variance parameters W^l, v (iid N(0, 1)), input x in R^{n0}, n_0 = n0, n_l = n:

    z^1 = sqrt(2 / n0) W^1 x,   z^l = sqrt(2 / n) W^l h^{l-1} (l = 2..d),   h^l = relu(z^l),
    N(x) = v . h^d / sqrt(n),

    K = sum_{l=1}^{d} (2 / n_{l-1}) |h^{l-1}|^2 |delta^l|^2 + |h^d|^2 / n,   delta^l = dN/dz^l.

Derivation
----------
Let B_l ~ Binomial(n, 1/2) count the active units of layer l and u_l = h^l / |h^l|.
Forward: W^l u_{l-1} is N(0, I_n) whatever the past, so |h^l|^2 = (2 |h^{l-1}|^2 / n_{l-1}) Y_l
with Y_l ~ chi^2_{B_l}. Backward: split W^{l+1} = (W^{l+1} u_l) u_l^T + W^{l+1} (I - u_l u_l^T);
the second part is independent of the forward pass. As N is positively homogeneous of degree 1
in z^{l+1} (ReLU, no biases), delta^{l+1} . z^{l+1} = N, and with D_l the activity mask,

    |delta^l|^2 = N^2 / |h^l|^2 + (c^2 / n) |delta^{l+1}|^2 X_l,   X_l ~ chi^2_{B_l - 1}

(rank of D_l - u_l u_l^T; c^2 = 2 for hidden layers and 1 for the readout, with
|delta^d|^2 = chi^2_{B_d} / n). With N^2 = (|h^d|^2 / n) G^2, G ~ N(0, 1), the layer terms
obey K_l = (N^2 + K_{l+1} X_l) / Y_l, K_{d+1} = |h^d|^2 / n. Multiplied out, on the event that
every B_l >= 1 (otherwise K = 0),

    K = (|x|^2 / n0) (2 / n)^d  e_3^T M_1 M_2 ... M_d (G^2, 1, 1)^T,
    M_l = [[Y_l, 0, 0], [1, X_l, 0], [1, X_l, Y_l]],

with M_1, ..., M_d, G independent and the M_l identically distributed. Hence, exactly,

    E[K]   = (|x|^2 / n0)   (2 / n)^d   e_3^T E[M]^d (1, 1, 1)^T  = (d + 1) |x|^2 / n0,
    E[K^2] = (|x|^2 / n0)^2 (2 / n)^{2d} (e_3 x e_3)^T E[M x M]^d vec([[3,1,1],[1,1,1],[1,1,1]]),

where every expectation carries the indicator of B >= 1 (p0 = 2^-n): E[1] = 1 - p0,
E[Y] = n/2, E[X] = n/2 - 1 + p0, E[Y^2] = n(n + 5)/4, E[XY] = n(n - 1)/4,
E[X^2] = n(n + 1)/4 - 1 + p0 (x: Kronecker product).
The terms in p0 cancel in both moments (exact rational arithmetic, n <= 5 and d <= 12):
using the plain binomial moments, B = 0 included, gives the same numbers.

Consequences
------------
* K / (|x|^2 / n0) has a law free of x (x != 0) and n0: E[K^2] / E[K]^2 is the same for the
  FNN (n0 = 1, x = -1) and the PINN value kernel (n0 = 2), and E[K] = (d + 1)|x|^2 / n0
  (``models.kernels.relu_mean_ntk_diagonal`` without biases).
* d = 1: K = (2 |x|^2 / (n0 n)) chi^2_{2B}, ratio 1 + 3/n. Width 1: 2^d 3^(d-1) (d + 3) / (d + 1).
* Fixed d, n -> oo: ratio = 1 + d (11 d + 7) / (3 (d + 1) n) + O(n^-2) (verified in exact
  rational arithmetic for d <= 10).
* Fixed beta = d / n, n -> oo (rescale the third coordinate by 1/n: E[M x M] (2/n)^2 =
  I + A / n + O(n^-2), so the power tends to exp(beta A)):

      f(beta) = [(9 beta^2 + 6 beta - 1) e^{5 beta} + e^{-beta}] / (27 beta^2)
              = 1 + 11 beta / 3 + 47 beta^2 / 6 + ...,     f(beta) e^{-5 beta} -> 1/3,

  approached from below with error O(1/n) (at n = 16: 16 %, 47 % and 72 % below f at
  beta = 0.25, 1 and 2).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "relu_ntk_moments",
    "relu_second_moment_ratio",
    "relu_second_moment_ratio_limit",
    "theory_applies",
]

# The three matrices of M = Y P + X Q + R (module docstring).
_P = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
_Q = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
_R = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
_FIRST_START = np.ones(3)  # E[(G^2, 1, 1)]
_SECOND_START = np.array([[3.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]).ravel()  # E[v v^T]
# Below this beta the limit is summed as its (positive-term) power series; above, the closed
# form has no cancellation worth the name.
_SERIES_BELOW = 0.5
_SERIES_TERMS = 40


def _integer_grid(width: ArrayLike, depth: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    widths, depths = np.broadcast_arrays(np.asarray(width), np.asarray(depth))
    for name, values in (("width", widths), ("depth", depths)):
        if values.size and not (np.all(np.mod(values, 1) == 0) and np.all(values >= 1)):
            raise ValueError(f"{name}: must be integers >= 1, got {values!r}")
    return widths.astype(np.int64), depths.astype(np.int64)


def _layer_moments(width: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(2/n) E[M 1{B >= 1}] (3 x 3) and (2/n)^2 E[(M x M) 1{B >= 1}] (9 x 9) of one hidden layer."""
    n = float(width)
    p0 = 0.5**width
    one, ey, ex = 1.0 - p0, n / 2, n / 2 - 1 + p0
    ey2, exy, ex2 = n * (n + 5) / 4, n * (n - 1) / 4, n * (n + 1) / 4 - 1 + p0
    first = (ey * _P + ex * _Q + one * _R) * (2 / n)
    k = np.kron
    second = (
        ey2 * k(_P, _P)
        + exy * (k(_P, _Q) + k(_Q, _P))
        + ex2 * k(_Q, _Q)
        + ey * (k(_P, _R) + k(_R, _P))
        + ex * (k(_Q, _R) + k(_R, _Q))
        + one * k(_R, _R)
    ) * (2 / n) ** 2
    return first, second


def theory_applies(parameterization: str, W_std: float, W_std_readout: float, b_std: float | None) -> bool:
    """Whether the exact moments hold for a network: the ``ntk`` parameterization, hidden
    W_std = sqrt(2), readout W_std = 1 and no bias in K (b_std 0 or None). (The activation,
    ReLU, is the caller's to check.)"""
    return (
        parameterization == "ntk"
        and bool(np.isclose(W_std, np.sqrt(2.0), rtol=1e-12, atol=0.0))
        and W_std_readout == 1.0
        and (b_std is None or b_std == 0.0)
    )


def relu_ntk_moments(
    width: ArrayLike, depth: ArrayLike, x_squared_norm: float = 1.0, n0: int = 1
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Exact ``(E[K], E[K^2])`` of K = K(x, x) for ReLU networks of ``depth`` hidden layers of
    ``width`` units (broadcast against each other), input dimension ``n0`` and |x|^2 =
    ``x_squared_norm`` (the project's network: ntk parameterization, W_std = sqrt(2), readout
    W_std = 1, biases absent or b_std = 0).

    E[K] = (|x|^2/n0) (2/n)^d e_3^T E[M]^d (1,1,1)^T = (d + 1)|x|^2/n0 and
    E[K^2] = (|x|^2/n0)^2 (2/n)^{2d} (e_3 x e_3)^T E[M x M]^d vec(E[v v^T]): module docstring.
    """
    if not x_squared_norm >= 0:
        raise ValueError(f"x_squared_norm: must be >= 0, got {x_squared_norm!r}")
    if not (isinstance(n0, (int, np.integer)) and n0 >= 1):
        raise ValueError(f"n0: must be an integer >= 1, got {n0!r}")
    widths, depths = _integer_grid(width, depth)
    scale = x_squared_norm / n0
    mean = np.empty(widths.shape, dtype=np.float64)
    second = np.empty(widths.shape, dtype=np.float64)
    for index in np.ndindex(widths.shape):
        first_layer, second_layer = _layer_moments(int(widths[index]))
        d = int(depths[index])
        mean[index] = scale * (np.linalg.matrix_power(first_layer, d) @ _FIRST_START)[2]
        second[index] = scale**2 * (np.linalg.matrix_power(second_layer, d) @ _SECOND_START)[8]
    return mean, second


def relu_second_moment_ratio(width: ArrayLike, depth: ArrayLike) -> NDArray[np.float64]:
    r"""Exact E[K^2] / E[K]^2 of the NTK diagonal (width, depth broadcast; integers >= 1).

    Independent of the input point (x != 0) and of n0, hence no such arguments. Equals
    1 + 3/n at depth 1, 1 + d(11d + 7)/(3(d + 1)n) + O(n^-2) at fixed depth, and tends to
    :func:`relu_second_moment_ratio_limit` (beta = d/n) as n -> oo at fixed beta.
    """
    mean, second = relu_ntk_moments(width, depth)
    return second / mean**2


def relu_second_moment_ratio_limit(beta: ArrayLike) -> NDArray[np.float64]:
    r"""The n -> oo limit at fixed beta = d/n > 0 of E[K^2]/E[K]^2:

        f(beta) = [(9 beta^2 + 6 beta - 1) e^{5 beta} + e^{-beta}] / (27 beta^2)
                = sum_{k>=0} a_{k+2} beta^k / 27,  a_m = [5^{m-2} (9m^2 + 21m - 25) + (-1)^m] / m!

    (f -> 1 as beta -> 0; exp(5 beta)/3 < f(beta) < exp(5 beta)). The series (positive terms)
    is used below beta = 0.5, where the closed form cancels; ``inf`` beyond beta ~ 141 (overflow).
    """
    betas = np.asarray(beta, dtype=np.float64)
    if betas.size and not np.all(betas > 0):
        raise ValueError(f"beta: must be > 0, got {betas!r}")
    with np.errstate(over="ignore"):
        closed = ((9 * betas**2 + 6 * betas - 1) * np.exp(5 * betas) + np.exp(-betas)) / (27 * betas**2)
    coefficients = [
        (5.0 ** (m - 2) * (9 * m * m + 21 * m - 25) + (-1) ** m) / math.factorial(m) / 27
        for m in range(2, _SERIES_TERMS + 2)
    ]
    series = np.polynomial.polynomial.polyval(np.minimum(betas, _SERIES_BELOW), coefficients)
    return np.where(betas < _SERIES_BELOW, series, closed)
