"""Heavy tails: log-space statistics of K, the atom at K = 0, the log-normal plug-in for
E[K^2]/E[K]^2 and its intervals, and the coverage simulation (finite_ntk.heavy_tails,
finite_ntk.coverage)."""

import warnings

import numpy as np
import pytest
from scipy import integrate, stats

from finite_ntk import coverage, heavy_tails
from finite_ntk.heavy_tails import (
    LOG_STATISTICS,
    LOG_STATISTICS_ATTRS,
    log_moments,
    log_normal_ratio,
    log_normal_ratio_bootstrap,
    log_normal_ratio_from_moments,
    log_normal_ratio_interval,
    log_statistics,
    normality_pvalue,
)
from finite_ntk.seeding import numpy_generator
from finite_ntk.stats import percentile_interval, second_moment_ratio


@pytest.fixture(autouse=True)
def no_warnings():
    """No RuntimeWarning (log 0, 0/0) may escape these functions."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_log_moments_of_an_exact_small_array():
    k = np.array([0.0, 1.0, np.e, np.e**2, np.e**3])  # log K = 0, 1, 2, 3 over K > 0; one zero
    m = log_moments(k)
    assert m["atom_fraction"] == 0.2 and m["positive_count"] == 4
    assert m["log_mean"] == pytest.approx(1.5)
    assert m["log_variance"] == pytest.approx(5 / 3)
    assert m["log_skewness"] == pytest.approx(0.0, abs=1e-12)
    assert m["log_excess_kurtosis"] == pytest.approx(2.5625 / 1.5625 - 3)
    assert log_normal_ratio(k) == pytest.approx(np.exp(5 / 3) / 0.8)

    logs = np.array([0.0, 0.0, 0.0, 3.0])  # skewness 2 / sqrt(3), excess kurtosis 1/3 - 2
    m = log_moments(np.exp(logs))
    assert m["atom_fraction"] == 0
    assert m["log_skewness"] == pytest.approx(2 / np.sqrt(3))
    assert m["log_skewness"] == pytest.approx(stats.skew(logs))
    assert m["log_excess_kurtosis"] == pytest.approx(stats.kurtosis(logs))


def test_log_moments_reduce_along_an_axis():
    rng = np.random.default_rng(3)
    k = np.exp(rng.normal(size=(7, 30, 2)))
    k[0, 5, 1] = 0.0
    along_1 = log_moments(k, axis=1)
    for name, value in along_1.items():
        assert value.shape == (7, 2)
        np.testing.assert_allclose(value, log_moments(np.moveaxis(k, 1, -1))[name], rtol=1e-12)
    assert along_1["atom_fraction"][0, 1] == 1 / 30
    assert along_1["log_mean"][0, 1] == pytest.approx(np.mean(np.log(np.delete(k[0, :, 1], 5))))


def test_large_log_normal_samples_give_the_known_moments():
    mu, s2, n = -1.0, 4.0, 200_000
    rng = numpy_generator(0, "test/heavy_tails/log_normal")
    k = np.exp(mu + np.sqrt(s2) * rng.standard_normal(n))
    out = log_statistics(k, 0.95)
    assert set(out) == set(LOG_STATISTICS) == set(LOG_STATISTICS_ATTRS)
    assert all({"long_name", "units"} <= set(attrs) for attrs in LOG_STATISTICS_ATTRS.values())
    assert out["atom_fraction"] == 0 and out["positive_count"] == n
    assert out["log_mean"] == pytest.approx(mu, abs=5 * np.sqrt(s2 / n))
    assert out["log_variance"] == pytest.approx(s2, abs=5 * s2 * np.sqrt(2 / n))
    assert abs(out["log_skewness"]) < 5 * np.sqrt(6 / n)
    assert abs(out["log_excess_kurtosis"]) < 5 * np.sqrt(24 / n)
    assert out["normality_pvalue"] > 1e-3
    assert out["log_normal_ratio_lo"] < np.exp(s2) < out["log_normal_ratio_hi"]
    assert out["log_normal_ratio"] == pytest.approx(np.exp(s2), rel=0.05)
    # A log with skewness -0.4 (reflected gamma, shape 25) is rejected at this N.
    gamma_logs = -rng.standard_gamma(25.0, n)
    assert normality_pvalue(np.exp(gamma_logs)) < 1e-6
    assert log_moments(np.exp(gamma_logs))["log_skewness"] == pytest.approx(-0.4, abs=0.05)


def test_the_atom_is_counted_and_never_becomes_minus_infinity():
    rng = numpy_generator(0, "test/heavy_tails/atom")
    k = np.exp(rng.standard_normal(1000))
    k[rng.random(1000) < 0.1] = 0.0
    positive = k[k > 0]
    out = log_statistics(k, 0.95)
    assert out["atom_fraction"] == np.mean(k == 0) > 0
    assert out["positive_count"] == positive.size
    for name, value in out.items():
        assert np.isfinite(value), name
    assert out["log_mean"] == pytest.approx(np.mean(np.log(positive)))
    assert out["log_variance"] == pytest.approx(np.var(np.log(positive), ddof=1))
    assert out["normality_pvalue"] == pytest.approx(stats.normaltest(np.log(positive)).pvalue)
    assert out["log_normal_ratio"] == pytest.approx(np.exp(np.var(np.log(positive), ddof=1)) / (1 - np.mean(k == 0)))

    # Only zeros: p0 = 1 and nothing else defined; too few positives: NaN, never inf.
    zeros = log_statistics(np.zeros((2, 10)), 0.95)
    assert np.all(zeros["atom_fraction"] == 1) and np.all(zeros["positive_count"] == 0)
    for name in LOG_STATISTICS[2:]:
        assert np.all(np.isnan(zeros[name])), name
    few = log_statistics(np.array([0.0, 0.0, 2.0]), 0.95)
    assert few["log_mean"] == pytest.approx(np.log(2.0))
    assert np.isnan(few["log_variance"]) and np.isnan(few["log_normal_ratio"])
    assert np.isnan(few["normality_pvalue"])
    constant = log_statistics(np.full(20, 3.0), 0.95)
    assert constant["log_variance"] == 0 and constant["log_normal_ratio"] == 1
    assert np.isnan(constant["log_skewness"]) and np.isnan(constant["normality_pvalue"])
    # A negative or non-finite K is no kernel diagonal: NaN statistics, not a silent answer.
    for bad in (-1.0, np.nan, np.inf):
        out = log_moments(np.array([1.0, 2.0, bad, 4.0]))
        assert all(np.isnan(value) for value in out.values())


def test_the_atom_corrected_ratio_is_that_of_the_law():
    # K = 0 w.p. p0, log K ~ N(mu, s^2) otherwise: E[K^2]/E[K]^2 by numerical integrals.
    p0, mu, s = 0.3, 0.7, 1.2
    density = stats.norm(mu, s).pdf

    def moment(t: int) -> float:
        return (1 - p0) * integrate.quad(lambda y: np.exp(t * y) * density(y), mu - 20 * s, mu + 20 * s)[0]

    brute = moment(2) / moment(1) ** 2
    assert log_normal_ratio_from_moments(s**2, p0) == pytest.approx(brute, rel=1e-8)
    assert np.isnan(log_normal_ratio_from_moments(1.0, 1.0))

    # and a large seeded sample with that atom: the plain ratio (which converges at s = 1.2
    # and this N) and the plug-in agree with it.
    rng = numpy_generator(0, "test/heavy_tails/atom_ratio")
    n = 400_000
    k = np.exp(mu + s * rng.standard_normal(n))
    k[rng.random(n) < p0] = 0.0
    assert second_moment_ratio(k) == pytest.approx(brute, rel=0.05)
    assert log_normal_ratio(k) == pytest.approx(brute, rel=0.02)


def test_the_chi_square_interval_of_a_known_case():
    # log K = -1, 0, 1 (s^2 = 1, two degrees of freedom) and one zero (p0 = 1/4). chi^2 with two
    # degrees of freedom is exponential with mean 2: its p-quantile is -2 ln(1 - p).
    k = np.array([0.0, np.exp(-1.0), 1.0, np.e])
    lo, hi = log_normal_ratio_interval(k, 0.95)
    assert lo == pytest.approx(np.exp(2 / (-2 * np.log(0.025))) / 0.75, rel=1e-10)
    assert hi == pytest.approx(np.exp(2 / (-2 * np.log(0.975))) / 0.75, rel=1e-10)
    lo2, hi2 = log_normal_ratio_interval(np.stack([k, k]), 0.95)
    np.testing.assert_array_equal(lo2, [lo, lo])
    np.testing.assert_array_equal(hi2, [hi, hi])


def test_the_bootstrap_of_the_plug_in_and_its_fast_path_agree():
    rng = numpy_generator(0, "test/heavy_tails/bootstrap")
    n = 300
    k = np.exp(2.0 * rng.standard_normal(n))
    k[:3] = 0.0
    draws = log_normal_ratio_bootstrap(k, 600, numpy_generator(1, "boot"))
    assert draws.shape == (600,) and np.all(np.isfinite(draws))
    # The coverage module's counts path: the same generator gives the same resamples.
    fast_rng = numpy_generator(1, "boot")
    plain, fast = [], []
    for size in (256, 256, 88):
        p, f = coverage._resampled_ratios(coverage.resample_counts(fast_rng, n, size), k[None, :])
        plain.append(p[:, 0])
        fast.append(f[:, 0])
    np.testing.assert_allclose(np.concatenate(fast), draws, rtol=1e-9)
    index = numpy_generator(1, "boot").integers(0, n, size=(256, n))
    np.testing.assert_allclose(np.concatenate(plain)[:256], second_moment_ratio(k[index]), rtol=1e-9)
    lo, hi = percentile_interval(draws, 0.95)
    assert lo < np.exp(4.0) / (1 - 0.01) < hi


def test_the_laws_have_the_stated_ratio():
    for law in coverage.LAWS:
        for ratio in (1.1, 100.0, 1e4):
            scale = coverage.law_scale(law, ratio, atom_fraction=0.05)
            assert coverage.law_ratio(law, scale, atom_fraction=0.05) == pytest.approx(ratio, rel=1e-10)
    # Reflected gamma: the closed form against numerical integrals over the gamma density.
    a, ratio = 25.0, 100.0
    c = coverage.law_scale("reflected_gamma", ratio, gamma_shape=a)
    density = stats.gamma(a).pdf

    def moment(t: int) -> float:
        return integrate.quad(lambda g: np.exp(-t * c * (g - a)) * density(g), 0, np.inf, limit=200)[0]

    assert moment(2) / moment(1) ** 2 == pytest.approx(ratio, rel=1e-6)
    assert coverage.law_log_variance("reflected_gamma", ratio, gamma_shape=a) == pytest.approx(a * c**2)
    with pytest.raises(ValueError):
        coverage.law_scale("student_t", 10.0)
    with pytest.raises(ValueError):
        coverage.law_scale("lognormal", 1.05, atom_fraction=0.1)


def test_coverage_finds_the_plain_bootstrap_short_and_the_chi_square_interval_nominal():
    table = coverage.coverage_table(
        0, sample_sizes=[100], ratios=[100.0], laws=["lognormal"], simulations=200, resamples=400
    )
    cov = table["coverage"].sel(law="lognormal", n=100, ratio=100.0)
    assert set(table["interval"].values) == set(coverage.INTERVALS)
    assert cov.sel(interval="plain_bootstrap") < 0.6  # misses, from below
    assert table["miss_low"].sel(law="lognormal", n=100, ratio=100.0, interval="plain_bootstrap") > 0.35
    assert cov.sel(interval="log_chi_square") >= 0.9
    assert cov.sel(interval="log_bootstrap") >= 0.8
    median = table["median_relative_estimate"].sel(law="lognormal", n=100, ratio=100.0)
    assert median.sel(estimator="plain") < 0.5
    assert median.sel(estimator="log_normal") == pytest.approx(1.0, abs=0.2)
    assert table["normality_rejection"].item() < 0.15
    assert table["log_variance"].sel(law="lognormal", ratio=100.0) == pytest.approx(np.log(100.0))
    for name, variable in table.data_vars.items():
        assert {"long_name", "units"} <= set(variable.attrs), name
    # Seeded: the same root seed gives the same table.
    again = coverage.coverage_table(
        0, sample_sizes=[100], ratios=[100.0], laws=["lognormal"], simulations=200, resamples=400
    )
    assert again.identical(table)


def test_coverage_with_an_atom_and_a_non_gaussian_log():
    # An atom of 5 % leaves the chi-square interval near nominal ...
    table = coverage.coverage_table(
        1, sample_sizes=[200], ratios=[10.0], laws=["lognormal"], simulations=100, resamples=200, atom_fraction=0.05
    )
    assert table["coverage"].sel(interval="log_chi_square").item() >= 0.85
    # ... while a skewed log (reflected gamma, skewness -0.4) makes the plug-in overshoot, and the
    # normality test says so at N = 1000.
    table = coverage.coverage_table(
        2,
        sample_sizes=[1000],
        ratios=[100.0],
        laws=["reflected_gamma"],
        simulations=40,
        resamples=200,
        gamma_shape=25.0,
    )
    assert table["coverage"].sel(interval="log_chi_square").item() < 0.1
    assert table["median_relative_estimate"].sel(estimator="log_normal").item() > 10
    assert table["normality_rejection"].item() > 0.8


def test_the_heavy_tails_module_exports_what_it_lists():
    for name in heavy_tails.__all__:
        assert hasattr(heavy_tails, name), name
    for name in coverage.__all__:
        assert hasattr(coverage, name), name


def _planted_table(plain: dict, log: dict) -> "coverage.xr.Dataset":
    """A coverage table at N = 100 whose coverage per (interval, law) is given as a function
    of R (``plain`` / ``log``: law -> function)."""
    import xarray as xr

    ratios = np.array([1.01, 1.1, 2.0, 10.0, 100.0])
    values = np.zeros((2, 1, ratios.size, 3))
    for i, law in enumerate(("lognormal", "reflected_gamma")):
        values[i, 0, :, 0] = plain[law](ratios)
        values[i, 0, :, 1] = log[law](ratios)
        values[i, 0, :, 2] = log[law](ratios)
    return xr.Dataset(
        {"coverage": (("law", "n", "ratio", "interval"), values)},
        coords={
            "law": ["lognormal", "reflected_gamma"],
            "n": [100],
            "ratio": ratios,
            "interval": list(coverage.INTERVALS),
        },
    )


def test_trusted_limits_need_every_law_and_every_smaller_ratio():
    nominal = lambda r: np.full(r.shape, 0.95)  # noqa: E731
    table = _planted_table(
        plain={"lognormal": lambda r: np.where(r <= 1.1, 0.95, 0.2), "reflected_gamma": nominal},
        log={"lognormal": nominal, "reflected_gamma": lambda r: np.where(r <= 2.0, 0.93, 0.3)},
    )
    assert coverage.trusted_limit(table, 100, "plain_bootstrap", 0.9) == 1.1
    assert coverage.trusted_limit(table, 100, "log_chi_square", 0.9) == 2.0  # the skewed law decides
    assert coverage.trusted_limit(table, 1000, "log_chi_square", 0.9) == 2.0  # read at N = 100 <= 1000
    assert coverage.trusted_limit(table, 50, "log_chi_square", 0.9) == 1.0  # no tabulated N reached
    holes = _planted_table(
        plain={"lognormal": nominal, "reflected_gamma": lambda r: np.where(r == 1.1, 0.5, 0.95)},
        log={"lognormal": nominal, "reflected_gamma": nominal},
    )
    assert coverage.trusted_limit(holes, 100, "plain_bootstrap", 0.9) == 1.01  # a gap stops the region
    with pytest.raises(ValueError, match="interval"):
        coverage.trusted_limit(table, 100, "plain", 0.9)


def test_select_ratio_estimate_prefers_the_plain_ratio_then_r_log_then_none():
    # Cells: plain trusted; R_log trusted; R_log above its limit; normality rejected.
    plain, plain_lo, plain_hi = [1.05, 5.0, 40.0, 5.0], [1.04, 4.0, 30.0, 4.0], [1.06, 6.0, 60.0, 6.0]
    log, log_lo, log_hi = [1.05, 8.0, 200.0, 8.0], [1.04, 6.0, 150.0, 6.0], [1.07, 9.0, 300.0, 9.0]
    normality = [0.5, 0.5, 0.5, 1e-4]
    chosen = coverage.select_ratio_estimate(
        plain, plain_lo, plain_hi, log, log_lo, log_hi, normality, plain_limit=1.1, log_limit=100.0, significance=0.05
    )
    codes = coverage.ESTIMATOR_CODES
    assert chosen["estimator"].tolist() == [codes["plain"], codes["log_normal"], codes["none"], codes["none"]]
    np.testing.assert_array_equal(chosen["value"], [1.05, 8.0, np.nan, np.nan])
    np.testing.assert_array_equal(chosen["hi"], [1.06, 9.0, np.nan, np.nan])
    # The plain ratio is not trusted when R_log's bound passes its limit, even if its own does not.
    chosen = coverage.select_ratio_estimate(
        [1.05], [1.04], [1.06], [1.2], [1.1], [1.3], [1e-4], plain_limit=1.1, log_limit=100.0, significance=0.05
    )
    assert chosen["estimator"].tolist() == [codes["none"]]
