"""Reductions: statistics, bootstrap intervals, the fit of C, vanishing kernels."""

import numpy as np
import xarray as xr

from finite_ntk.papers.seed000.reductions import (
    bootstrap_statistics,
    fit_exponential_rate,
    reduce_samples,
    theory_relative_delta_k,
)
from finite_ntk.stats import percentile_interval, second_moment_ratio


def test_second_moment_ratio_is_bounded_by_the_sample_count():
    k = np.zeros(100)
    k[0] = 1.0  # one draw dominating
    assert second_moment_ratio(k) == 100.0
    assert second_moment_ratio(np.full(10, 3.0)) == 1.0
    assert np.isnan(second_moment_ratio(np.zeros(10)))  # no silent division by zero


def test_bootstrap_interval_covers_a_known_ratio():
    # K ~ Gamma(shape a): E[K^2]/E[K]^2 = 1 + 1/a exactly.
    rng = np.random.default_rng(0)
    a = 2.0
    k = rng.gamma(a, size=4000)
    draws = bootstrap_statistics(k, 0.1 * k, 1000, np.random.default_rng(1))
    lo, hi = percentile_interval(draws["second_moment_ratio"], 0.95)
    assert lo < 1 + 1 / a < hi
    assert hi - lo < 0.2
    lo, hi = percentile_interval(draws["relative_delta_k"], 0.95)
    assert lo <= 0.1 <= hi


def test_fit_recovers_the_rate():
    beta = np.array([0.01, 0.05, 0.1, 0.2])
    assert abs(fit_exponential_rate(beta, np.exp(3.7 * beta)) - 3.7) < 1e-9


def test_theory_scaling():
    np.testing.assert_allclose(
        theory_relative_delta_k(np.array([4]), np.array([0.25]), 1, 1e-3), 4 * 0.25 * np.exp(1.25) * 1e-3
    )
    np.testing.assert_allclose(
        theory_relative_delta_k(np.array([4]), np.array([0.25]), 1, 1e-3, count_readout=True),
        5 * 0.25 * np.exp(1.25) * 1e-3,
    )


def synthetic_samples(activation, width, depth, k_uu, k_rr, seed=0):
    rng = np.random.default_rng(seed)
    n = k_uu.shape[0]
    k = np.stack([k_uu, k_rr], axis=1)
    return xr.Dataset(
        {
            "k_init": (("replicate", "operator"), k),
            "k_step": (("replicate", "operator"), k * 1.01),
            "delta_k": (("replicate", "operator"), k * 0.01 + rng.normal(0, 1e-6, k.shape)),
        },
        coords={"replicate": np.arange(n), "operator": ["uu", "rr"]},
        attrs=dict(
            model="pinn",
            activation=activation,
            rr_identically_zero=int(activation == "relu"),
            width=width,
            depth=depth,
            n0=2,
            learning_rate=1e-3,
            root_seed=1,
            identity=f"t/{activation}/{width}/{depth}",
        ),
    )


def test_reduce_flags_vanishing_and_saturated():
    rng = np.random.default_rng(5)
    samples = []
    for activation in ("relu", "gelu"):
        for width, depth in ((16, 1), (16, 4)):
            k_uu = rng.gamma(4.0, size=50)
            if depth == 4:
                k_uu = np.zeros(50)
                k_uu[3] = 1.0  # saturated: ratio = 50
            k_rr = np.zeros(50) if activation == "relu" else rng.gamma(4.0, size=50)
            samples.append(synthetic_samples(activation, width, depth, k_uu, k_rr))
    stats = reduce_samples(
        samples, ["relu", "gelu"], resamples=200, confidence=0.95, fit_max_beta=0.3, saturation_fraction=0.5
    )
    assert stats["operator_vanishes"].sel(activation="relu", operator="rr") == 1
    assert stats["operator_vanishes"].sel(activation="gelu", operator="rr") == 0
    assert np.all(np.isnan(stats["second_moment_ratio"].sel(activation="relu", operator="rr")))
    assert np.isnan(stats["fitted_C"].sel(activation="relu", operator="rr"))
    ratio = stats["second_moment_ratio"].sel(operator="uu")
    assert float(ratio.sel(activation="gelu").isel(config=1)) == 50.0
    assert stats["saturated"].sel(activation="gelu", operator="uu").values.tolist() == [0, 1]
    np.testing.assert_allclose(stats["atom_fraction"].sel(activation="gelu", operator="uu"), [0, 49 / 50])
    np.testing.assert_allclose(stats["relative_delta_k"].sel(activation="gelu", operator="uu"), 0.01, rtol=1e-3)


def test_underflow_of_one_configuration_does_not_hide_the_activation():
    rng = np.random.default_rng(2)
    samples = [
        synthetic_samples("gelu", 16, 1, rng.gamma(4.0, size=40), rng.gamma(4.0, size=40)),
        synthetic_samples("gelu", 16, 8, np.zeros(40), np.zeros(40)),  # underflow everywhere
    ]
    stats = reduce_samples(samples, ["gelu"], resamples=100, confidence=0.95, fit_max_beta=1.0, saturation_fraction=0.5)
    assert stats["operator_vanishes"].sel(activation="gelu").values.tolist() == [0, 0]
    ratio = stats["second_moment_ratio"].sel(activation="gelu", operator="uu").values
    assert np.isfinite(ratio[0]) and np.isnan(ratio[1])
    assert stats["atom_fraction"].sel(activation="gelu", operator="uu").values.tolist() == [0.0, 1.0]
    assert np.isfinite(stats["fitted_C"].sel(activation="gelu", operator="uu"))


def test_second_moment_ratio_is_scale_free_and_never_overflows():
    """K grows like (sigma_w^2 / 2)^L in the chaotic phase: E[K^2]/E[K]^2 must not
    overflow where K^2 does, and must equal the plain formula bit for bit elsewhere."""
    rng = np.random.default_rng(3)
    k = rng.lognormal(sigma=1.5, size=(5, 200))
    plain = np.mean(k * k, axis=-1) / np.mean(k, axis=-1) ** 2
    np.testing.assert_array_equal(second_moment_ratio(k), plain)
    for scale in (2.0**900, 2.0**-900):  # K^2 overflows, or underflows to zero, in float64
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            naive = np.mean((k * scale) ** 2, axis=-1) / np.mean(k * scale, axis=-1) ** 2
        assert not np.allclose(naive, plain)
        np.testing.assert_array_equal(second_moment_ratio(k * scale), plain)
    assert np.isnan(second_moment_ratio(np.zeros(4)))


def test_reduce_stores_the_log_space_statistics_of_the_same_samples():
    from finite_ntk.heavy_tails import LOG_STATISTICS, log_statistics

    rng = np.random.default_rng(7)
    k_uu = np.exp(rng.normal(0.0, 1.5, size=60))
    k_uu[:3] = 0.0  # the atom
    samples = [synthetic_samples("gelu", 16, 2, k_uu, rng.gamma(4.0, size=60))]
    stats = reduce_samples(samples, ["gelu"], resamples=50, confidence=0.9, fit_max_beta=1.0, saturation_fraction=0.5)
    expected = log_statistics(k_uu, 0.9)
    for name in LOG_STATISTICS:
        variable = stats[name].sel(activation="gelu", operator="uu").isel(config=0)
        np.testing.assert_array_equal(variable.values, expected[name], err_msg=name)
        assert stats[name].attrs["long_name"] and "units" in stats[name].attrs, name
    assert float(stats["atom_fraction"].sel(activation="gelu", operator="uu")[0]) == 0.05
    assert np.isfinite(stats["fitted_C_log_normal"].sel(activation="gelu", operator="uu"))


def test_the_log_normal_fit_of_C_recovers_the_rate_and_its_interval_covers():
    """fit_log_normal_rate on log-normal samples with Var log K = C beta at the paper run's
    small-beta grid (N = 100): the estimate centres on C and its 95% interval covers C in
    about 95% of 400 simulated runs (binomial s.e. 0.011)."""
    from finite_ntk.papers.seed000.reductions import fit_log_normal_rate

    rate, n, simulations = 5.0, 100, 400
    beta = np.array([1 / 256, 1 / 128, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 3 / 16, 1 / 4])
    rng = np.random.default_rng(11)
    covered, estimates, widths = 0, [], []
    for _ in range(simulations):
        logs = rng.normal(0.0, np.sqrt(rate * beta)[:, None], size=(beta.size, n))
        variance = np.var(logs, axis=-1, ddof=1)
        fitted, lo, hi = fit_log_normal_rate(beta, variance, np.zeros(beta.size), np.full(beta.size, n), 0.95)
        covered += lo <= rate <= hi
        estimates.append(fitted)
        widths.append(hi - lo)
    assert abs(np.mean(estimates) - rate) < 0.05
    assert 0.92 <= covered / simulations <= 0.98
    assert np.median(widths) < 2.5  # narrow enough to tell the report's C = 5 from a fitted 3.3
