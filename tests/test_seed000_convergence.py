"""Seed 000's convergence experiment (finite_ntk.papers.seed000.convergence): the prefixes,
the draws (reproducible, nested, seeded per replicate), the estimators on them, the
dataset's attributes, R_log against an independent draw set of the dense sampler, and the
figure (finite_ntk.papers.seed000.convergence_plots)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import finite_ntk.seeding as seeding
from finite_ntk.config import load_config
from finite_ntk.heavy_tails import LOG_STATISTICS, log_statistics
from finite_ntk.papers.seed000.convergence import (
    CONVERGENCE_STATISTICS,
    ConvergenceSettings,
    convergence_dataset,
    convergence_key,
    convergence_setup,
    draw_counts,
    draw_kernels,
    prefix_statistics,
)
from finite_ntk.samplers.dispatch import sample
from finite_ntk.stats import second_moment_ratio

ROOT = Path(__file__).resolve().parents[1]
# Width 8 (the narrowest the figure would show): a replicate costs about a microsecond.
SMALL = ConvergenceSettings(configurations=((8, 2), (8, 4)), max_draws=3000, first_draws=100, chunk=1000)


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="module")
def small(config):
    return convergence_dataset(config, SMALL, activations=["relu"])


def test_draw_counts_are_one_and_three_times_powers_of_ten_with_both_ends():
    assert draw_counts(100, 10**6) == [100, 300, 1000, 3000, 10**4, 3 * 10**4, 10**5, 3 * 10**5, 10**6]
    assert draw_counts(100, 5000) == [100, 300, 1000, 3000, 5000]
    assert draw_counts(50, 50) == [50]
    assert SMALL.draw_counts() == [100, 300, 1000, 3000]
    with pytest.raises(ValueError, match="first <= last"):
        draw_counts(300, 100)


def test_settings_come_from_the_config_section_and_are_checked(config):
    assert ConvergenceSettings.from_config(config) == ConvergenceSettings()  # no section: defaults
    section = {"configurations": [[8, 2]], "max_draws": 1000, "chunk": 500}
    with_section = {**config, "monte_carlo": {**config["monte_carlo"], "convergence": section}}
    got = ConvergenceSettings.from_config(with_section)
    assert got.configurations == ((8, 2),) and got.max_draws == 1000 and got.chunk == 500
    assert got.first_draws == ConvergenceSettings().first_draws
    for bad, match in [
        ({"max_draws": 50}, "max_draws"),
        ({"first_draws": 4}, "first_draws"),
        ({"configurations": [[8, 2], [8, 2]]}, "repeated"),
        ({"confidence": 1.0}, "confidence"),
        ({"replicates": 10}, "unknown"),
    ]:
        with pytest.raises(ValueError, match=match):
            ConvergenceSettings.from_config({"monte_carlo": {"convergence": bad}})


def test_setup_is_seed_000s_fnn_without_the_step(config):
    setup = convergence_setup(config, "relu", 8, 4)
    assert setup.step_loss == "none" and setup.learning_rate == 0.0
    assert setup.input_point == tuple(config["monte_carlo"]["models"]["fnn"]["input_point"])
    assert setup.spec.W_std == config["network"]["W_std"] and setup.spec.b_std == config["network"]["b_std"]


def test_draws_are_reproducible_nested_and_seeded_per_replicate(config):
    k = draw_kernels(config, SMALL, "relu", 8, 2)
    assert k.shape == (3000,) and k.dtype == np.float64 and np.all(np.isfinite(k)) and np.all(k >= 0)
    assert np.array_equal(k, draw_kernels(config, SMALL, "relu", 8, 2))  # same seed: bit-identical
    # A shorter run (and one stopping inside a chunk) draws the same first replicates, bit for bit.
    for n in (1000, 1500):
        assert np.array_equal(draw_kernels(config, dataclasses.replace(SMALL, max_draws=n), "relu", 8, 2), k[:n])
    # Replicate i is fold_in(job key, i) whatever its chunk: drawing replicates 1000 .. 1999
    # from seeding.replicate_keys in one call gives those values.
    keys = seeding.replicate_keys(convergence_key(config["root_seed"], "relu", 8, 2), 2000)[1000:]
    setup = convergence_setup(config, "relu", 8, 2)
    direct = sample(setup, keys, sampler="matrix_free")["k_init"][:, 0].astype(np.float64)
    positive = k[1000:2000] > 0
    assert np.array_equal(direct == 0, ~positive)
    np.testing.assert_allclose(direct[positive], k[1000:2000][positive], rtol=1e-6)  # last-bit round-off only
    # Another configuration or root seed: other draws.
    assert not np.array_equal(k, draw_kernels(config, SMALL, "relu", 8, 4))
    other_seed = {**config, "root_seed": config["root_seed"] + 1}
    assert not np.array_equal(k, draw_kernels(other_seed, SMALL, "relu", 8, 2))


def test_estimators_are_heavy_tails_and_stats_on_the_same_draws(config, small):
    counts = small["draws"].values
    assert list(counts) == SMALL.draw_counts()
    for c, (width, depth) in enumerate(SMALL.configurations):
        k = draw_kernels(config, SMALL, "relu", width, depth)
        row = small.sel(activation="relu").isel(config=c)
        for i, n in enumerate(counts):
            assert row["second_moment_ratio"].values[i] == second_moment_ratio(k[:n])
            assert row["second_moment_ratio"].values[i] <= n  # sum K^2 <= (sum K)^2
            expected = log_statistics(k[:n], SMALL.confidence)
            for name in LOG_STATISTICS:
                np.testing.assert_array_equal(row[name].values[i], expected[name], err_msg=f"{name}, N = {n}")
        # Nested: the prefixes differ (not one prefix repeated).
        assert len(set(row["log_variance"].values)) == len(counts)
    assert set(CONVERGENCE_STATISTICS) <= set(small.data_vars)
    with pytest.raises(ValueError, match="only 10 drawn"):
        prefix_statistics(np.ones(10), [100], 0.95)


def test_dataset_dims_coords_and_attributes(small):
    assert small["log_normal_ratio"].dims == ("activation", "config", "draws")
    assert list(small["width"].values) == [8, 8] and list(small["depth"].values) == [2, 4]
    np.testing.assert_array_equal(small["beta"].values, [0.25, 0.5])
    np.testing.assert_allclose(small["theory_exp5beta"].values, np.exp(5 * np.array([0.25, 0.5])), rtol=1e-15)
    for name in [*small.data_vars, *small.coords]:
        attrs = small[name].attrs
        assert attrs.get("long_name") and attrs.get("units"), name
    for name in ("max_draws", "chunk", "confidence", "root_seed", "sampler", "precision", "seeding_rule", "x"):
        assert name in small.attrs, name
    assert small.attrs["max_draws"] == 3000 and small.attrs["sampler"] == "matrix_free"
    # The exact finite-width theory for ReLU (the paper network meets its premises), NaN elsewhere.
    from finite_ntk.finite_width_theory import relu_second_moment_ratio

    theory = small["theory_finite_width"]
    np.testing.assert_array_equal(theory.sel(activation="relu").values, relu_second_moment_ratio([8, 8], [2, 4]))
    others = [a for a in small["activation"].values if a != "relu"]
    assert np.all(np.isnan(theory.sel(activation=others).values))


@pytest.mark.slow  # a second, dense draw set (about 9 s)
def test_relu_log_normal_ratio_agrees_with_an_independent_dense_draw_set(config):
    """ReLU, width 8, depth 2 (beta = 0.25): R_log of 20,000 matrix-free draws (this
    experiment) against R_log of 20,000 draws of the dense sampler (full weight matrices,
    neural-tangents; independent keys), the same law by construction. exp(5 beta) is not the
    reference: at width 8 R differs from it by tens of percent (measured: R_log 3.9 against
    3.49). Tolerance: log R_log = s^2 - log(1 - p0) and Var(s^2) = s^4 (2 / (m - 1) + g2 / m)
    (g2 the excess kurtosis of log K: about 3 here, so the chi-square interval, exact for a
    Gaussian log K, would be too narrow), plus p0's binomial error, for both draw sets; 4
    standard errors. A dense draw set of depth 4 (beta 0.5) must fall outside it."""
    n = 20_000
    settings = ConvergenceSettings(configurations=((8, 2),), max_draws=n, chunk=n)
    ds = convergence_dataset(config, settings, activations=["relu"]).sel(activation="relu").isel(config=0)

    def dense(depth: int) -> dict[str, np.ndarray]:
        key = seeding.job_key(config["root_seed"], "convergence_reference", activation="relu", width=8, depth=depth)
        setup = convergence_setup(config, "relu", 8, depth)
        k = sample(setup, seeding.replicate_keys(key, n), sampler="dense")["k_init"][:, 0]
        return log_statistics(np.asarray(k, dtype=np.float64), settings.confidence)

    def variance(s2, g2, m, p0) -> float:
        return float(s2**2 * (2 / (m - 1) + max(g2, 0.0) / m) + p0 / ((1 - p0) * n))

    estimate = float(ds["log_normal_ratio"].values[-1])
    lo, hi = float(ds["log_normal_ratio_lo"].values[-1]), float(ds["log_normal_ratio_hi"].values[-1])
    assert lo < estimate < hi
    own = variance(
        *(float(ds[v].values[-1]) for v in ("log_variance", "log_excess_kurtosis", "positive_count", "atom_fraction"))
    )
    for depth, inside in [(2, True), (4, False)]:
        ref = dense(depth)
        other = variance(
            *(float(ref[v]) for v in ("log_variance", "log_excess_kurtosis", "positive_count", "atom_fraction"))
        )
        tolerance = 4.0 * np.sqrt(own + other)
        distance = abs(np.log(estimate) - np.log(float(ref["log_normal_ratio"])))
        assert (distance <= tolerance) == inside, (depth, estimate, float(ref["log_normal_ratio"]), tolerance)
    # The plain ratio of the same 20,000 draws stays below R_log (heavy tail: E[K^2] under-sampled).
    assert ds["second_moment_ratio"].values[-1] < lo


def test_plot_convergence_writes_a_png_with_the_hook_and_hollow_rejections(small, tmp_path):
    import matplotlib.pyplot as plt

    from finite_ntk.papers.seed000.convergence_plots import plot_convergence
    from finite_ntk.plotting.style import save_figure

    ds = small.drop_vars("theory_finite_width").assign(
        theory_finite_width=("config", 0.9 * small["theory_exp5beta"].values, {"units": "1"})
    )
    fig = plot_convergence(ds, "relu", significance=0.05)
    axes = [ax for ax in fig.axes if ax.get_xscale() == "log"]
    assert len(axes) == 1  # one width
    hollow = sum(
        len(line.get_xdata())
        for line in axes[0].lines
        if line.get_marker() == "o" and line.get_markerfacecolor() == "none"
    )
    assert hollow == int((small["normality_pvalue"].sel(activation="relu").values < 0.05).sum())
    labels = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
    assert "finite-width theory" in labels and r"bound $R \leq N$" in labels
    finite_width_lines = [line for line in axes[0].lines if line.get_linestyle() == ":" and len(line.get_ydata()) == 2]
    assert sorted(line.get_ydata()[0] for line in finite_width_lines) == pytest.approx(
        sorted(ds["theory_finite_width"].values)
    )
    written = save_figure(fig, tmp_path / "seed000convergence_relu")
    png = tmp_path / "seed000convergence_relu.png"
    assert png in written and png.stat().st_size > 1000
    # Without the hook's variable (or NaN throughout, as for GELU): no finite-width line, no legend entry.
    fig = plot_convergence(small.drop_vars("theory_finite_width"), "relu")
    assert "finite-width theory" not in [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    fig = plot_convergence(small, "gelu") if "gelu" in small["activation"].values else fig
    assert "finite-width theory" not in [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    plt.close(fig)


def test_default_configurations_fit_the_matrix_free_sampler(config):
    """Every default configuration can be drawn (width >= what the sampler reveals), and the
    plan of a width is made for one chunk, whatever max_draws (so the draws do not depend on it)."""
    from finite_ntk.papers.seed000.convergence import sampler_plans
    from finite_ntk.samplers.matrix_free import check_supported

    defaults = ConvergenceSettings()
    for width, depth in defaults.configurations:
        check_supported(convergence_setup(config, "relu", width, depth))
    for width in {w for w, _ in defaults.configurations}:
        assert sampler_plans(config, defaults, "gelu", width) == sampler_plans(
            config, dataclasses.replace(defaults, max_draws=1000), "gelu", width
        )


def test_convergence_macros_read_the_last_prefix_against_the_exact_theory(small):
    from finite_ntk.papers.seed000.report import convergence_macros

    text = "\n".join(convergence_macros(small, 0.05))
    last = small.isel(draws=-1).sel(activation="relu")
    rejected = int(np.sum(last["normality_pvalue"].values < 0.05))
    assert rf"\newcommand{{\ConvergenceRejected}}{{{rejected}}}" in text
    assert r"\newcommand{\ConvergenceMaxDraws}{3{,}000}" in text
    from finite_ntk.report.latex import latex_number

    ratio = last["second_moment_ratio"].values / last["theory_finite_width"].values  # beta 0.25 and 0.5
    assert rf"\newcommand{{\ConvergencePlainOverExactSmall}}{{{latex_number(float(np.median(ratio)), 2)}}}" in text
    assert r"\newcommand{\ConvergencePlainOverExactLarge}{n/a}" in text  # no beta >= 1 here
    assert "n/a" in "\n".join(convergence_macros(None))
