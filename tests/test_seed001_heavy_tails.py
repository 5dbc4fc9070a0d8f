"""Seed 001 and heavy tails: the reduction's log-space statistics (finite_ntk.heavy_tails), the
estimate of R each map claim reads (finite_ntk.coverage.select_ratio_estimate through
finite_ntk.papers.seed001.report.with_estimates), and the claims' verdicts on planted data:
agrees, differs and not estimable."""

import numpy as np
import pytest
import xarray as xr

import finite_ntk.papers.seed001.claim_controls as controls
import finite_ntk.papers.seed001.report as summary
from conftest import ROOT
from finite_ntk.claims import AGREES, DIFFERS, NOT_AVAILABLE, NOT_ESTIMABLE, evaluate
from finite_ntk.config import load_config
from finite_ntk.coverage import (
    ESTIMATOR_CODES,
    coverage_table,
    lower_bound_trusted,
    select_ratio_estimate,
    trusted_limit,
)
from finite_ntk.heavy_tails import LOG_STATISTICS, LOG_STATISTICS_ATTRS, log_statistics
from finite_ntk.papers.seed001.claims import CLAIMS, load_claim_inputs
from finite_ntk.papers.seed001.reduction import bootstrap_ratio, cell_identity, phase_statistics
from finite_ntk.stats import bootstrap_rng, second_moment_ratio

CONFIG = load_config(ROOT / "config/config.yaml")
NETWORK = CONFIG["seed001"]["network"]
CLAIM = {claim.key: claim for claim in CLAIMS}
MAP_CLAIMS = [claim.key for claim in CLAIMS if claim.number <= 8]


def _job(rng, activation, bias, width, weights, depths, sigma, replicates=200, atom=0.0):
    """A sampling job's dataset: log K ~ N(0, sigma^2) per (sigma_w^2, depth), a fraction
    ``atom`` of exact zeros."""
    shape = (len(weights), len(depths), replicates)
    k = 1e3 * np.exp(np.asarray(sigma)[..., None] * rng.standard_normal(shape))
    k[rng.random(shape) < atom] = 0.0
    return xr.Dataset(
        {"ntk": (("weight_variance", "depth", "replicate"), k.astype(np.float32))},
        coords={"weight_variance": list(weights), "depth": list(depths), "replicate": np.arange(replicates)},
        attrs={"activation": activation, "bias_variance": bias, "width": width},
    )


@pytest.fixture(scope="module")
def reduced():
    rng = np.random.default_rng(11)
    sigma = np.array([[0.1, 0.5, 2.0], [0.3, 1.0, 2.5]])
    a = _job(rng, "relu", 1.0, 8, (1.0, 3.0), (1, 4, 16), sigma, atom=0.02)
    b = _job(rng, "tanh", 0.0, 16, (3.0,), (4,), np.array([[1.5]]))
    stats = phase_statistics([a, b], NETWORK, root_seed=5, resamples=300, confidence=0.9, saturation_fraction=0.5)
    return a, b, stats


def test_reduction_stores_the_log_statistics_of_each_cell(reduced):
    a, b, stats = reduced
    for name in LOG_STATISTICS:
        variable = stats[name]
        assert variable.dims == stats["second_moment_ratio"].dims, name
        for key, value in LOG_STATISTICS_ATTRS[name].items():
            assert variable.attrs[key] == value, name
    assert stats["log_normal_ratio_lo"].attrs["confidence"] == 0.9
    # Equal to heavy_tails applied to the same samples (float32 draws read as float64), the
    # atom at K = 0 counted, at the reduction's confidence.
    k = a["ntk"].values.astype(np.float64)
    expected = log_statistics(k, 0.9, axis=-1)
    cells = stats.sel(activation="relu", bias_variance=1.0, width=8).transpose("weight_variance", "depth")
    for name in LOG_STATISTICS:
        np.testing.assert_array_equal(cells[name].values, expected[name], err_msg=name)
    assert (cells["atom_fraction"].values > 0).all() and (cells["positive_count"].values < 200).all()
    # Cells no job sampled: NaN.
    assert np.isnan(stats["log_normal_ratio"].sel(activation="tanh", bias_variance=1.0)).all()
    # R_log tracks exp(sigma^2) / (1 - p0); the plain ratio falls far below it where sigma is large.
    deep = cells.sel(weight_variance=3.0, depth=16)
    assert float(deep["log_normal_ratio"]) == pytest.approx(
        np.exp(2.5**2) / (1 - float(deep["atom_fraction"])), rel=0.3
    )
    assert float(deep["second_moment_ratio"]) < 0.2 * float(deep["log_normal_ratio"])


def test_reduction_keeps_the_plain_ratio_and_its_bootstrap_draws(reduced):
    """The log-space statistics draw no random numbers: every cell's bootstrap interval is
    the one its own stream gives, as before they existed."""
    a, _, stats = reduced
    for weight in (1.0, 3.0):
        for depth in (1, 4, 16):
            k = a["ntk"].sel(weight_variance=weight, depth=depth).values.astype(np.float64)
            rng = bootstrap_rng(5, cell_identity("relu", 1.0, 8, weight, depth))
            lo, hi = bootstrap_ratio(k, 300, 0.9, rng)
            cell = stats.sel(activation="relu", bias_variance=1.0, width=8, weight_variance=weight, depth=depth)
            assert float(cell["second_moment_ratio"]) == float(second_moment_ratio(k))
            assert (float(cell["second_moment_ratio_lo"]), float(cell["second_moment_ratio_hi"])) == (lo, hi)


def _planted_cells():
    """Four cells: a small R (plain trusted), a large R with Gaussian log K (R_log), a large R
    whose log K fails the test (none), and one not sampled."""
    dims = ("width", "weight_variance", "depth")
    values = {
        "second_moment_ratio": [1.05, 30.0, 30.0, np.nan],
        "second_moment_ratio_lo": [1.04, 10.0, 10.0, np.nan],
        "second_moment_ratio_hi": [1.06, 60.0, 60.0, np.nan],
        "log_normal_ratio": [1.05, 80.0, 80.0, np.nan],
        "log_normal_ratio_lo": [1.04, 40.0, 40.0, np.nan],
        "log_normal_ratio_hi": [1.07, 200.0, 200.0, np.nan],
        "normality_pvalue": [0.6, 0.4, 1e-4, np.nan],
    }
    cells = xr.Dataset(
        {name: (dims, np.asarray(v).reshape(1, 4, 1)) for name, v in values.items()},
        coords={"width": [50], "weight_variance": [1.0, 2.0, 3.0, 4.0], "depth": [8]},
        attrs={"confidence": 0.95},
    )
    cells["replicates"] = ("width", [200])
    return cells


def test_selection_per_cell():
    cells = _planted_cells()
    selections = summary.ratio_selection(cells, controls.coverage_table(), significance=0.05, min_coverage=0.9)
    selection = selections[50]
    log_limit = trusted_limit(controls.coverage_table(), 200, "log_chi_square", 0.9)
    assert log_limit >= 200  # the planted table covers R_log at every tabulated R
    lower = lower_bound_trusted(controls.coverage_table(), 200, "plain_bootstrap", 0.9)
    assert selection == summary.RatioSelection(200, 200, controls.PLAIN_LIMIT, log_limit, 0.05, 0.9, lower)
    chosen = summary.with_estimates(cells, selections)
    codes = chosen["estimator"].values.ravel().tolist()
    assert codes == [ESTIMATOR_CODES["plain"], ESTIMATOR_CODES["log_normal"], ESTIMATOR_CODES["none"], 0]
    np.testing.assert_array_equal(chosen["estimate"].values.ravel(), [1.05, 80.0, np.nan, np.nan])
    np.testing.assert_array_equal(chosen["estimate_hi"].values.ravel(), [1.06, 200.0, np.nan, np.nan])
    # The same as select_ratio_estimate cell by cell.
    direct = select_ratio_estimate(
        *(cells[name].values for name in list(cells.data_vars) if name != "replicates"),
        plain_limit=selection.plain_limit,
        log_limit=selection.log_limit,
        significance=0.05,
    )
    np.testing.assert_array_equal(direct["estimator"], chosen["estimator"].values)
    # Only the third cell is sampled and not estimable; the note says why.
    assert summary.not_estimable_mask(chosen).values.ravel().tolist() == [False, False, True, False]
    note = summary.not_estimable_note(chosen, xr.ones_like(chosen["estimate"], dtype=bool), selections)
    assert note.startswith("1 of 3 cells not estimable at N = 200 (M = 50)") and "log K not Gaussian in 1" in note
    # The lower bound: the estimate's lower end, else the plain one's where it is trusted.
    floor = chosen["lower_bound"].values.ravel()
    np.testing.assert_array_equal(floor, [1.04, 40.0, 10.0 if lower else np.nan, np.nan])
    # R_log untrusted at this N (the chi-square interval under-covers a law): the second cell too.
    table = controls.coverage_table()
    table["coverage"].loc[{"interval": "log_chi_square", "law": "reflected_gamma"}] = 0.5
    untrusting = summary.ratio_selection(cells, table, 0.05, 0.9)
    assert untrusting[50].log_limit == 1.0
    codes = summary.with_estimates(cells, untrusting)["estimator"].values.ravel().tolist()
    assert codes == [ESTIMATOR_CODES["plain"], 0, 0, 0]
    # A coverage table made at another confidence vouches for other intervals.
    other = controls.coverage_table().assign_attrs(confidence=0.9)
    with pytest.raises(ValueError, match="heavy_tails.coverage.confidence.*seed001.bootstrap.confidence"):
        summary.ratio_selection(cells, other, 0.05, 0.9)


def test_selection_on_a_reduction_with_a_measured_coverage_table():
    """End to end on a small scale: sampled log-normal cells and a coverage table of the
    same N. Measured under the log-normal law alone, the large-R cells are read through R_log
    (their log K is Gaussian); measured under the skewed law too, R_log's coverage fails at
    R = 100 and they are not estimable."""
    rng = np.random.default_rng(2)
    job = _job(rng, "relu", 1.0, 8, (1.0, 3.0), (1, 8), np.array([[0.05, 0.1], [1.5, 2.0]]), replicates=100)
    stats = phase_statistics([job], NETWORK, root_seed=1, resamples=200, confidence=0.95, saturation_fraction=0.5)
    grid = dict(sample_sizes=(100,), ratios=(1.01, 1.1, 100.0, 1e4), simulations=40, resamples=100)
    both = summary.ratio_selection(stats, coverage_table(3, **grid), 0.05, 0.8)
    assert both[8].log_limit < 100
    skewed = summary.with_estimates(stats, both).sel(activation="relu", bias_variance=1.0, width=8, weight_variance=3.0)
    assert (skewed["estimator"] == ESTIMATOR_CODES["none"]).all()
    table = coverage_table(3, laws=("lognormal",), **grid)
    selection = summary.ratio_selection(stats, table, 0.05, 0.8)
    chosen = summary.with_estimates(stats, selection).sel(activation="relu", bias_variance=1.0, width=8)
    small, large = chosen.sel(weight_variance=1.0), chosen.sel(weight_variance=3.0)
    assert (small["estimator"] == ESTIMATOR_CODES["plain"]).all()
    np.testing.assert_array_equal(small["estimate"], small["second_moment_ratio"])
    passes = large["normality_pvalue"] >= 0.05
    assert passes.all()
    assert (large["estimator"] == ESTIMATOR_CODES["log_normal"]).all()
    np.testing.assert_array_equal(large["estimate"], large["log_normal_ratio"])


# --------------------------------------------------------------------------- claims on planted data


def _evaluate(world: controls.World) -> dict:
    """Claims 1-8 on ``world`` (claim 7 with its planted band, as its controls read it)."""
    results = {r.key: r for r in evaluate(CLAIMS, controls.claim_inputs(world)) if r.number <= 8}
    sharpening = controls.claim_inputs(world, sharpening=True)
    results.update({r.key: r for r in evaluate(CLAIMS, sharpening) if r.number == 7})
    return results


@pytest.mark.slow  # every map claim on planted data (about 7 s); test_estimable_cells_decide_despite_unknown_ones stays
def test_map_claims_agree_and_differ_with_every_cell_estimable():
    """The paper's world and each negative one (log K Gaussian everywhere): every cell has an
    estimate, plain where small and R_log where large, and no note of cells left out."""
    agree = _evaluate(controls.PAPER_WORLD)
    for key in MAP_CLAIMS:
        assert agree[key].verdict == AGREES, (key, agree[key].note)
        assert "not estimable" not in agree[key].note
        negative = CLAIM[key].evaluate(controls.CONTROLS[key].negative())
        assert negative.verdict == DIFFERS, (key, negative.note)


@pytest.mark.parametrize("key", sorted(controls.NOT_ESTIMABLE_WORLDS))
def test_not_estimable_where_the_deciding_cells_cannot_be_read(key):
    """Heavy tails beyond the threshold: the cells that would decide fail the normality test
    and their plain interval reaches past its trusted limit (no lower bound of R trusted
    either); the row says so and counts them."""
    world = controls.NOT_ESTIMABLE_WORLDS[key]
    result = CLAIM[key].evaluate(controls.claim_inputs(world, trusted_lower_bound=False))
    assert result.verdict == NOT_ESTIMABLE, (key, result.verdict, result.note)
    assert np.isnan(result.value)
    assert "cells not estimable at N = 200" in result.note and "log K not Gaussian in" in result.note
    assert f"past R = {controls.PLAIN_LIMIT:g}" in result.note


@pytest.mark.parametrize("key", [key for key in controls.NOT_ESTIMABLE_WORLDS if key.split(".")[1] in ("1", "4", "5")])
def test_a_trusted_lower_bound_decides_where_no_estimate_can(key):
    """The same heavy-tailed worlds with the plain interval's lower end a trusted lower bound
    of R (as the measured coverage table says of the NTK's laws): a not-estimable cell whose
    lower bound already passes the threshold makes the row differ."""
    result = CLAIM[key].evaluate(controls.claim_inputs(controls.NOT_ESTIMABLE_WORLDS[key]))
    assert result.verdict == DIFFERS, (key, result.verdict, result.note)
    assert "lower bound of R at" in result.note


def test_estimable_cells_decide_despite_unknown_ones():
    """Heavy tails only beyond R = 5: the ordered phase that moves (claim 1's negative world)
    already exceeds the threshold in estimable cells (differs, the others counted); the depth
    trend leaves the unknown cells out; the middle class's ranking holds whatever class they
    are in."""
    heavy = controls.World(heavy_above=5.0)
    moved = CLAIM["seed001.1.relu.small"].evaluate(
        controls.claim_inputs(controls.NEGATIVE["seed001.1.relu.small"]._replace(heavy_above=5.0))
    )
    assert moved.verdict == DIFFERS and "cells not estimable" in moved.note
    assert moved.value > 0.3
    results = _evaluate(heavy)
    trend = results["seed001.2.relu"]
    assert trend.verdict == AGREES and "left out:" in trend.note
    sharpens = results["seed001.7.relu"]
    assert sharpens.verdict == AGREES, sharpens.note


def test_map_claims_are_not_available_without_a_coverage_table():
    inputs = controls.claim_inputs()
    inputs = inputs._replace(data=inputs.data._replace(coverage=None))
    for result in evaluate(CLAIMS, inputs):
        if result.number <= 8:
            assert result.verdict == NOT_AVAILABLE and "coverage table" in result.note, result.key


def test_load_claim_inputs_reads_the_coverage_table_and_the_heavy_tails_settings(tmp_path):
    phase, table = tmp_path / "phase_stats.nc", tmp_path / "coverage.nc"
    controls.phase_stats().to_netcdf(phase)
    controls.coverage_table().to_netcdf(table)
    config = {**CONFIG, "heavy_tails": {**CONFIG["heavy_tails"], "significance": 0.01, "min_coverage": 0.8}}
    inputs = load_claim_inputs({"phase": [str(phase)], "coverage": [str(table)]}, config)
    assert inputs.data.significance == 0.01 and inputs.data.min_coverage == 0.8
    xr.testing.assert_identical(inputs.data.coverage, controls.coverage_table())
    assert CLAIM["seed001.1.relu.small"].evaluate(inputs).verdict == AGREES
    without = load_claim_inputs({"phase": [str(phase)]}, CONFIG)
    assert without.data.coverage is None
    assert CLAIM["seed001.1.relu.small"].evaluate(without).verdict == NOT_AVAILABLE
