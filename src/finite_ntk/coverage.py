"""Coverage of the intervals the project offers for R = E[K^2] / E[K]^2, measured on samples
drawn from laws whose R is known exactly.

Laws (K = 0 with probability ``atom_fraction`` p0 in both, the continuous part otherwise, so
R = R_c / (1 - p0) with R_c the continuous part's ratio):

- ``lognormal``: log K = s Z, Z ~ N(0, 1). R_c = exp(s^2), so s^2 = ln(R (1 - p0)).
- ``reflected_gamma``: log K = -c (G - a), G ~ Gamma(shape a, scale 1): a log with a left
  tail longer than its right (skewness -2 / sqrt(a), excess kurtosis 6 / a), like the NTK's
  (skewness about -0.2 measured at w16 d16, which a = 100, the default, matches). All moments
  are finite: E[exp(-t c G)] = (1 + t c)^(-a), so

      R_c = (1 + 2c)^(-a) / (1 + c)^(-2a) = ((1 + c)^2 / (1 + 2c))^a,

  and with q = R_c^(1/a) the positive root of (1 + c)^2 = q (1 + 2c) gives
  c = (q - 1) + sqrt(q (q - 1)). Var log K = a c^2 is then larger than ln R_c, so the
  log-normal plug-in exp(Var log K) over-estimates R: this law measures what the intervals do
  when log K is not Gaussian. (A Student-t log has E[K] = infinity: no R to cover.)

Intervals (``INTERVALS``), each at ``confidence`` over ``resamples`` bootstrap resamples drawn
as the reductions draw them (``rng.integers(0, N, size=(256, N))`` per chunk):

- ``plain_bootstrap``: percentile interval of the plain ratio
  (:func:`finite_ntk.stats.second_moment_ratio`), what the reductions report today;
- ``log_chi_square``: :func:`finite_ntk.heavy_tails.log_normal_ratio_interval`;
- ``log_bootstrap``: percentile interval of
  :func:`finite_ntk.heavy_tails.log_normal_ratio_bootstrap`'s draws.

A resample's statistics are computed from its counts (how often each draw was picked), by one
matrix product per chunk for every law and ratio at once; the result is that of the
resampled arrays (``tests/test_heavy_tails.py`` checks it against the functions above).

Simulation ``i`` at sample size N draws from
``numpy_generator(root_seed, "coverage/n=<N>/simulation=<i>")``: N normals, N gamma
variates, N uniforms (the atom), then the bootstrap indices. Every law and ratio of that
simulation uses these draws (common random numbers: the cells of a table are correlated, each
cell's coverage is still an unbiased estimate); the draws do not depend on the grid of ratios
or on the number of simulations.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr

from finite_ntk.heavy_tails import (
    log_moments,
    log_normal_ratio_from_moments,
    log_normal_ratio_interval,
    normality_pvalue,
)
from finite_ntk.seeding import numpy_generator
from finite_ntk.stats import percentile_interval, second_moment_ratio

__all__ = [
    "ESTIMATOR_CODES",
    "INTERVALS",
    "TRUSTED_COVERAGE",
    "LAWS",
    "coverage_table",
    "draw_log_samples",
    "law_log_variance",
    "law_scale",
    "lower_bound_trusted",
    "law_ratio",
    "resample_counts",
    "select_ratio_estimate",
    "simulate",
    "tabulated_sample_size",
    "trusted_limit",
]

LAWS: tuple[str, ...] = ("lognormal", "reflected_gamma")
INTERVALS: tuple[str, ...] = ("plain_bootstrap", "log_chi_square", "log_bootstrap")
ESTIMATORS: tuple[str, ...] = ("plain", "log_normal")
SAMPLE_SIZES: tuple[int, ...] = (100, 200, 1_000, 10_000)
RATIOS: tuple[float, ...] = (1.1, 10.0, 100.0, 1_000.0, 10_000.0)
GAMMA_SHAPE = 100.0
BOOTSTRAP_CHUNK = 256  # as finite_ntk.papers.seed000.reductions.bootstrap_statistics draws


def _check_law(law: str) -> None:
    if law not in LAWS:
        raise ValueError(f"law: one of {LAWS}, got {law!r}")


def law_scale(law: str, ratio: float, atom_fraction: float = 0.0, gamma_shape: float = GAMMA_SHAPE) -> float:
    """The scale of log K (s of ``lognormal``, c of ``reflected_gamma``) that gives the law
    E[K^2]/E[K]^2 = ``ratio`` with the atom ``atom_fraction``."""
    _check_law(law)
    if not 0 <= atom_fraction < 1:
        raise ValueError(f"atom_fraction: in [0, 1), got {atom_fraction}")
    continuous = ratio * (1 - atom_fraction)
    if not continuous > 1:
        raise ValueError(f"ratio: R (1 - p0) must exceed 1, got R = {ratio}, p0 = {atom_fraction}")
    if law == "lognormal":
        return float(np.sqrt(np.log(continuous)))
    q = np.exp(np.log(continuous) / gamma_shape)
    return float((q - 1) + np.sqrt(q * (q - 1)))


def law_ratio(law: str, scale: float, atom_fraction: float = 0.0, gamma_shape: float = GAMMA_SHAPE) -> float:
    """E[K^2]/E[K]^2 of a law at the scale ``scale`` (the inverse of :func:`law_scale`)."""
    _check_law(law)
    if law == "lognormal":
        continuous = np.exp(scale**2)
    else:
        continuous = np.exp(gamma_shape * (2 * np.log1p(scale) - np.log1p(2 * scale)))
    return float(continuous / (1 - atom_fraction))


def law_log_variance(law: str, ratio: float, atom_fraction: float = 0.0, gamma_shape: float = GAMMA_SHAPE) -> float:
    """Var log K over K > 0 of a law at ``ratio``: s^2, or a c^2 for ``reflected_gamma``."""
    scale = law_scale(law, ratio, atom_fraction, gamma_shape)
    return scale**2 * (1.0 if law == "lognormal" else gamma_shape)


def draw_log_samples(
    rng: np.random.Generator, n: int, gamma_shape: float = GAMMA_SHAPE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The base draws of one simulation, in this order: N standard normals, N standard gamma
    variates of shape ``gamma_shape``, N uniforms on [0, 1) (the atom: K = 0 where u < p0)."""
    normal = rng.standard_normal(n)
    gamma = rng.standard_gamma(gamma_shape, n)
    uniform = rng.random(n)
    return normal, gamma, uniform


def _log_k(law: str, scale: float, normal: np.ndarray, gamma: np.ndarray, gamma_shape: float) -> np.ndarray:
    return scale * normal if law == "lognormal" else -scale * (gamma - gamma_shape)


def resample_counts(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Counts (size, n), float64, of ``size`` bootstrap resamples of n values, each drawn as
    ``rng.integers(0, n, size=(size, n))`` (the reductions' draw): counts[b, i] is how often
    value i is in resample b, so a resampled sum is ``counts @ values``."""
    index = rng.integers(0, n, size=(size, n))
    flat = index + (np.arange(size) * n)[:, None]
    return np.bincount(flat.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)


def _resampled_ratios(counts: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain ratio and R_log of every resample (rows of ``counts``) of each row of ``k``
    (cells, n): returns two (resamples, cells) arrays."""
    n = k.shape[-1]
    positive = k > 0
    logs = np.log(np.where(positive, k, 1.0))
    m = positive.sum(axis=-1, keepdims=True)
    centred = np.where(positive, logs - logs.sum(axis=-1, keepdims=True) / m, 0.0)
    scaled = k / k.max(axis=-1, keepdims=True)
    features = np.concatenate([positive.astype(np.float64), centred, centred**2, scaled, scaled**2], axis=0)
    sums = counts @ features.T  # (resamples, 5 cells)
    mb, sy, syy, sk, skk = np.split(sums, 5, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        plain = n * skk / (sk * sk)
        variance = np.where(mb >= 2, (syy - sy * sy / mb) / (mb - 1), np.nan)
        log_ratio = log_normal_ratio_from_moments(variance, (n - mb) / n)
    return np.where(sk > 0, plain, np.nan), log_ratio


def simulate(
    rng: np.random.Generator,
    n: int,
    cells: Sequence[tuple[str, float]],
    resamples: int,
    confidence: float,
    atom_fraction: float = 0.0,
    gamma_shape: float = GAMMA_SHAPE,
) -> dict[str, np.ndarray]:
    """One simulation: N draws per cell (law, scale), their point estimates and intervals.

    Returns arrays over cells: ``plain`` and ``log_normal`` (the estimates), ``<interval>_lo``
    and ``<interval>_hi`` for every interval of :data:`INTERVALS`, and ``normality_pvalue``."""
    normal, gamma, uniform = draw_log_samples(rng, n, gamma_shape)
    logs = np.stack([_log_k(law, scale, normal, gamma, gamma_shape) for law, scale in cells])
    k = np.exp(logs - logs.max(axis=-1, keepdims=True))  # R is scale-free; no overflow
    k[:, uniform < atom_fraction] = 0.0
    moments = log_moments(k)
    out = {
        "plain": second_moment_ratio(k),
        "log_normal": log_normal_ratio_from_moments(moments["log_variance"], moments["atom_fraction"]),
        "normality_pvalue": normality_pvalue(k),
    }
    out["log_chi_square_lo"], out["log_chi_square_hi"] = log_normal_ratio_interval(k, confidence)
    plain_draws, log_draws = [], []
    for start in range(0, resamples, BOOTSTRAP_CHUNK):
        counts = resample_counts(rng, n, min(BOOTSTRAP_CHUNK, resamples - start))
        plain, log_ratio = _resampled_ratios(counts, k)
        plain_draws.append(plain)
        log_draws.append(log_ratio)
    out["plain_bootstrap_lo"], out["plain_bootstrap_hi"] = percentile_interval(
        np.concatenate(plain_draws), confidence, axis=0
    )
    out["log_bootstrap_lo"], out["log_bootstrap_hi"] = percentile_interval(
        np.concatenate(log_draws), confidence, axis=0
    )
    return out


def coverage_table(
    root_seed: int,
    sample_sizes: Sequence[int] = SAMPLE_SIZES,
    ratios: Sequence[float] = RATIOS,
    laws: Sequence[str] = LAWS,
    simulations: int = 500,
    resamples: int = 1000,
    confidence: float = 0.95,
    atom_fraction: float = 0.0,
    gamma_shape: float = GAMMA_SHAPE,
    significance: float = 0.05,
) -> xr.Dataset:
    """Coverage of every interval over ``simulations`` simulated samples per (law, N, R).

    Variables (dims law x n x ratio, and interval or estimator):

    - ``coverage``: fraction of intervals with lo <= R <= hi (a NaN bound never covers);
    - ``miss_low``: fraction of intervals entirely below R (hi < R);
    - ``median_relative_estimate``: median over simulations of the estimate / R;
    - ``normality_rejection``: fraction of simulations whose normality test of log K rejects
      at ``significance``;
    - ``log_variance`` (law x ratio): the law's true Var log K; ``coverage_se``: the binomial
      standard error sqrt(c (1 - c) / simulations) of each coverage."""
    for law in laws:
        _check_law(law)
    cells = [(law, ratio) for law in laws for ratio in ratios]
    scales = [(law, law_scale(law, ratio, atom_fraction, gamma_shape)) for law, ratio in cells]
    truth = np.array([ratio for _, ratio in cells])
    shape = (len(sample_sizes), len(cells))
    covered = {name: np.zeros(shape) for name in INTERVALS}
    low = {name: np.zeros(shape) for name in INTERVALS}
    estimates = {name: np.zeros(shape + (simulations,)) for name in ESTIMATORS}
    rejected = np.zeros(shape)
    for j, n in enumerate(sample_sizes):
        for i in range(simulations):
            rng = numpy_generator(root_seed, f"coverage/n={n}/simulation={i}")
            result = simulate(rng, n, scales, resamples, confidence, atom_fraction, gamma_shape)
            for name in INTERVALS:
                lo, hi = result[f"{name}_lo"], result[f"{name}_hi"]
                covered[name][j] += (lo <= truth) & (truth <= hi)
                low[name][j] += hi < truth
            for name in ESTIMATORS:
                estimates[name][j, :, i] = result[name] / truth
            rejected[j] += result["normality_pvalue"] < significance

    def grid(array: np.ndarray) -> np.ndarray:  # (n, cells, ...) -> (law, n, ratio, ...)
        split = array.reshape((len(sample_sizes), len(laws), len(ratios)) + array.shape[2:])
        return np.swapaxes(split, 0, 1)

    coverage = np.stack([grid(covered[name] / simulations) for name in INTERVALS], axis=-1)
    dims = ("law", "n", "ratio")
    log_variance = [[law_log_variance(law, ratio, atom_fraction, gamma_shape) for ratio in ratios] for law in laws]
    return xr.Dataset(
        {
            "coverage": (
                dims + ("interval",),
                coverage,
                {"long_name": f"fraction of {confidence:.0%} intervals containing the true R", "units": "1"},
            ),
            "coverage_se": (
                dims + ("interval",),
                np.sqrt(coverage * (1 - coverage) / simulations),
                {"long_name": "binomial standard error of the coverage", "units": "1"},
            ),
            "miss_low": (
                dims + ("interval",),
                np.stack([grid(low[name] / simulations) for name in INTERVALS], axis=-1),
                {"long_name": "fraction of intervals entirely below the true R", "units": "1"},
            ),
            "median_relative_estimate": (
                dims + ("estimator",),
                np.stack([grid(np.nanmedian(estimates[name], axis=-1)) for name in ESTIMATORS], axis=-1),
                {"long_name": "median over simulations of the estimate of R divided by the true R", "units": "1"},
            ),
            "normality_rejection": (
                dims,
                grid(rejected / simulations),
                {"long_name": f"fraction of normality tests of log K rejecting at {significance}", "units": "1"},
            ),
            "log_variance": (
                ("law", "ratio"),
                np.array(log_variance),
                {"long_name": "true Var log K over K > 0", "units": "1"},
            ),
        },
        coords={
            "law": list(laws),
            "n": np.asarray(sample_sizes, dtype=np.int64),
            "ratio": np.asarray(ratios, dtype=np.float64),
            "interval": list(INTERVALS),
            "estimator": list(ESTIMATORS),
        },
        attrs={
            "root_seed": int(root_seed),
            "simulations": int(simulations),
            "resamples": int(resamples),
            "confidence": float(confidence),
            "atom_fraction": float(atom_fraction),
            "gamma_shape": float(gamma_shape),
            "significance": float(significance),
        },
    )


# --------------------------------------------------------------------------- which estimate to trust

# The least measured coverage of a nominal 95% interval that the figures and claims accept.
TRUSTED_COVERAGE = 0.9
# Codes of :func:`select_ratio_estimate`'s ``estimator`` (netCDF-friendly integers).
ESTIMATOR_CODES: dict[str, int] = {"none": 0, "plain": 1, "log_normal": 2}


def tabulated_sample_size(table: xr.Dataset, replicates: int) -> int | None:
    """The largest N of the coverage table at or below ``replicates`` (None if there is none):
    a run's coverage is read at the tabulated N it certainly reaches."""
    sizes = [int(n) for n in table["n"].values if int(n) <= replicates]
    return max(sizes) if sizes else None


def trusted_limit(table: xr.Dataset, replicates: int, interval: str, min_coverage: float = TRUSTED_COVERAGE) -> float:
    """The largest R up to which an interval of :data:`INTERVALS` is trusted at ``replicates``
    draws: at the tabulated N of :func:`tabulated_sample_size`, the largest tabulated R such
    that every tabulated R up to it was covered at least ``min_coverage`` of the time under
    every law of the table. 1.0 (nothing above R = 1 is trusted) where the smallest R already
    under-covers or no tabulated N is reached.

    Every law, not only the log-normal one: the reflected-gamma law has the skewness of log K
    measured on the NTK (-0.2), which a normality test of a hundred draws rarely sees, and
    under it R_log over-estimates R more the larger R is. A law the test cannot tell from the
    NTK's must be covered too."""
    if interval not in INTERVALS:
        raise ValueError(f"interval: one of {INTERVALS}, got {interval!r}")
    n = tabulated_sample_size(table, replicates)
    if n is None:
        return 1.0
    coverage = table["coverage"].sel(n=n, interval=interval).min("law").sortby("ratio")
    limit = 1.0
    for ratio, value in zip(coverage["ratio"].values, coverage.values):
        if not value >= min_coverage:
            break
        limit = float(ratio)
    return limit


def lower_bound_trusted(
    table: xr.Dataset, replicates: int, interval: str = "plain_bootstrap", min_coverage: float = TRUSTED_COVERAGE
) -> bool:
    """Whether the lower end of an interval of :data:`INTERVALS` is a lower confidence bound of
    R at ``replicates`` draws: at the tabulated N of :func:`tabulated_sample_size`, the lower
    end lay at or below the true R (``coverage + miss_low``: the interval covered R or lay
    entirely below it) at least ``min_coverage`` of the time at *every* tabulated R under
    every law. False where no tabulated N is reached.

    The plain ratio under-estimates a heavy-tailed R, and its bootstrap interval misses on the
    low side: it stops bounding R from above long before it stops bounding it from below.
    Such a bound cannot say that R is small, only that R is at least that large."""
    if interval not in INTERVALS:
        raise ValueError(f"interval: one of {INTERVALS}, got {interval!r}")
    n = tabulated_sample_size(table, replicates)
    if n is None:
        return False
    at = {"n": n, "interval": interval}
    below = (table["coverage"].sel(at) + table["miss_low"].sel(at)).min("law")
    return bool((below >= min_coverage).all())


def select_ratio_estimate(
    plain: np.ndarray,
    plain_lo: np.ndarray,
    plain_hi: np.ndarray,
    log_ratio: np.ndarray,
    log_lo: np.ndarray,
    log_hi: np.ndarray,
    normality: np.ndarray,
    *,
    plain_limit: float,
    log_limit: float,
    significance: float,
) -> dict[str, np.ndarray]:
    """The estimate of R = E[K^2]/E[K]^2 that a verdict may read, element by element.

    1. ``plain``: the plain ratio and its bootstrap interval, where both upper bounds (plain and
       R_log's) are at most ``plain_limit`` (:func:`trusted_limit` of ``plain_bootstrap``): the
       region where its coverage was measured to hold. R_log's bound enters because the plain
       ratio under-estimates exactly when R is large, so its own bound alone cannot vouch for
       it. It assumes nothing of the law, so it is preferred where trusted.
    2. ``log_normal``: R_log with its chi-square interval, where the normality test of log K
       does not reject at ``significance`` and R_log's upper bound is at most ``log_limit``
       (:func:`trusted_limit` of ``log_chi_square``): where its coverage was measured to hold
       under every law, the skewed one included (R_log over-estimates R there, so its upper
       bound bounds the truth).
    3. ``none`` elsewhere: no trusted estimate at this N (value and bounds NaN), the verdict
       *not estimable*.

    Returns ``estimator`` (int8 codes of :data:`ESTIMATOR_CODES`), ``value``, ``lo``, ``hi``."""
    arrays = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (plain, plain_lo, plain_hi, log_ratio, log_lo, log_hi, normality))
    )
    plain, plain_lo, plain_hi, log_ratio, log_lo, log_hi, normality = arrays
    with np.errstate(invalid="ignore"):
        upper = np.where(np.isfinite(log_hi), np.maximum(plain_hi, log_hi), plain_hi)
        use_plain = np.isfinite(plain) & np.isfinite(plain_lo) & (upper <= plain_limit)
        use_log = ~use_plain & (normality >= significance) & np.isfinite(log_lo) & (log_hi <= log_limit)
    estimator = np.where(use_plain, ESTIMATOR_CODES["plain"], np.where(use_log, ESTIMATOR_CODES["log_normal"], 0))
    nan = np.full(plain.shape, np.nan)
    return {
        "estimator": estimator.astype(np.int8),
        "value": np.where(use_plain, plain, np.where(use_log, log_ratio, nan)),
        "lo": np.where(use_plain, plain_lo, np.where(use_log, log_lo, nan)),
        "hi": np.where(use_plain, plain_hi, np.where(use_log, log_hi, nan)),
    }
