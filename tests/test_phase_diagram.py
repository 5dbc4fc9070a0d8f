"""Seed 001 at initialisation (finite_ntk.papers.seed001, finite_ntk.papers.seed001.report): the
grid as sampling jobs, the sampling job's contract, the reduction's numbers and the
claims' measures, on data whose answers are known."""

import copy

import numpy as np
import pytest
import xarray as xr

import finite_ntk.mean_field as mean_field
import finite_ntk.papers.seed001.report as summary
from conftest import ROOT
from finite_ntk.config import load_config
from finite_ntk.papers.seed001.kappa import kappa_dataset
from finite_ntk.papers.seed001.reduction import phase_statistics
from finite_ntk.papers.seed001.settings import check_seed001_config, sampling_jobs
from finite_ntk.stats import second_moment_ratio

CONFIG = load_config(ROOT / "config/config.yaml")
NETWORK = CONFIG["seed001"]["network"]


def test_sampling_jobs_are_the_union_of_what_the_figures_read():
    jobs = {(job.activation, job.bias_variance, job.width): job.weight_variances for job in sampling_jobs(CONFIG)}
    section = CONFIG["seed001"]
    grid = tuple(section["weight_variances"])
    # Figures 1a, 1b: every activation x width at sigma_b^2 = 1, the whole sigma_w^2 grid.
    for activation in ("tanh", "relu"):
        for width in section["widths"]:
            assert jobs[(activation, 1.0, width)] == grid
        # Figure 7: the bias maps at width 100.
        for bias in section["bias_maps"]["bias_variances"]:
            assert jobs[(activation, float(bias), 100)] == grid
    # Figure 2's (2, 0) adds ReLU at sigma_b^2 = 0 for the other widths, with sigma_w^2 = 2 only;
    # (1.5, 1) is on the grid already.
    for width in (50, 200, 500):
        assert jobs[("relu", 0.0, width)] == (2.0,)
    assert len(jobs) == 2 * 4 + 2 * 3 + 3
    assert sum(len(v) for v in jobs.values()) == 2 * 4 * 19 + 2 * 3 * 19 + 3
    # The config's replicates_by_width: 2,000 initialisations at M = 50, 200 elsewhere.
    counts = {(job.activation, job.bias_variance, job.width): job.replicates for job in sampling_jobs(CONFIG)}
    assert {key: n for key, n in counts.items() if n != 200} == {
        ("tanh", 1.0, 50): 2000,
        ("relu", 1.0, 50): 2000,
        ("relu", 0.0, 50): 2000,
    }


@pytest.mark.parametrize("entries", [[{"width": 64, "replicates": 400}], [{"width": 50, "replicates": 400}] * 2])
def test_replicates_by_width_must_name_sampled_widths_once(entries):
    bad = copy.deepcopy(CONFIG)
    bad["seed001"]["replicates_by_width"] = entries
    with pytest.raises(ValueError, match="seed001.replicates_by_width.*each width once"):
        check_seed001_config(bad)


@pytest.mark.parametrize("field", ["depths", "widths", "weight_variances"])
def test_unsorted_grid_is_refused_naming_the_field(field):
    bad = copy.deepcopy(CONFIG)
    bad["seed001"][field] = list(reversed(bad["seed001"][field]))
    with pytest.raises(ValueError, match=f"seed001.{field}"):
        check_seed001_config(bad)


def test_coverage_table_at_another_confidence_is_refused():
    """The map claims read the coverage the table measured at its confidence: it must be the
    confidence of seed 001's intervals."""
    bad = copy.deepcopy(CONFIG)
    bad["heavy_tails"]["coverage"]["confidence"] = 0.9
    with pytest.raises(ValueError, match="heavy_tails.coverage.confidence.*seed001.bootstrap.confidence"):
        check_seed001_config(bad)


def _samples(rng, activation="relu", bias=1.0, width=8, weights=(1.0, 3.0), depths=(1, 4), replicates=50, scale=None):
    """A sampling job's dataset with lognormal K (sigma of log K = ``scale`` per cell)."""
    shape = (len(weights), len(depths), replicates)
    sigma = np.full(shape[:2], 0.3) if scale is None else scale
    k = np.exp(sigma[..., None] * rng.standard_normal(shape)) * 1e3
    return xr.Dataset(
        {"ntk": (("weight_variance", "depth", "replicate"), k.astype(np.float32))},
        coords={"weight_variance": list(weights), "depth": list(depths), "replicate": np.arange(replicates)},
        attrs={"activation": activation, "bias_variance": bias, "width": width},
    )


def test_reduction_numbers_on_known_samples():
    rng = np.random.default_rng(0)
    a = _samples(rng)
    # Width 16 has more initialisations per cell (seed001.replicates_by_width).
    b = _samples(rng, activation="tanh", bias=0.0, width=16, weights=(3.0,), depths=(4,), replicates=80)
    # One cell with one huge draw: R near the replicate count, flagged saturated.
    b["ntk"][0, 0, 0] = 1e30
    ds = phase_statistics([a, b], NETWORK, root_seed=7, resamples=400, confidence=0.95, saturation_fraction=0.5)
    assert list(ds["activation"].values) == ["relu", "tanh"]
    assert list(ds["weight_variance"].values) == [1.0, 3.0] and list(ds["depth"].values) == [1, 4]
    cell = ds.sel(activation="relu", bias_variance=1.0, width=8, weight_variance=3.0, depth=4)
    k = a["ntk"].sel(weight_variance=3.0, depth=4).values.astype(np.float64)
    assert float(cell["second_moment_ratio"]) == pytest.approx(np.mean(k**2) / np.mean(k) ** 2, rel=1e-12)
    assert float(cell["mean_k"]) == pytest.approx(np.mean(k), rel=1e-12)
    assert cell["second_moment_ratio_lo"] < cell["second_moment_ratio"] < cell["second_moment_ratio_hi"]
    assert int(cell["saturated"]) == 0
    huge = ds.sel(activation="tanh", bias_variance=0.0, width=16, weight_variance=3.0, depth=4)
    assert float(huge["second_moment_ratio"]) == pytest.approx(80, rel=1e-6) and int(huge["saturated"]) == 1
    assert ds["replicates"].dims == ("width",) and ds["replicates"].values.tolist() == [50, 80]
    with pytest.raises(ValueError, match="jobs of a width must share their replicate count"):
        phase_statistics([a, _samples(rng, bias=0.0, replicates=60)], NETWORK, 7, 400, 0.95, 0.5)
    # Cells no job sampled are NaN (and not saturated).
    empty = ds.sel(activation="tanh", bias_variance=1.0)
    assert np.isnan(empty["second_moment_ratio"]).all() and (empty["saturated"] == 0).all()
    # Mean-field theory beside it: ReLU's border is 2, chi_1 = sigma_w^2 / 2.
    assert float(ds["border_weight_variance"].sel(activation="relu", bias_variance=1.0)) == 2.0
    np.testing.assert_allclose(ds["chi_1"].sel(activation="relu", bias_variance=1.0), [0.5, 1.5])
    assert float(ds["border_weight_variance"].sel(activation="tanh", bias_variance=1.0)) == pytest.approx(
        3.44321091, rel=1e-8
    )
    # Deterministic: the bootstrap is seeded by the root seed and the cell.
    again = phase_statistics([a, b], NETWORK, root_seed=7, resamples=400, confidence=0.95, saturation_fraction=0.5)
    xr.testing.assert_identical(ds, again)


def test_infinite_width_ntk_matches_mean_field_directly():
    """mean_k_infinite is Theta(x, x) of the same network: standard parameterisation with
    trained biases, readout sigma_w^2, n0 = 100, |x|^2 / n0 = 1."""
    ds = phase_statistics([_samples(np.random.default_rng(1), activation="tanh")], NETWORK, 0, 50, 0.95, 0.5)
    propagation = mean_field.propagate("tanh", 3.0, 1.0, 4, input_length=1.0)
    direct = np.exp(mean_field.log_ntk_diagonal(propagation, parameterization="standard", width=8, input_dimension=100))
    got = ds["mean_k_infinite"].sel(activation="tanh", bias_variance=1.0, width=8, weight_variance=3.0).values
    np.testing.assert_allclose(got, direct[[0, 3]], rtol=1e-12)


def test_kappa_dataset_points_and_values():
    section = CONFIG["seed001"]["kappa"]
    ds = kappa_dataset(section, 1.0)
    np.testing.assert_allclose(ds["weight_variance"].sel(activation="relu"), [1.0, 2.0, 3.0])
    border = float(mean_field.order_chaos_border("erf", 1.0))
    np.testing.assert_allclose(ds["weight_variance"].sel(activation="erf"), [0.5 * border, border, 1.5 * border])
    # Identical inputs (covariance = length): kappa_2 = kappa_1, ratio 1. (In the chaotic
    # phase correlation 1 is an unstable fixed point: round-off grows like chi_1^L, to 6e-7
    # relative at depth 64 for erf; the ReLU cross integral near c = 1 loses some 1e-8 even
    # at shallow depths through its sqrt(1 - c^2).)
    same = ds.sel(input_covariance=1.0)
    np.testing.assert_allclose(same["kappa_2"], ds["kappa_1"], rtol=1e-5)
    np.testing.assert_allclose(same["kappa_ratio"], 1.0, rtol=1e-5)
    np.testing.assert_allclose(same["kappa_2"].sel(depth=slice(1, 8)), ds["kappa_1"].sel(depth=slice(1, 8)), rtol=1e-7)
    # ReLU, depth 1, orthogonal inputs: kappa_1 = (alpha_0 qhat^0 p^1 + qhat^1 p^2) / alpha with
    # alpha = 1, qhat^0 = 1, q^1 = sigma_w^2 + sigma_b^2, qhat^1 = q^1 / 2, p^2 = 1, p^1 = sigma_w^2 / 2.
    for phase, weight in zip(("ordered", "border", "chaotic"), (1.0, 2.0, 3.0)):
        expected = weight / 2 + (weight + 1.0) / 2
        assert float(ds["kappa_1"].sel(activation="relu", phase=phase, depth=1)) == pytest.approx(expected, rel=1e-12)
    # Chaotic erf: the ratio grows with depth (orthogonal inputs decorrelate); ordered: it
    # tends to 1 (a degenerate matrix). ReLU's correlation map has c = 1 attracting in
    # every phase, so its ratio stays of order one.
    chaotic = ds["kappa_ratio"].sel(activation="erf", phase="chaotic", input_covariance=0.0).values
    assert chaotic[-1] > 1e3 * chaotic[0] > 1
    ordered = ds["kappa_ratio"].sel(activation="erf", phase="ordered", input_covariance=0.0).values
    assert ordered[-1] == pytest.approx(1.0, abs=1e-6)


def test_claim_measures_on_synthetic_maps():
    """R = exp(c L / M) in the chaotic phase and 1 + 0.01 in the ordered one: the measures
    read the right things."""
    widths, depths, weights = [50, 100, 200], [1, 2, 4, 8, 16, 32, 64], [1.0, 2.0, 3.0]
    ratio = np.empty((len(widths), len(weights), len(depths)))
    for i, m in enumerate(widths):
        for j, w in enumerate(weights):
            ratio[i, j] = np.exp(2.0 * np.asarray(depths) / m) if w == 3.0 else 1.01 + 0 * np.asarray(depths)
    cells = xr.Dataset(
        {
            "second_moment_ratio": (("width", "weight_variance", "depth"), ratio),
            "second_moment_ratio_lo": (("width", "weight_variance", "depth"), ratio * 0.9),
            "second_moment_ratio_hi": (("width", "weight_variance", "depth"), ratio * 1.1),
            "saturated": (("width", "weight_variance", "depth"), np.zeros(ratio.shape, np.int8)),
            "chi_1": (("weight_variance",), np.asarray(weights) / 2),
            "border_weight_variance": 2.0,
        },
        coords={"width": widths, "weight_variance": weights, "depth": depths},
    )
    # Every plain ratio trusted (no log-space statistics): the estimate is the plain ratio.
    trusting = summary.RatioSelection(200, 200, plain_limit=1e9, log_limit=1.0, significance=0.05, min_coverage=0.9)
    cells = summary.with_estimates(cells, dict.fromkeys(widths, trusting))
    xr.testing.assert_equal(cells["estimate"], cells["second_moment_ratio"].rename("estimate"))
    assert (cells["estimator"] == 1).all()
    ordered = summary.largest_relative_std(cells, summary.chi_mask(cells, "ordered"))
    assert ordered.value == pytest.approx(0.1) and ordered.cells == len(widths) * len(depths)
    chaotic = summary.rank_correlations(cells, summary.chi_mask(cells, "chaotic"), "depth")
    np.testing.assert_allclose(chaotic, 1.0)
    by_width = summary.rank_correlations(cells, summary.chi_mask(cells, "chaotic"), "width")
    np.testing.assert_allclose(by_width, -1.0)
    assert summary.border_mask(cells).values.tolist() == [False, True, False]
    stats = cells.expand_dims(activation=["relu"], bias_variance=[1.0])
    found = summary.collapse(stats, "relu", 3.0, 1.0)
    assert found.spread_ratio == pytest.approx(0.0, abs=1e-12) and found.spread_depth > 0.1
    # std/mean = sqrt(R - 1) at the deepest depth reaches 0.3 first at sigma_w^2 = 3.
    assert summary.empirical_transition(cells.sel(width=50), 0.3) == 3.0


@pytest.mark.slow  # samples several cells (about 6 s)
def test_sample_job_contract_and_cell_independence():
    """A small job: dimensions, attributes, run precision; a cell's draws depend on the cell
    alone (the same with other sigma_w^2 in the job)."""
    from finite_ntk.papers.seed001.sampling import sample_job
    from finite_ntk.papers.seed001.settings import SamplingJob

    config = copy.deepcopy(CONFIG)
    config["seed001"].update(depths=[1, 3])
    both = sample_job(config, SamplingJob("tanh", 1.0, 8, (1.0, 4.0), 16))
    alone = sample_job(config, SamplingJob("tanh", 1.0, 8, (4.0,), 16))
    more = sample_job(config, SamplingJob("tanh", 1.0, 8, (4.0,), 24))
    assert both["ntk"].dims == ("weight_variance", "depth", "replicate") and both["ntk"].shape == (2, 2, 16)
    assert both.attrs["parameterization"] == "standard" and both.attrs["input_dimension"] == 100
    assert both["ntk"].dtype == np.float64 and both.attrs["float64_cells"] == ""
    np.testing.assert_array_equal(both["ntk"].values, both["ntk"].values.astype(np.float32))  # float32 draws
    np.testing.assert_array_equal(
        both["ntk"].sel(weight_variance=4.0).values, alone["ntk"].sel(weight_variance=4.0).values
    )
    # More initialisations of a cell (replicates_by_width) keep its first draws.
    assert more.attrs["replicates"] == 24 and more["ntk"].shape == (1, 2, 24)
    np.testing.assert_array_equal(more["ntk"].values[..., :16], alone["ntk"].values)
    assert (both["ntk"].values > 0).all()
    # K grows with sigma_w^2 (standard parameterisation): mean at 4 above mean at 1.
    assert float(both["ntk"].sel(weight_variance=4.0, depth=3).mean()) > float(
        both["ntk"].sel(weight_variance=1.0, depth=3).mean()
    )


@pytest.mark.slow  # compiles a float64 program
def test_cells_beyond_float32_are_drawn_again_in_float64():
    """ReLU at sigma_w^2 = 5, width 16, depth 250: K grows like (5/2)^L and leaves float32
    for most draws; the cell comes back finite, from float64 draws, and says so."""
    from finite_ntk.papers.seed001.sampling import sample_job
    from finite_ntk.papers.seed001.settings import SamplingJob

    config = copy.deepcopy(CONFIG)
    config["seed001"].update(depths=[4, 250])
    ds = sample_job(config, SamplingJob("relu", 1.0, 16, (5.0,), 8))
    assert ds.attrs["float64_cells"] == "sigma_w^2=5/depth=250"
    deep = ds["ntk"].sel(depth=250).values
    assert np.isfinite(deep).all() and deep.max() > np.finfo(np.float32).max
    shallow = ds["ntk"].sel(depth=4).values
    np.testing.assert_array_equal(shallow, shallow.astype(np.float32))
    assert np.isfinite(second_moment_ratio(deep)).all()


# ----------------------------------------------------------------------------- training grid


def _smoke_training_config():
    from finite_ntk.config import merge_configs

    config = copy.deepcopy(CONFIG)
    return merge_configs(
        config,
        {
            "seed001": {
                "training": {
                    "data": {"samples": 20},
                    "widths": [8, 16],
                    "main_width": 8,
                    "weight_variances": [1.0, 4.0],
                    "depths": [1, 3],
                    "max_steps": 30,
                    "snapshot_steps": [10, 30],
                    "patience": 10,
                    "integrator": {"literal_steps": 10},
                }
            }
        },
    )


def test_training_jobs_and_their_checks():
    from finite_ntk.papers.seed001.settings import training_jobs

    jobs = training_jobs(CONFIG)
    section = CONFIG["seed001"]["training"]
    assert len(jobs) == len(section["activations"]) * len(section["widths"]) * len(section["depths"])
    assert {job.weight_variances for job in jobs} == {tuple(section["weight_variances"])}
    bad = copy.deepcopy(CONFIG)
    bad["seed001"]["training"]["main_width"] = 100
    with pytest.raises(ValueError, match="seed001.training.main_width"):
        check_seed001_config(bad)
    bad = copy.deepcopy(CONFIG)
    bad["seed001"]["training"]["snapshot_steps"] = [10, 500000]
    with pytest.raises(ValueError, match="seed001.training.snapshot_steps"):
        check_seed001_config(bad)


@pytest.mark.slow  # trains 2 networks twice (compiles)
def test_training_job_contract_determinism_and_statistics():
    """A tiny training job: its dataset's contract, the same bytes when run again (a rerun
    after a killed job writes what the first run would have), and the reduction's grid."""
    from finite_ntk.papers.seed001.settings import TrainingJob
    from finite_ntk.papers.seed001.training_grid import train_job, training_statistics

    config = _smoke_training_config()
    job = TrainingJob("tanh", 8, 3, (1.0, 4.0))
    first, again = train_job(config, job), train_job(config, job)
    xr.testing.assert_identical(first, again)
    steps = first["loss_step"].values
    assert steps[0] == 0 and steps[-1] == 30 and np.all(np.diff(steps) > 0)
    assert first["loss"].shape == (2, steps.size) and set(first["status"].values) <= {0, 1, 2, 3}
    assert (first["steps"] <= 30).all() and np.isfinite(first["ntk_change"]).all()
    assert first.attrs["dataset_name"] == "MNIST" and first.attrs["integrator"] == "flow"
    # The loss falls (gradient descent at a stable rate); no point of the curve is below the minimum.
    assert (first["min_loss"] <= first["initial_loss"]).all()
    assert (first["min_loss"] <= np.nanmin(first["loss"].values, axis=1) * (1 + 1e-6)).all()
    assert (first["max_learning_rate"] > 0).all() and (first["kernel_eigenvalue_max"] > 0).all()
    relu = train_job(config, TrainingJob("relu", 16, 1, (1.0,)))
    from finite_ntk.papers.seed001.training_grid import run_training_set

    targets = run_training_set(config).targets
    stats = training_statistics([first, relu], main_width=8, bias_variance=1.0, targets=targets)
    assert list(stats["activation"].values) == ["tanh", "relu"]
    assert list(stats["width"].values) == [8, 16] and list(stats["depth"].values) == [1, 3]
    assert int(stats["status"].sel(activation="relu", width=8, depth=1, weight_variance=1.0)) == -1
    assert np.isnan(float(stats["ntk_change_end"].sel(activation="tanh", width=16, depth=1, weight_variance=1.0)))
    cell = stats.sel(activation="tanh", width=8, depth=3, weight_variance=4.0)
    assert float(cell["ntk_change_end"]) == float(first["ntk_change_end"].sel(weight_variance=4.0))
    assert float(stats["border_weight_variance"].sel(activation="relu")) == 2.0
    assert stats.attrs["main_width"] == 8 and stats.attrs["samples"] == 20
    # 20 balanced one-hot samples (2 of each digit): the best constant output loses 0.45.
    assert stats.attrs["constant_loss"] == pytest.approx(0.45)


def _training_stats(change, status=None, steps=None, min_ratio=0.5):
    """training_stats-shaped data on a (width, sigma_w^2, depth) grid for ReLU."""
    widths, weights, depths = [64, 128, 256], [1.0, 2.0, 3.0, 4.0], [1, 2, 4, 8]
    shape = (1, len(widths), len(weights), len(depths))
    grid = np.fromfunction(
        lambda a, w, s, d: change(
            np.asarray(widths)[w.astype(int)], np.asarray(weights)[s.astype(int)], np.asarray(depths)[d.astype(int)]
        ),
        shape,
    )
    dims = ("activation", "width", "weight_variance", "depth")
    return xr.Dataset(
        {
            "ntk_change_end": (dims, grid),
            "min_loss": (dims, np.full(shape, min_ratio)),
            "initial_loss": (dims, np.ones(shape)),
            "status": (dims, np.ones(shape, np.int8) if status is None else status),
            "steps": (dims, np.full(shape, 1000) if steps is None else steps),
        },
        coords={"activation": ["relu"], "width": widths, "weight_variance": weights, "depth": depths},
        attrs={"main_width": 128, "bias_variance": 1.0, "max_steps": 1000, "constant_loss": 0.5},
    )


def test_training_claims_on_known_data():
    """Seed 001's training claims (9-13) read the right cells: change = depth x (sigma_w^2 - 1)
    / width."""
    from finite_ntk.claims import AGREES, NOT_AVAILABLE, evaluate
    from finite_ntk.papers.seed001.claims import CLAIMS, ClaimInputs
    from finite_ntk.papers.seed001.report import Seed001Data

    stats = _training_stats(lambda m, w, d: d * (w - 1.0) / m + 1e-4, min_ratio=0.95)
    # A real (tiny, tanh-only) phase dataset beside it: claims 1-8 of ReLU have nothing to read.
    phase = phase_statistics([_samples(np.random.default_rng(3), activation="tanh")], NETWORK, 0, 50, 0.95, 0.5)
    data = Seed001Data(phase, (0.3, 1.0), 1.0, 128, "relu", ((3.0, 1.0),), stats)
    results = {r.key: r for r in evaluate(CLAIMS, ClaimInputs(data)) if r.number >= 9}
    # Ordered (sigma_w^2 = 1, chi_1 = 0.5): change 1e-4 everywhere, small.
    assert results["seed001.9.relu"].verdict == AGREES and results["seed001.9.relu"].value == pytest.approx(1e-4)
    # Chaotic (sigma_w^2 = 3, 4; chi_1 = 1.5, 2): grows with depth; every line falls with width.
    assert results["seed001.10.relu"].verdict == AGREES and results["seed001.10.relu"].value == pytest.approx(1.0)
    assert results["seed001.11.relu"].verdict == AGREES and results["seed001.11.relu"].value == pytest.approx(-1.0)
    # min loss 0.95 against the constant output's 0.5 everywhere: no network trains, not even the
    # shallow ones, so claim 12 cannot be read.
    assert results["seed001.12.relu"].verdict == NOT_AVAILABLE and "do not train" in results["seed001.12.relu"].note
    assert results["seed001.13.steps"].verdict == NOT_AVAILABLE  # no run stopped early
    assert results["seed001.9.tanh"].verdict == NOT_AVAILABLE  # no tanh in the data
    # More steps, less change: rho = -1 over the runs of the main width that stopped early.
    steps = (1000 - 10 * np.arange(16)).reshape(1, 1, 4, 4).repeat(3, axis=1)
    converged = np.zeros(steps.shape, np.int8)
    stats = _training_stats(lambda m, w, d: 1e-3 * (w * 10 + d), steps=steps, status=converged)
    data = data._replace(training=stats)
    rho = {r.key: r for r in evaluate(CLAIMS, ClaimInputs(data))}["seed001.13.steps"]
    assert rho.value == pytest.approx(-1.0) and rho.verdict == AGREES
