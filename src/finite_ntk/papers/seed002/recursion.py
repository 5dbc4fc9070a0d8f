r"""The infinite-width NNGP and NTK of a fully connected ReLU network without biases, at
any depth, in float64 (Jacot et al. 2018; Arora et al. 2019; seed 002's Section 4).

Network and normalisation. ``depth`` :math:`L` counts the hidden ReLU layers; the weights
are He-scaled (variance 2 / fan-in for the hidden layers, 1 / n_0 for the first), so that
with :math:`\Sigma^{(0)}(x, x') = x^\top x'`

.. math::

    \Sigma^{(h)}(x, x') = |x||x'|\,\kappa_1(\rho^{(h-1)}),\qquad
    \rho^{(h)} = \kappa_1(\rho^{(h-1)}),\qquad \rho^{(0)} = \frac{x^\top x'}{|x||x'|},

    \Theta^{(h)} = \Theta^{(h-1)}\,\kappa_0(\rho^{(h-1)}) + \Sigma^{(h)},\qquad
    \Theta^{(0)} = \Sigma^{(0)},

with the arc-cosine maps (Cho and Saul 2009)

.. math::

    \kappa_0(\rho) = \frac{\pi - \arccos\rho}{\pi},\qquad
    \kappa_1(\rho) = \frac{\sqrt{1 - \rho^2} + (\pi - \arccos\rho)\,\rho}{\pi}.

On the diagonal :math:`\rho = 1`, :math:`\kappa_0 = \kappa_1 = 1` and
:math:`\Theta^{(L)}(x, x) = (L + 1)|x|^2` exactly (the seed's Proposition 1). The
*normalised* kernel is :math:`\Theta^{(L)}(x, x') / \sqrt{\Theta^{(L)}(x, x)\Theta^{(L)}(x', x')}
= \tilde\Theta^{(L)}(\rho^{(0)}) / (L + 1)`, where :math:`\tilde\Theta` is the NTK of unit
vectors, a function of :math:`\rho^{(0)}` alone. (neural-tangents' ``stax.serial(Dense(1),
[Relu(), Dense(sqrt 2)] * L)`` gives :math:`\Theta^{(L)} / n_0`: its first layer divides by
the input dimension; ``tests/test_deep_kernel.py`` compares the two.)

Why the recursion runs on :math:`\delta = 1 - \rho`. As :math:`L` grows,
:math:`\rho^{(L)} \to 1` with :math:`1 - \rho^{(L)} \sim 9\pi^2 / (2L^2)` (about 4e-7 at
depth 1e4): :math:`\rho` itself no longer resolves the gap, and ``arccos`` of a number
near 1 loses half the digits. So :math:`\delta` is propagated, with

.. math::

    \theta = \arccos\rho = 2\arcsin\sqrt{\delta / 2},\qquad
    \kappa_0 = 1 - \theta / \pi,\qquad
    1 - \kappa_1 = \frac{(\theta - \sin\theta) + (\pi - \theta)\,\delta}{\pi},

a sum of two non-negative terms, and :math:`\theta - \sin\theta` taken from its Taylor
series for small :math:`\theta` (where the difference would cancel). The input gap is
:math:`\delta^{(0)} = |\hat x - \hat x'|^2 / 2` with :math:`\hat x = x / |x|`, again free
of cancellation. Everything here is numpy float64, whatever the run's JAX precision.
"""

from __future__ import annotations

import math
from typing import Iterator, NamedTuple, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# Limits with depth (seed 002, Theorem 2 and docs/replication.md): the normalised off-diagonal
# NTK tends to 1/4, so the normalised matrix tends to 3/4 I + 1/4 11^T (smallest eigenvalue
# 3/4), and 1 - rho^(L) ~ GAP_CONSTANT / L^2.
OFF_DIAGONAL_LIMIT = 0.25
LIMIT_SMALLEST_EIGENVALUE = 1.0 - OFF_DIAGONAL_LIMIT
GAP_CONSTANT = 9.0 * math.pi**2 / 2.0

# Below this angle theta - sin(theta) is summed from its Taylor series (relative
# truncation error below 1e-18 at the switch); above it the plain difference loses
# at most a few bits.
_SERIES_BELOW = 0.5


def angle(one_minus_rho: ArrayLike) -> FloatArray:
    """:math:`\\theta = \\arccos\\rho = 2\\arcsin\\sqrt{(1 - \\rho)/2}`, accurate for
    :math:`\\rho` near 1 (``one_minus_rho`` in [0, 2]; round-off outside is clipped)."""
    gap = np.clip(np.asarray(one_minus_rho, dtype=np.float64), 0.0, 2.0)
    return 2.0 * np.arcsin(np.sqrt(gap / 2.0))


def theta_minus_sin(theta: ArrayLike) -> FloatArray:
    """:math:`\\theta - \\sin\\theta` without cancellation: the Taylor series
    :math:`\\tfrac{\\theta^3}{6}(1 - \\tfrac{\\theta^2}{20}(1 - \\tfrac{\\theta^2}{42}(\\dots)))`
    below :data:`_SERIES_BELOW`, the plain difference above."""
    theta = np.asarray(theta, dtype=np.float64)
    t2 = theta * theta
    series = np.ones_like(theta)
    # Ratios of successive terms of sum (-1)^k theta^(2k+3) / (2k+3)!: (2k+4)(2k+5).
    for denominator in (210.0, 156.0, 110.0, 72.0, 42.0, 20.0):
        series = 1.0 - t2 / denominator * series
    series = theta * t2 / 6.0 * series
    return np.where(theta < _SERIES_BELOW, series, theta - np.sin(theta))


class ArcCosine(NamedTuple):
    """The arc-cosine maps at :math:`\\rho = 1 - \\delta`."""

    kappa0: FloatArray  # (pi - arccos rho) / pi
    one_minus_kappa1: FloatArray  # 1 - kappa_1(rho), the next layer's 1 - rho


def arc_cosine(one_minus_rho: ArrayLike) -> ArcCosine:
    """:math:`\\kappa_0(\\rho)` and :math:`1 - \\kappa_1(\\rho)` from :math:`\\delta = 1 - \\rho`
    (module docstring)."""
    gap = np.clip(np.asarray(one_minus_rho, dtype=np.float64), 0.0, 2.0)
    theta = angle(gap)
    kappa0 = 1.0 - theta / math.pi
    one_minus_kappa1 = (theta_minus_sin(theta) + (math.pi - theta) * gap) / math.pi
    return ArcCosine(kappa0, one_minus_kappa1)


class DeepKernel(NamedTuple):
    """The recursion recorded at ``depths`` (first axis), for inputs with
    :math:`1 - \\rho^{(0)}` of any shape (the other axes)."""

    depths: NDArray[np.int64]  # (D,)
    one_minus_rho: FloatArray  # (D, ...): 1 - rho^(L), the NNGP correlation's gap
    ntk: FloatArray  # (D, ...): Theta^(L) of unit vectors, in [0, L + 1]

    @property
    def rho(self) -> FloatArray:
        """:math:`\\rho^{(L)} = \\Sigma^{(L)}(x, x') / (|x||x'|)`."""
        return 1.0 - self.one_minus_rho

    @property
    def normalised(self) -> FloatArray:
        """The normalised NTK :math:`\\tilde\\Theta^{(L)} / (L + 1)`, 1 on the diagonal."""
        shape = (-1,) + (1,) * (self.ntk.ndim - 1)
        return self.ntk / (self.depths.reshape(shape) + 1.0)


def iterate_relu_kernels(one_minus_rho0: ArrayLike, max_depth: int) -> Iterator[tuple[int, FloatArray, FloatArray]]:
    """Yield ``(L, 1 - rho^(L), Theta~^(L))`` for ``L = 0 .. max_depth`` (unit-vector NTK;
    arrays of the shape of ``one_minus_rho0``), one depth at a time, so that a caller keeps
    only what it needs of a large matrix."""
    if isinstance(max_depth, bool) or int(max_depth) != max_depth or max_depth < 0:
        raise ValueError(f"max_depth: must be an integer >= 0, got {max_depth!r}")
    gap = np.clip(np.array(one_minus_rho0, dtype=np.float64), 0.0, 2.0)
    ntk = 1.0 - gap  # Theta^(0) = Sigma^(0) = rho^(0) for unit vectors
    yield 0, gap, ntk
    for depth in range(1, int(max_depth) + 1):
        kappa0, gap = arc_cosine(gap)
        ntk = ntk * kappa0 + (1.0 - gap)
        yield depth, gap, ntk


def relu_kernels(one_minus_rho0: ArrayLike, depths: Sequence[int]) -> DeepKernel:
    """The NNGP gap :math:`1 - \\rho^{(L)}` and the unit-vector NTK at each of ``depths``
    (non-negative integers, strictly increasing), from :math:`1 - \\rho^{(0)}`."""
    wanted = np.asarray(depths, dtype=np.int64)
    if wanted.ndim != 1 or wanted.size == 0 or (wanted < 0).any() or (np.diff(wanted) <= 0).any():
        raise ValueError(f"depths: must be non-negative and strictly increasing, got {list(depths)!r}")
    gaps, ntks = [], []
    position = 0
    for depth, gap, ntk in iterate_relu_kernels(one_minus_rho0, int(wanted[-1])):
        if depth == wanted[position]:
            gaps.append(gap.copy())
            ntks.append(ntk.copy())
            position += 1
    return DeepKernel(wanted, np.stack(gaps), np.stack(ntks))


def normalised_matrices(one_minus_rho0: ArrayLike, depths: Sequence[int]) -> Iterator[tuple[int, FloatArray]]:
    """Yield ``(L, N^(L))`` at each of ``depths`` (non-negative, strictly increasing), where
    :math:`N^{(L)} = \\tilde\\Theta^{(L)} / (L + 1)` is the normalised NTK matrix of points on the
    sphere whose input gaps :math:`1 - \\rho^{(0)}_{ij}` are the symmetric ``one_minus_rho0``
    (:func:`one_minus_cosine` of the points; zero diagonal). The recursion runs on the strict
    upper triangle only (the map is entry-wise and symmetric: half the work of the full
    matrix); the diagonal is 1 (Proposition 1: :math:`\\Theta^{(L)}(x, x) = L + 1`)."""
    gap0 = np.asarray(one_minus_rho0, dtype=np.float64)
    if gap0.ndim != 2 or gap0.shape[0] != gap0.shape[1]:
        raise ValueError(f"one_minus_rho0: must be a square matrix, got shape {gap0.shape}")
    wanted = np.asarray(depths, dtype=np.int64)
    if wanted.ndim != 1 or wanted.size == 0 or (wanted < 0).any() or (np.diff(wanted) <= 0).any():
        raise ValueError(f"depths: must be non-negative and strictly increasing, got {list(depths)!r}")
    n = gap0.shape[0]
    upper = np.triu_indices(n, k=1)
    position = 0
    for depth, _, ntk in iterate_relu_kernels(gap0[upper], int(wanted[-1])):
        if depth != wanted[position]:
            continue
        matrix = np.eye(n)
        matrix[upper] = ntk / (depth + 1.0)
        matrix.T[upper] = matrix[upper]
        yield depth, matrix
        position += 1


def unit_rows(x: ArrayLike) -> FloatArray:
    """Rows of ``x`` divided by their Euclidean norms (the canonical projection onto the
    sphere); a zero row is an error, it has no direction."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError("a zero input has no direction on the sphere")
    return x / norms


def one_minus_cosine(x: ArrayLike, y: ArrayLike | None = None, rows_per_block: int = 256) -> FloatArray:
    """:math:`1 - \\rho^{(0)}_{ij} = |\\hat x_i - \\hat y_j|^2 / 2` for the rows of ``x`` and
    ``y`` (default ``x``): no cancellation for nearly parallel inputs, and exactly 0 on the
    diagonal of ``x`` against itself."""
    xs = unit_rows(x)
    ys = xs if y is None else unit_rows(y)
    out = np.empty((xs.shape[0], ys.shape[0]))
    for start in range(0, xs.shape[0], rows_per_block):
        block = xs[start : start + rows_per_block, None, :] - ys[None, :, :]
        out[start : start + rows_per_block] = 0.5 * np.einsum("ijk,ijk->ij", block, block)
    return out


def ntk_matrix(x: ArrayLike, y: ArrayLike | None, depth: int) -> FloatArray:
    """:math:`\\Theta^{(L)}(x_i, y_j)` with the inputs' norms (``y=None``: ``x`` against itself)."""
    xs = np.atleast_2d(np.asarray(x, dtype=np.float64))
    ys = xs if y is None else np.atleast_2d(np.asarray(y, dtype=np.float64))
    unit = relu_kernels(one_minus_cosine(xs, ys), [depth]).ntk[0]
    return unit * np.linalg.norm(xs, axis=1)[:, None] * np.linalg.norm(ys, axis=1)[None, :]


def nngp_matrix(x: ArrayLike, y: ArrayLike | None, depth: int) -> FloatArray:
    """:math:`\\Sigma^{(L)}(x_i, y_j) = |x_i||y_j|\\rho^{(L)}_{ij}`."""
    xs = np.atleast_2d(np.asarray(x, dtype=np.float64))
    ys = xs if y is None else np.atleast_2d(np.asarray(y, dtype=np.float64))
    rho = relu_kernels(one_minus_cosine(xs, ys), [depth]).rho[0]
    return rho * np.linalg.norm(xs, axis=1)[:, None] * np.linalg.norm(ys, axis=1)[None, :]


def gap_asymptote(depth: ArrayLike) -> FloatArray:
    """The large-depth law :math:`1 - \\rho^{(L)} \\sim 9\\pi^2 / (2L^2)` (any
    :math:`\\rho^{(0)} < 1`)."""
    return GAP_CONSTANT / np.asarray(depth, dtype=np.float64) ** 2


__all__ = [
    "OFF_DIAGONAL_LIMIT",
    "LIMIT_SMALLEST_EIGENVALUE",
    "GAP_CONSTANT",
    "ArcCosine",
    "DeepKernel",
    "angle",
    "theta_minus_sin",
    "arc_cosine",
    "iterate_relu_kernels",
    "relu_kernels",
    "normalised_matrices",
    "unit_rows",
    "one_minus_cosine",
    "ntk_matrix",
    "nngp_matrix",
    "gap_asymptote",
]
