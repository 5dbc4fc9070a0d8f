"""Log-space statistics of heavy-tailed, non-negative samples (the NTK diagonal K(x,x)), and the
log-normal plug-in for R = E[K^2] / E[K]^2 with its intervals. Numpy and scipy.stats.

Why a log-space estimator. K is close to log-normal: log K ~ N(mu, s^2) gives
E[K^t] = exp(t mu + t^2 s^2 / 2), so R = exp(s^2). The plain ratio of replicates
(:func:`finite_ntk.stats.second_moment_ratio`) is bounded by the replicate count N and, for
s^2 of a few units, its median stays far below exp(s^2) at any practical N: E[K^2] is carried
by draws about 2 s standard deviations above the mean of log K, which N draws rarely reach.
The sample variance of log K converges at the ordinary rate (relative error sqrt(2 / N)).

The atom at K = 0. A ReLU network without biases whose layer is entirely inactive has no
gradient at all, so K = 0 exactly with a small probability p0. With K = 0 w.p. p0 and
log K ~ N(mu, s^2) otherwise,

    E[K]   = (1 - p0) exp(mu + s^2 / 2),     E[K^2] = (1 - p0) exp(2 mu + 2 s^2),
    R      = E[K^2] / E[K]^2 = exp(s^2) / (1 - p0),

so the plug-in is R_log = exp(s^2) / (1 - p0) with p0 the fraction of exact zeros and s^2 the
sample variance (ddof = 1) of log K over the m = N (1 - p0) positive draws. Zeros are counted,
never sent through log (no -inf, no NaN from log 0).

What R_log assumes. In terms of the cumulants k_n of log K (over K > 0, atom aside),
log R = sum_n k_n (2^n - 2) / n! = k_2 + k_3 + (7/12) k_4 + ..., so R_log = exp(k_2) is exact
only when the higher cumulants vanish, and R depends on the right tail of log K about 2 s
standard deviations out, where N draws say little. A skewness of -0.2 with s^2 = 5 can move R
by a factor of about 5 (see :mod:`finite_ntk.coverage`, the reflected-gamma law). Hence
the normality test beside it: :func:`normality_pvalue`.

Intervals for R_log (their coverage is measured by ``benchmarks/bench_coverage.py``):

- :func:`log_normal_ratio_interval`: the chi-square interval of a Gaussian variance,
  (m - 1) s^2 / s_true^2 ~ chi^2_{m-1}, mapped through exp(.) / (1 - p0). Exact under
  log-normality given m (p0 plugged in; its sampling error, a relative error of about
  sqrt(p0 / ((1 - p0) N)) on R, is left out: negligible for the atoms seen in practice).
- :func:`log_normal_ratio_bootstrap`: bootstrap draws of R_log, resampling the K values (zeros
  included, so p0's error is in), drawn like the reductions' bootstrap; its percentile
  interval (:func:`finite_ntk.stats.percentile_interval`) does not assume a Gaussian variance
  law, but the percentile bootstrap of a variance under-covers at small N.

Every function reduces along ``axis`` like :func:`finite_ntk.stats.second_moment_ratio`. An
input slice holding a negative or non-finite value gives NaN statistics (K(x,x) >= 0 always);
a slice of zeros only gives p0 = 1 and NaN elsewhere.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "LOG_STATISTICS",
    "LOG_STATISTICS_ATTRS",
    "log_moments",
    "log_normal_ratio",
    "log_normal_ratio_bootstrap",
    "log_normal_ratio_from_moments",
    "log_normal_ratio_interval",
    "log_statistics",
    "normality_pvalue",
]

# Names returned by log_statistics, in order, and the attributes a netCDF variable of each
# should carry (R_log's interval bounds are named <name>_lo / <name>_hi by log_statistics).
LOG_STATISTICS: tuple[str, ...] = (
    "atom_fraction",
    "positive_count",
    "log_mean",
    "log_variance",
    "log_skewness",
    "log_excess_kurtosis",
    "normality_pvalue",
    "log_normal_ratio",
    "log_normal_ratio_lo",
    "log_normal_ratio_hi",
)
LOG_STATISTICS_ATTRS: dict[str, dict[str, str]] = {
    "atom_fraction": {"long_name": "fraction of replicates with K(x,x) = 0 exactly (p0)", "units": "1"},
    "positive_count": {"long_name": "number of replicates with K(x,x) > 0 (m)", "units": "1"},
    "log_mean": {"long_name": "mean of ln K(x,x) over K > 0", "units": "1"},
    "log_variance": {"long_name": "sample variance (ddof 1) of log K(x,x) over K > 0 (s^2)", "units": "1"},
    "log_skewness": {"long_name": "skewness (biased moment estimator g1) of log K(x,x) over K > 0", "units": "1"},
    "log_excess_kurtosis": {
        "long_name": "excess kurtosis (biased moment estimator g2) of log K(x,x) over K > 0",
        "units": "1",
    },
    "normality_pvalue": {
        "long_name": "p-value of D'Agostino-Pearson's normality test of log K(x,x) over K > 0",
        "units": "1",
    },
    "log_normal_ratio": {
        "long_name": "log-normal plug-in of E[K^2]/E[K]^2 corrected for the atom: exp(s^2) / (1 - p0)",
        "units": "1",
    },
    "log_normal_ratio_lo": {"long_name": "lower chi-square bound of the log-normal plug-in", "units": "1"},
    "log_normal_ratio_hi": {"long_name": "upper chi-square bound of the log-normal plug-in", "units": "1"},
}

# scipy's skewtest needs 8 values (and kurtosistest warns below 20: the p-value is kept).
NORMALITY_MIN_COUNT = 8


def _rows(k: np.ndarray, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """K as float64 rows (..., N) -> (rows, N), and the shape of the reduced result."""
    k = np.moveaxis(np.asarray(k, dtype=np.float64), axis, -1)
    return k.reshape(-1, k.shape[-1]), k.shape[:-1]


def _valid(k: np.ndarray) -> np.ndarray:
    """Rows whose every value is finite and non-negative."""
    with np.errstate(invalid="ignore"):
        return np.all(np.isfinite(k) & (k >= 0), axis=-1)


def _positive_logs(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask K > 0, log K where K > 0 and 0 elsewhere): log never sees a zero."""
    with np.errstate(invalid="ignore"):
        positive = k > 0
    return positive, np.log(np.where(positive, k, 1.0))


def log_moments(k: np.ndarray, axis: int = -1) -> dict[str, np.ndarray]:
    """Atom fraction and the moments of log K over K > 0, along ``axis``.

    With m = #{K_i > 0} of N values, y_i = log K_i over those m, ybar = sum y_i / m and
    M_j = sum (y_i - ybar)^j / m:

    - ``atom_fraction``        p0 = #{K_i = 0} / N
    - ``positive_count``       m (as float64)
    - ``log_mean``             ybar (NaN if m = 0)
    - ``log_variance``         s^2 = m M_2 / (m - 1) (NaN if m < 2)
    - ``log_skewness``         g1 = M_3 / M_2^(3/2) (NaN if m < 2 or log K is constant)
    - ``log_excess_kurtosis``  g2 = M_4 / M_2^2 - 3 (NaN if m < 2 or log K is constant)

    g1 and g2 are the biased moment estimators (scipy.stats.skew and kurtosis's defaults, the
    ones D'Agostino-Pearson's test is built on). Two-pass (centred) sums: no cancellation."""
    rows, shape = _rows(k, axis)
    n = rows.shape[-1]
    valid = _valid(rows)
    positive, y = _positive_logs(rows)
    m = positive.sum(axis=-1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = y.sum(axis=-1) / m
        d = np.where(positive, y - mean[:, None], 0.0)
        d2 = d * d
        m2 = d2.sum(axis=-1) / m
        m3 = (d2 * d).sum(axis=-1) / m
        m4 = (d2 * d2).sum(axis=-1) / m
        # A constant log K leaves round-off in M_2: zero below scipy.stats.skew's threshold.
        constant = m2 <= (10 * np.finfo(np.float64).resolution * mean) ** 2
        variance = np.where(m >= 2, np.where(constant, 0.0, m2 * m / (m - 1)), np.nan)
        shaped = (m >= 2) & ~constant
        skewness = np.where(shaped, m3 / m2**1.5, np.nan)
        kurtosis = np.where(shaped, m4 / (m2 * m2) - 3.0, np.nan)
        atom = (n - m) / n if n else np.full_like(m, np.nan)
    out = {
        "atom_fraction": atom,
        "positive_count": m,
        "log_mean": np.where(m >= 1, mean, np.nan),
        "log_variance": variance,
        "log_skewness": skewness,
        "log_excess_kurtosis": kurtosis,
    }
    return {name: np.where(valid, value, np.nan).reshape(shape) for name, value in out.items()}


def normality_pvalue(k: np.ndarray, axis: int = -1) -> np.ndarray:
    """p-value of D'Agostino and Pearson's omnibus test (scipy.stats.normaltest) that log K,
    over K > 0, is Gaussian; NaN with fewer than 8 positive values, a constant log K or an
    invalid slice.

    Why this test: its statistic is z(g1)^2 + z(g2)^2, built from the sample skewness and
    kurtosis of log K, i.e. from the cumulants k_3 and k_4 that make log R differ from
    Var log K at leading order (log R = k_2 + k_3 + 7 k_4 / 12 + ...). It holds at every N the
    project uses (Shapiro-Wilk's p-value is only approximated up to N = 5000; the precise run
    has 10,000 replicates), and it vectorises along an axis. It has little power at N = 100
    against the mild skewness seen in the NTK (about -0.2): a large p-value there is no
    licence for R_log, see :mod:`finite_ntk.coverage`."""
    from scipy.stats import normaltest

    rows, shape = _rows(k, axis)
    valid = _valid(rows)
    positive, y = _positive_logs(rows)
    m = positive.sum(axis=-1)
    pvalue = np.full(rows.shape[0], np.nan)
    for count in np.unique(m[valid]):
        if count < NORMALITY_MIN_COUNT:
            continue
        select = valid & (m == count)
        logs = y[select][positive[select]].reshape(-1, count)  # row-major: each row's positives in order
        constant = np.ptp(logs, axis=-1) == 0
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # kurtosistest's "n < 20" warning: the p-value is kept
            p = np.asarray(normaltest(logs, axis=-1).pvalue, dtype=np.float64)
        pvalue[select] = np.where(constant, np.nan, p)
    return pvalue.reshape(shape)


def log_normal_ratio_from_moments(log_variance: np.ndarray, atom_fraction: np.ndarray) -> np.ndarray:
    """R_log = exp(s^2) / (1 - p0): E[K^2]/E[K]^2 of the law K = 0 w.p. p0, log K ~ N(mu, s^2)
    otherwise (derivation in the module's docstring). NaN where p0 = 1 (E[K] = 0, as
    :func:`finite_ntk.stats.second_moment_ratio` gives); inf where exp overflows (s^2 > 709)."""
    log_variance = np.asarray(log_variance, dtype=np.float64)
    atom_fraction = np.asarray(atom_fraction, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.exp(log_variance) / (1.0 - atom_fraction)
    return np.where(atom_fraction < 1, ratio, np.nan)


def log_normal_ratio(k: np.ndarray, axis: int = -1) -> np.ndarray:
    """The log-normal plug-in R_log = exp(s^2) / (1 - p0) of samples ``k`` along ``axis``."""
    moments = log_moments(k, axis=axis)
    return log_normal_ratio_from_moments(moments["log_variance"], moments["atom_fraction"])


def log_normal_ratio_interval(k: np.ndarray, confidence: float, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed chi-square interval of R_log along ``axis``.

    If log K ~ N(mu, s_true^2) over the m positive draws, (m - 1) s^2 / s_true^2 ~ chi^2_{m-1},
    so with q_a the a-quantile of chi^2_{m-1} and a = (1 - confidence) / 2,

        s_true^2 in [(m - 1) s^2 / q_{1-a}, (m - 1) s^2 / q_a]

    with probability ``confidence``; exp(.) / (1 - p0) maps it to R (p0 plugged in). NaN
    where m < 2 or p0 = 1."""
    from scipy.stats import chi2

    moments = log_moments(k, axis=axis)
    m = moments["positive_count"]
    dof = np.where(m >= 2, m - 1, np.nan)
    tail = (1.0 - confidence) / 2
    with np.errstate(invalid="ignore"):
        scaled = dof * moments["log_variance"]
        lo = scaled / chi2.ppf(1.0 - tail, dof)
        hi = scaled / chi2.ppf(tail, dof)
    atom = moments["atom_fraction"]
    return log_normal_ratio_from_moments(lo, atom), log_normal_ratio_from_moments(hi, atom)


def log_normal_ratio_bootstrap(k: np.ndarray, resamples: int, rng: np.random.Generator, chunk: int = 256) -> np.ndarray:
    """Bootstrap draws (shape (resamples,)) of R_log of the 1-D samples ``k``: each draw
    resamples the N values of ``k`` with replacement (zeros included), drawn as the
    reductions' bootstrap draws them (``rng.integers(0, N, size=(chunk, N))`` per chunk), so
    the same generator state gives the same resampled indices. A resample with fewer than
    two positive values gives NaN, which a percentile interval propagates."""
    k = np.asarray(k, dtype=np.float64)
    if k.ndim != 1:
        raise ValueError(f"k: one-dimensional samples expected, got shape {k.shape}")
    n = k.shape[0]
    draws = []
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        index = rng.integers(0, n, size=(size, n))
        draws.append(log_normal_ratio(k[index], axis=-1))
    return np.concatenate(draws) if draws else np.empty(0)


def log_statistics(k: np.ndarray, confidence: float, axis: int = -1) -> dict[str, np.ndarray]:
    """Every log-space statistic of samples ``k`` along ``axis`` (names: :data:`LOG_STATISTICS`,
    attributes for a netCDF: :data:`LOG_STATISTICS_ATTRS`): :func:`log_moments`,
    :func:`normality_pvalue`, R_log and its chi-square interval at ``confidence``."""
    out = log_moments(k, axis=axis)
    out["normality_pvalue"] = normality_pvalue(k, axis=axis)
    out["log_normal_ratio"] = log_normal_ratio_from_moments(out["log_variance"], out["atom_fraction"])
    out["log_normal_ratio_lo"], out["log_normal_ratio_hi"] = log_normal_ratio_interval(k, confidence, axis=axis)
    return {name: out[name] for name in LOG_STATISTICS}
