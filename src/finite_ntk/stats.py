"""Statistics shared by the papers: moment ratios of heavy-tailed samples, seeded bootstrap
generators, percentile intervals and relative distances of matrices. Numpy only."""

from __future__ import annotations

from typing import Any

import numpy as np

from finite_ntk.seeding import numpy_generator

__all__ = ["bootstrap_rng", "percentile_interval", "relative_frobenius_distance", "second_moment_ratio", "spearman"]


def second_moment_ratio(k: np.ndarray, axis: int = -1, mean: np.ndarray | None = None) -> np.ndarray:
    """E[K^2] / E[K]^2 along ``axis``; NaN (not inf) where E[K] = 0. ``mean``: E[K] if
    already known.

    The ratio does not depend on the scale of K, and K grows exponentially with depth in
    the chaotic phase (K^2 would overflow long before K does), so K is first divided by
    the power of two nearest its largest magnitude along ``axis``: dividing by a power of
    two is exact, so the result is bit for bit that of the plain formula wherever that
    one is finite."""
    k = np.asarray(k)
    mean = np.mean(k, axis=axis) if mean is None else np.asarray(mean)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        largest = np.max(np.abs(k), axis=axis, keepdims=True)
        _, exponent = np.frexp(np.where(np.isfinite(largest) & (largest > 0), largest, 1.0))
        unit = np.ldexp(np.ones_like(largest, dtype=k.dtype if k.dtype.kind == "f" else np.float64), exponent)
        scaled = k / unit
        scaled_mean = mean / np.squeeze(unit, axis=axis)
        ratio = np.mean(scaled * scaled, axis=axis) / (scaled_mean * scaled_mean)
    return np.where(mean == 0, np.nan, ratio)


def bootstrap_rng(root_seed: int, identity: str) -> np.random.Generator:
    """Seeded generator of the bootstrap of one configuration (root seed + identity):
    :func:`finite_ntk.seeding.numpy_generator` of the identity ``bootstrap/<identity>``."""
    return numpy_generator(root_seed, "bootstrap/" + identity)


def percentile_interval(draws: np.ndarray, confidence: float, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed percentile interval of bootstrap draws (NaN draws propagate)."""
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(draws, [tail, 100 - tail], axis=axis)
    return lo, hi


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation; NaN with fewer than three points or a constant side."""
    from scipy.stats import spearmanr

    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


def relative_frobenius_distance(a: Any, b: Any) -> float:
    """|a - b|_F / |b|_F, computed in float64 (any array-likes, JAX arrays included).

    The one formula behind every "relative change" of a kernel (|K_t - K_0|_F / |K_0|_F),
    its distance to the infinite-width kernel and the relative L2 error of a prediction.
    Non-finite entries propagate as numpy's norms give them (NaN, or inf where only ``a``
    holds an inf); callers that want NaN for any non-finite input say so themselves."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))
