"""Training experiments: kernels against independent computations, netCDF contracts,
training progress, determinism, and the non-finite-loss fault."""

from __future__ import annotations

import copy
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import xarray as xr

from finite_ntk.config import load_config
from finite_ntk.models.networks import NetworkSpec, build_network, empirical_ntk_matrix_fn
from finite_ntk.models.pinn import batched_operator, laplacian_fn, pinn_ntk_matrices
from finite_ntk.papers.seed000.schedule import check_training_config, pinn_schedule
from finite_ntk.papers.seed000.training_problems import fnn_training_points, poisson_data
from finite_ntk.papers.seed000.training_runs import (
    fnn_training_dataset,
    init_kernels_dataset,
    pinn_training_dataset,
    write_fnn_training,
)
from finite_ntk.papers.seed000.training_setup import initial_params, network_spec
from finite_ntk.precision import active_precision
from finite_ntk.training.adam import NonFiniteLossError
from finite_ntk.training.forward import value_and_laplacian
from finite_ntk.training.kernels import (
    infinite_width_residual_ntk,
    residual_ntk_matrix,
    spectrum,
    unrolled_kernel_fn,
    value_ntk_matrix,
)

ROOT = Path(__file__).resolve().parents[1]
# Trains networks (fixtures of whole runs): part of the full suite, not the quick loop.
pytestmark = pytest.mark.slow


def tiny_config() -> dict:
    """The smoke config, made smaller still (seconds per job)."""
    config = load_config(ROOT / "config" / "config.yaml", ROOT / "config" / "smoke.yaml")
    t = config["training"]
    t["log_every"] = 10
    t["fnn"].update(
        n_train=24,
        n_test=50,
        epochs=40,
        snapshot_steps=[0, 5, 40],
        architectures=[[16, 1], [16, 3]],
        figures={"seed000fig5": [16, 1], "seed000fig9": [16, 1], "seed000fig10": [16, 3]},
    )
    t["init_kernels"] = {"widths": [16, 32], "depths": [1, 3]}
    t["pinn"].update(
        architectures=[[16, 2]],
        steps=150,
        snapshot_steps=[0, 50, 150],
        n_interior=64,
        n_boundary_per_side=16,
        kernel_grid=[4, 3],
        test_grid=11,
        kernel_chunk=5,
        figure={"activation": "sigmoid", "architecture": [16, 2]},
    )
    # A larger step than the paper's 1e-3 so that 150 steps reduce the PINN error clearly
    # (0.82 -> 0.19; the error first rises while the boundary term pulls u towards 0).
    t["pinn"]["learning_rate"] = 3e-2
    return config


@pytest.fixture(scope="module")
def config() -> dict:
    return tiny_config()


@pytest.fixture(scope="module")
def fnn(config) -> xr.Dataset:
    return fnn_training_dataset(config, 16, 3)


@pytest.fixture(scope="module")
def pinn(config) -> xr.Dataset:
    return pinn_training_dataset(config, "sigmoid", 16, 2)


@pytest.fixture(scope="module")
def pinn_relu(config) -> xr.Dataset:
    return pinn_training_dataset(config, "relu", 16, 2)


# ----------------------------------------------------------------------------- kernels


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(width=16, depth=1, activation="relu"),
        dict(width=12, depth=4, activation="gelu", n0=2, b_std=0.3),
        dict(width=10, depth=3, activation="sigmoid", n0=2, parameterization="standard", b_std=0.1),
        dict(width=10, depth=2, activation="relu", n0=3, b_std=None),
        dict(width=12, depth=3, activation="tanh", n0=2, b_std=0.3),
        dict(width=10, depth=2, activation="erf", n0=2),
    ],
)
def test_layerwise_ntk_and_laplacian_match_neural_tangents(kwargs):
    spec = NetworkSpec(**kwargs)
    _, apply_fn, _ = build_network(spec)
    init_fn = build_network(spec)[0]
    _, params = init_fn(jax.random.key(3, impl="rbg"), (-1, spec.n0))
    x1 = jax.random.normal(jax.random.PRNGKey(4), (7, spec.n0))
    x2 = 0.7 * x1[:5]
    expected = empirical_ntk_matrix_fn(spec)(x1, x2, params)
    np.testing.assert_allclose(
        value_ntk_matrix(spec, params, x1, x2), expected, rtol=2e-5, atol=2e-6 * float(jnp.max(jnp.abs(expected)))
    )
    u, lap = value_and_laplacian(spec, params, x1)
    np.testing.assert_allclose(u, apply_fn(params, x1)[:, 0], rtol=1e-5, atol=1e-6)
    reference = batched_operator(laplacian_fn(apply_fn))(params, x1)[:, 0]
    np.testing.assert_allclose(lap, reference, rtol=1e-4, atol=1e-5 * (1 + float(jnp.max(jnp.abs(reference)))))


def test_residual_ntk_matches_pinn_module():
    spec = NetworkSpec(width=12, depth=2, activation="sigmoid", n0=2)
    init_fn, apply_fn, _ = build_network(spec)
    _, params = init_fn(jax.random.key(5, impl="rbg"), (-1, 2))
    x = jax.random.uniform(jax.random.PRNGKey(6), (9, 2))
    expected = pinn_ntk_matrices(apply_fn, params, x, x)["rr"]
    np.testing.assert_allclose(
        residual_ntk_matrix(spec, params, x, chunk=4), expected, rtol=1e-4, atol=1e-6 * float(jnp.max(expected))
    )


def test_infinite_width_residual_kernel_matches_reverse_mode_hessians():
    """The row-broadcast forward-mode derivative of kernel_fn against reverse-mode
    Hessians of the scalar kernel of one pair of points."""
    spec = NetworkSpec(width=8, depth=2, activation="sigmoid", n0=2)
    _, _, kernel_fn = build_network(spec)
    x = jnp.array([[0.2, 0.3], [0.7, 0.4], [0.5, 0.9]])
    got = infinite_width_residual_ntk(spec, x)

    def pair(a, b):
        return kernel_fn(a[None], b[None], "ntk")[0, 0]

    @jax.jit  # traced once for the three pairs (op-by-op it takes half a minute)
    def mixed(a, b):
        lap_b = lambda a_: jnp.trace(jax.hessian(lambda b_: pair(a_, b_))(b))  # noqa: E731
        return jnp.trace(jax.hessian(lap_b)(a))

    np.testing.assert_allclose(unrolled_kernel_fn(spec)(x, None, "ntk"), kernel_fn(x, None, "ntk"), rtol=1e-6)
    for i, j in [(0, 1), (2, 2), (1, 0)]:
        np.testing.assert_allclose(got[i, j], mixed(x[i], x[j]), rtol=2e-3)
    with pytest.raises(ValueError, match="relu"):
        infinite_width_residual_ntk(NetworkSpec(width=8, depth=2, activation="relu", n0=2), x)


def test_tanh_infinite_width_residual_kernel_is_the_wide_network_mean():
    """tanh's infinite-width K_rr (smooth quadrature) against the Monte-Carlo mean of the
    empirical K_rr of 16 networks of width 1024, every entry within 4 standard errors
    (measured: within 1.1). ElementwiseNumerical's own derivatives gave a negative diagonal
    here (-11.4, -2.5, -1.1 against 51.7, 24.6, 20.0)."""
    spec = NetworkSpec(width=1024, depth=2, activation="tanh", n0=2)
    x = jnp.array([[0.2, 0.3], [0.7, 0.4], [0.5, 0.9]])
    init_fn = build_network(spec)[0]
    draws = []
    for seed in range(16):
        _, params = init_fn(jax.random.key(seed, impl="rbg"), (-1, 2))
        draws.append(np.asarray(residual_ntk_matrix(spec, params, x), dtype=np.float64))
    draws = np.array(draws)
    mean, standard_error = draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    infinite = np.asarray(infinite_width_residual_ntk(spec, x), dtype=np.float64)
    assert np.all(np.diag(infinite) > 0)
    assert np.all(np.abs(mean - infinite) < 4 * standard_error), (mean, infinite, standard_error)


def test_spectrum_flags_round_off():
    s = spectrum(np.diag([4.0, 2.0, 1.0]).astype(np.float32))
    assert s.resolved and s.condition_number == pytest.approx(4.0)
    assert list(s.eigenvalues) == [4.0, 2.0, 1.0]
    singular = spectrum(np.ones((3, 3), np.float32))
    assert not singular.resolved and np.isfinite(singular.condition_number)


# ----------------------------------------------------------------------------- contracts


def assert_no_nan(ds: xr.Dataset) -> None:
    for name, var in ds.data_vars.items():
        if np.issubdtype(var.dtype, np.floating):
            assert np.all(np.isfinite(var.values)), name


def test_fnn_contract(fnn, config):
    n = config["training"]["fnn"]["n_train"]
    assert list(fnn["step"].values) == [0, 5, 40]
    for name in ("ntk",):
        assert fnn[name].dims == ("step", "i", "j") and fnn[name].shape == (3, n, n)
    assert fnn["ntk_infinite"].dims == ("i", "j")
    assert fnn["eigenvalues"].dims == ("step", "eig")
    for name in (
        "condition_number",
        "condition_number_resolved",
        "relative_change",
        "relative_distance_infinite",
        "loss_at_snapshot",
    ):
        assert fnn[name].dims == ("step",), name
    assert fnn["prediction"].dims == ("step", "x_test") and fnn["target"].dims == ("x_test",)
    assert fnn["target_train"].dims == ("i",) and fnn["x"].dims == ("i",)
    assert fnn["loss"].dims == ("train_step",) and fnn.sizes["train_step"] == 41
    assert np.all(np.diff(fnn["x"].values) > 0), "training points are sorted"
    for key in (
        "run",
        "model",
        "activation",
        "width",
        "depth",
        "beta",
        "precision",
        "learning_rate",
        "epochs",
        "identity",
        "root_seed",
    ):
        assert key in fnn.attrs, key
    assert fnn.attrs["precision"] == active_precision() == config["precision"]
    assert fnn["ntk"].dtype == np.dtype(config["precision"])
    assert fnn.attrs["b_std"] == config["training"]["network"]["b_std"]
    assert fnn["relative_change"].values[0] == 0.0
    assert_no_nan(fnn)


def test_fnn_trains_and_step0_is_the_initial_ntk(fnn, config):
    assert fnn["loss"].values[-1] < fnn["loss"].values[0]
    assert fnn.attrs["final_loss"] < fnn.attrs["initial_loss"]
    spec = network_spec(config, "relu", 16, 3, n0=1)
    x, y = fnn_training_points(config["training"]["fnn"]["n_train"], jnp.float32)
    params = initial_params(config, "fnn", spec)
    direct = empirical_ntk_matrix_fn(spec)(x, None, params)
    np.testing.assert_allclose(fnn["ntk"].sel(step=0).values, direct, rtol=1e-5, atol=1e-5 * float(jnp.max(direct)))
    np.testing.assert_allclose(
        fnn["loss"].values[0], jnp.mean((build_network(spec)[1](params, x)[:, 0] - y) ** 2), rtol=1e-5
    )
    _, _, kernel_fn = build_network(spec)
    # jitted vs op-by-op kernel_fn: float32 round-off near x = x' (arccos of a correlation ~1)
    expected = kernel_fn(x, None, "ntk")
    np.testing.assert_allclose(fnn["ntk_infinite"].values, expected, rtol=1e-3, atol=1e-4 * float(jnp.max(expected)))


def test_training_is_deterministic(fnn, config):
    """A re-run (e.g. after a killed job) reproduces the same numbers."""
    again = fnn_training_dataset(config, 16, 3)
    for name in ("ntk", "loss", "prediction", "eigenvalues"):
        np.testing.assert_array_equal(again[name].values, fnn[name].values)


def test_init_kernels_equal_step0_snapshots(fnn, config):
    ds = init_kernels_dataset(config)
    assert ds["ntk"].dims == ("depth", "width", "i", "j")
    assert ds["ntk_infinite"].dims == ("depth", "i", "j")
    np.testing.assert_allclose(
        ds["ntk"].sel(width=16, depth=3).values, fnn["ntk"].sel(step=0).values, rtol=1e-6, atol=1e-7
    )
    np.testing.assert_allclose(ds["ntk_infinite"].sel(depth=3).values, fnn["ntk_infinite"].values, rtol=1e-6)
    assert_no_nan(ds)


def test_pinn_contract_and_error_falls(pinn, config):
    n = 12
    for name in ("ntk_uu", "ntk_rr"):
        assert pinn[name].dims == ("step", "i", "j") and pinn[name].shape == (3, n, n)
    for name in ("ntk_uu_infinite", "ntk_rr_infinite"):
        assert pinn[name].dims == ("i", "j")
    assert pinn["kernel_points"].dims == ("i", "coordinate")
    assert pinn["prediction"].dims == ("step", "y_test", "x_test") and pinn["exact"].dims == ("y_test", "x_test")
    for name in (
        "relative_l2_error",
        "relative_change_uu",
        "relative_change_rr",
        "condition_number_uu",
        "condition_number_rr",
    ):
        assert pinn[name].dims == ("step",), name
    for name in ("loss", "loss_residual", "loss_boundary"):
        assert pinn[name].dims == ("train_step",) and pinn.sizes["train_step"] == 151
    assert pinn.attrs["precision"] == config["precision"]
    assert pinn.attrs["steps"] == 150 and pinn.attrs["learning_rate"] == config["training"]["pinn"]["learning_rate"]
    assert pinn.attrs["ntk_rr_infinite_available"] == 1 and pinn.attrs["ntk_rr_vanishes"] == 0
    assert "kernel_points_rule" in pinn.attrs
    assert_no_nan(pinn)
    error = pinn["relative_l2_error"].values
    assert error[-1] < error[0]
    assert pinn.attrs["final_relative_l2_error"] == pytest.approx(error[-1])
    np.testing.assert_allclose(
        pinn["loss"].values, pinn["loss_residual"].values + 100.0 * pinn["loss_boundary"].values, rtol=1e-5
    )


def test_pinn_step0_kernels_equal_direct_computation(pinn, config):
    spec = network_spec(config, "sigmoid", 16, 2, n0=2)
    _, apply_fn, kernel_fn = build_network(spec)
    params = initial_params(config, "pinn", spec)
    points = poisson_data(config, jnp.float32).kernel_points
    np.testing.assert_allclose(pinn["kernel_points"].values, points)
    direct = pinn_ntk_matrices(apply_fn, params, points, points)
    for name in ("uu", "rr"):
        scale = float(jnp.max(jnp.abs(direct[name])))
        np.testing.assert_allclose(pinn[f"ntk_{name}"].sel(step=0).values, direct[name], rtol=1e-4, atol=1e-5 * scale)
    expected = kernel_fn(points, None, "ntk")
    np.testing.assert_allclose(
        pinn["ntk_uu_infinite"].values, expected, rtol=1e-3, atol=1e-4 * float(jnp.max(expected))
    )


def test_relu_pinn_failure_is_recorded_as_data(pinn_relu, config):
    assert pinn_relu.attrs["steps"] == pinn_schedule(config["training"]["pinn"], "relu")[0] == 50  # smoke.yaml: relu 50
    assert pinn_relu.attrs["ntk_rr_vanishes"] == 1 and pinn_relu.attrs["ntk_rr_infinite_available"] == 0
    assert "relu" in pinn_relu.attrs["ntk_rr_infinite_note"]
    assert not np.any(pinn_relu["ntk_rr"].values)
    for name in ("ntk_rr_infinite", "relative_change_rr", "condition_number_rr"):
        assert name not in pinn_relu
    residual = pinn_relu["loss_residual"].values
    np.testing.assert_allclose(residual, residual[0])  # no gradient reaches the residual term
    assert pinn_relu.attrs["final_relative_l2_error"] > 0.5
    assert_no_nan(pinn_relu)


def test_netcdf_roundtrip(tmp_path, config):
    path = tmp_path / "training" / "fnn_w16_d1.nc"
    written = write_fnn_training(config, 16, 1, path)
    with xr.open_dataset(path) as ds:
        assert set(ds.data_vars) == set(written.data_vars)
        assert ds.attrs["precision"] == config["precision"]
        assert "git_revision" in ds.attrs and "version_jax" in ds.attrs


# ----------------------------------------------------------------------------- faults


def test_nonfinite_loss_stops_with_a_clear_error_and_no_file(tmp_path, config):
    bad = copy.deepcopy(config)
    bad["training"]["fnn"]["learning_rate"] = 1e38  # parameters overflow after one step
    path = tmp_path / "training" / "fnn_w16_d1.nc"
    with pytest.raises(NonFiniteLossError) as info:
        write_fnn_training(bad, 16, 1, path)
    message = str(info.value)
    assert f"run '{config['run']}'" in message
    assert "fnn relu width 16 depth 1" in message
    assert "at step 1" in message
    assert not path.exists()
    assert not list(path.parent.glob("*")) if path.parent.exists() else True


def test_pinn_schedule_per_activation(config):
    pinn = {**config["training"]["pinn"], "steps_by_activation": {"relu": 30}}
    assert pinn_schedule(pinn, "sigmoid") == (150, [0, 50, 150])
    assert pinn_schedule(pinn, "relu") == (30, [0, 30])


def test_config_consistency_errors(config):
    check_training_config(config)
    for field, value, match in [
        (("fnn", "snapshot_steps"), [5, 40], "training.fnn.snapshot_steps"),
        (("pinn", "snapshot_steps"), [0, 20], "training.pinn.snapshot_steps"),
        (
            ("fnn", "figures"),
            {"seed000fig5": [64, 1], "seed000fig9": [16, 1], "seed000fig10": [16, 3]},
            "training.fnn.figures.seed000fig5",
        ),
        (("pinn", "figure"), {"activation": "gelu", "architecture": [16, 2]}, "training.pinn.figure.activation"),
        (("pinn", "steps_by_activation"), {"gelu": 10}, "training.pinn.steps_by_activation.gelu"),
        (("pinn", "steps_by_activation"), {"relu": 1000}, "training.pinn.steps_by_activation.relu"),
    ]:
        bad = copy.deepcopy(config)
        bad["training"][field[0]][field[1]] = value
        with pytest.raises(ValueError, match=match.replace(".", r"\.")):
            check_training_config(bad)


# ----------------------------------------------------------------------------- figures


def test_figures_are_written(tmp_path, fnn, pinn, pinn_relu, config):
    """Every registered training figure, drawn through the registry from these runs."""
    from finite_ntk.papers import FIGURES, SOURCES
    from finite_ntk.papers.seed000.training_plots import pinn_triptych
    from finite_ntk.plotting.style import save_figure

    data = {
        "fnn_run": [fnn],
        "fnn_runs": [fnn],
        "pinn_run": [pinn],
        "pinn_runs": [pinn, pinn_relu],
        "pinn_others": [pinn_relu],
        "init_kernels": [init_kernels_dataset(config)],
    }
    figures = {}
    for figure in FIGURES:
        if not set(figure.inputs.values()) <= set(data):
            continue  # a Monte-Carlo figure
        datasets = {
            arg: data[source] if SOURCES[source].many else data[source][0] for arg, source in figure.inputs.items()
        }
        figures[figure.name] = figure.draw(datasets, config)
    assert len(figures) == 8
    figures["fig6b_relu"] = pinn_triptych(pinn_relu, "rr")
    for name, figure in figures.items():
        for path in save_figure(figure, tmp_path / name):
            assert path.stat().st_size > 1000, path


def test_roundoff_twin_and_its_envelope(fnn, config):
    """The round-off twin starts where the job starts, then separates by round-off-sized
    amounts; its envelope is 0 at step 0, non-decreasing, and measures that separation."""
    from finite_ntk.papers.seed000.roundoff import TWIN_ULPS, roundoff_envelope, twin_dataset

    twin = twin_dataset(config, "fnn_w16_d3")
    xr.testing.assert_identical(twin["ntk"].isel(step=0), fnn["ntk"].isel(step=0))
    assert not np.array_equal(twin["ntk"].values[-1], fnn["ntk"].values[-1])
    envelope = roundoff_envelope(fnn, twin)
    assert set(envelope.data_vars) >= {"ntk", "eigenvalues", "prediction", "loss", "relative_change"}
    assert "condition_number_resolved" not in envelope.data_vars  # flags are compared exactly
    for name, values in envelope.data_vars.items():
        assert values.values[0] == 0, name
        assert np.all(np.diff(values.values) >= 0), name
    # After 40 steps the separation is still far below the trajectory's own change, yet
    # above one rounding: Adam has amplified the injected noise.
    eps = np.finfo(np.dtype(fnn.attrs["precision"])).eps
    change = (
        np.abs(fnn["prediction"].values[-1] - fnn["prediction"].values[0]).max()
        / np.abs(fnn["prediction"].values).max()
    )
    assert eps < envelope["prediction"].values[-1] < 1e-2 * change
    assert envelope.attrs["twin_gradient_noise_ulps"] == TWIN_ULPS
