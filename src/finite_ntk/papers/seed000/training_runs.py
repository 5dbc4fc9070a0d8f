"""One netCDF dataset per training job (FNN, PINN, Figure 8's kernels at initialisation),
and the job entry points that write it atomically (workflow/scripts/train_*.py,
init_kernels.py).

Along training the kernels are recorded at configured steps ("snapshots"; step t means
the parameters after t Adam updates, step 0 is the initialisation): the empirical NTK
matrix, its eigenvalues and condition number, and its relative change
|K_t - K_0|_F / |K_0|_F, next to the infinite-width NTK of the same architecture. Jobs
write their netCDF only after training, via a temporary file and a rename, so a
non-finite loss (:class:`~finite_ntk.training.adam.NonFiniteLossError`) or a killed job
leaves nothing partial and a re-run reproduces the file.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from finite_ntk.io import provenance_attributes, write_netcdf_atomic
from finite_ntk.models.networks import NetworkSpec, build_network
from finite_ntk.models.problems import poisson_exact, sine_target
from finite_ntk.papers.seed000.schedule import pinn_schedule
from finite_ntk.papers.seed000.training_problems import (
    PoissonData,
    collocation_identity,
    fnn_interval_points,
    fnn_loss_fn,
    fnn_training_points,
    pinn_loss_fn,
    poisson_data,
    relative_l2_error,
)
from finite_ntk.papers.seed000.training_setup import (
    architecture_label,
    initial_params,
    job_identity,
    network_settings,
    network_spec,
)
from finite_ntk.stats import relative_frobenius_distance
from finite_ntk.training.adam import GradientNoise, Params, Progress, TrainingTrace, train_adam
from finite_ntk.training.kernels import (
    Spectrum,
    infinite_width_residual_ntk,
    infinite_width_value_ntk,
    residual_ntk_matrix,
    spectrum,
    value_ntk_matrix,
)

KERNEL_DESCRIPTIONS = {
    "ntk": "empirical NTK matrix K_t(x_i, x_j) at the snapshot step",
    "ntk_infinite": "infinite-width NTK of the same architecture (neural-tangents kernel_fn)",
    "ntk_uu": "empirical value NTK K_uu(x_i, x_j) = <du(x_i)/dtheta, du(x_j)/dtheta> on the kernel points",
    "ntk_rr": "empirical residual NTK K_rr(x_i, x_j) = <dr(x_i)/dtheta, dr(x_j)/dtheta>, r = Laplacian u, on the kernel points",
    "ntk_uu_infinite": "infinite-width K_uu (neural-tangents kernel_fn) on the kernel points",
    "ntk_rr_infinite": "infinite-width K_rr = Laplacian_x Laplacian_x' of kernel_fn, on the kernel points",
}
SPECTRUM_NOTE = (
    "eigenvalues in float64 of the stored matrix, descending; condition number lambda_max / lambda_min, "
    "with lambda_min floored at N * eps * lambda_max (eps of the run's precision) where it is at round-off "
    "(then *_resolved = 0 and the value is a lower bound)"
)
RR_UNAVAILABLE_NOTE = (
    "not available for relu: the finite network's K_rr vanishes identically (zero second derivative) "
    "and the infinite-width ReLU kernel is not twice differentiable at x = x'"
)


# --------------------------------------------------------------------------------------
# Variables and attributes shared by the datasets
# --------------------------------------------------------------------------------------


def _suffix(name: str) -> str:
    return f"_{name}" if name else ""


def _spectrum_variables(name: str, spectra: list[Spectrum], dims: tuple[str, ...]) -> dict[str, Any]:
    """eigenvalues_<name> (step, eig), condition_number_<name> (step), *_resolved."""
    suffix = _suffix(name)
    return {
        f"eigenvalues{suffix}": (
            (*dims, "eig"),
            np.stack([s.eigenvalues for s in spectra]),
            {"description": SPECTRUM_NOTE},
        ),
        f"condition_number{suffix}": (
            dims,
            np.array([s.condition_number for s in spectra]),
            {"description": SPECTRUM_NOTE},
        ),
        f"condition_number{suffix}_resolved": (
            dims,
            np.array([s.resolved for s in spectra], dtype=np.int8),
            {"description": "1 where lambda_min is above round-off, 0 where the condition number is a lower bound"},
        ),
    }


def _infinite_eigenvalues(name: str, infinite: np.ndarray) -> dict[str, Any]:
    """eigenvalues<_name>_infinite (eig) of the infinite-width kernel."""
    return {
        f"eigenvalues{_suffix(name)}_infinite": (
            ("eig",),
            spectrum(infinite).eigenvalues,
            {"description": SPECTRUM_NOTE},
        )
    }


def _change_from_start(name: str, kernels: np.ndarray) -> dict[str, Any]:
    """relative_change<_name>: |K_t - K_0|_F / |K_0|_F over the snapshot steps."""
    change = np.array([relative_frobenius_distance(k, kernels[0]) for k in kernels])
    return {f"relative_change{_suffix(name)}": (("step",), change, {"description": "|K_t - K_0|_F / |K_0|_F"})}


def _distance_to_infinite(name: str, kernels: np.ndarray, infinite: np.ndarray) -> dict[str, Any]:
    """relative_distance<_name>_infinite: |K_t - K_inf|_F / |K_inf|_F over the snapshot steps."""
    distance = np.array([relative_frobenius_distance(k, infinite) for k in kernels])
    return {
        f"relative_distance{_suffix(name)}_infinite": (
            ("step",),
            distance,
            {"description": "|K_t - K_inf|_F / |K_inf|_F"},
        )
    }


def _kernel_statistics(name: str, kernels: np.ndarray, infinite: np.ndarray) -> dict[str, Any]:
    """Spectra over the snapshot steps, the infinite-width eigenvalues, the change from
    step 0 and the distance to the infinite-width kernel of the kernels ``<name>``."""
    return {
        **_spectrum_variables(name, [spectrum(k) for k in kernels], ("step",)),
        **_infinite_eigenvalues(name, infinite),
        **_change_from_start(name, kernels),
        **_distance_to_infinite(name, kernels, infinite),
    }


def _common_attrs(config: Mapping[str, Any], model: str, spec: NetworkSpec) -> dict[str, Any]:
    return {
        "run": config["run"],
        "model": model,
        **spec.attributes(),
        "precision": config["precision"],
        "root_seed": config["root_seed"],
        "identity": job_identity(model, spec),
        "seeding_rule": "init_fn(fold_in(key(root_seed, rbg), sha256(identity)[:4]))",
        "optimizer": "optax.adam, full batch, default b1=0.9 b2=0.999 eps=1e-8",
        "step_convention": "step t = parameters after t Adam updates; step 0 = initialisation",
    }


def _kernel_coords(trace: TrainingTrace, n: int) -> dict[str, np.ndarray]:
    """Coordinates of kernels over the snapshot steps: step, rows i, columns j, eigenvalue index eig."""
    return {"step": np.array(trace.snapshot_steps), "i": np.arange(n), "j": np.arange(n), "eig": np.arange(n)}


def _loss_attrs(trace: TrainingTrace) -> dict[str, float]:
    return {"final_loss": float(trace.loss[-1]), "initial_loss": float(trace.loss[0])}


def _to_numpy(x: Any) -> np.ndarray:
    return np.asarray(jax.device_get(x))


def _train(
    config: Mapping[str, Any],
    cfg: Mapping[str, Any],
    loss_fn: Any,
    params: Params,
    steps: int,
    snapshot_steps: Any,
    snapshot: Any,
    label: str,
    progress: Progress | None,
    gradient_noise: GradientNoise | None = None,
) -> TrainingTrace:
    """:func:`train_adam` with the learning rate of ``cfg`` and the run's ``log_every``."""
    return train_adam(
        loss_fn,
        params,
        float(cfg["learning_rate"]),
        steps,
        snapshot_steps,
        snapshot,
        label,
        progress,
        int(config["training"]["log_every"]),
        gradient_noise,
    )


# --------------------------------------------------------------------------------------
# FNN on the sine target
# --------------------------------------------------------------------------------------


def fnn_training_dataset(
    config: Mapping[str, Any],
    width: int,
    depth: int,
    progress: Progress | None = None,
    gradient_noise: GradientNoise | None = None,
) -> xr.Dataset:
    """Train the FNN of (width, depth) on the sine target; kernels at the snapshot steps
    (``gradient_noise``: a round-off twin, :mod:`finite_ntk.papers.seed000.roundoff`)."""
    cfg = config["training"]["fnn"]
    dtype = jnp.result_type(float)
    spec = network_spec(config, cfg["activation"], width, depth, n0=1)
    _, apply_fn, _ = build_network(spec)
    x, y = fnn_training_points(cfg["n_train"], dtype)
    x_test = fnn_interval_points(cfg["n_test"], dtype)
    kernel = jax.jit(lambda p: value_ntk_matrix(spec, p, x))
    predict = jax.jit(lambda p: apply_fn(p, x_test)[:, 0])

    def snapshot(params: Params) -> dict[str, Any]:
        return {"ntk": _to_numpy(kernel(params)), "prediction": _to_numpy(predict(params))}

    params = initial_params(config, "fnn", spec)
    k_inf = _to_numpy(infinite_width_value_ntk(spec, x))
    trace = _train(
        config,
        cfg,
        fnn_loss_fn(apply_fn, x, y),
        params,
        int(cfg["epochs"]),
        cfg["snapshot_steps"],
        snapshot,
        architecture_label(config, "fnn", spec),
        progress,
        gradient_noise,
    )
    return _fnn_dataset(config, spec, trace, k_inf, x, y, x_test)


def _fnn_dataset(
    config: Mapping[str, Any],
    spec: NetworkSpec,
    trace: TrainingTrace,
    k_inf: np.ndarray,
    x: jax.Array,
    y: jax.Array,
    x_test: jax.Array,
) -> xr.Dataset:
    cfg = config["training"]["fnn"]
    ntk = trace.stacked("ntk")
    spectrum_inf = spectrum(k_inf)
    data_vars = {
        "ntk": (("step", "i", "j"), ntk, {"description": KERNEL_DESCRIPTIONS["ntk"]}),
        "ntk_infinite": (("i", "j"), k_inf, {"description": KERNEL_DESCRIPTIONS["ntk_infinite"]}),
        **_kernel_statistics("", ntk, k_inf),
        "target_train": (("i",), _to_numpy(y), {"description": "sine target at the training points x"}),
        "prediction": (
            ("step", "x_test"),
            trace.stacked("prediction"),
            {"description": "network output on the test grid at the snapshot step"},
        ),
        "target": (("x_test",), _to_numpy(sine_target(x_test)), {"description": "sine target on the test grid"}),
        "loss": (("train_step",), trace.loss, {"description": "training MSE at every step 0..epochs"}),
        "loss_at_snapshot": (
            ("step",),
            trace.loss[trace.snapshot_steps],
            {"description": "training MSE at the snapshot step"},
        ),
    }
    coords = {
        **_kernel_coords(trace, x.shape[0]),
        "x": (("i",), _to_numpy(x[:, 0]), {"description": "training input x_i (sorted)"}),
        "x_test": _to_numpy(x_test[:, 0]),
        "train_step": np.arange(trace.loss.shape[0]),
    }
    attrs = {
        **_common_attrs(config, "fnn", spec),
        "problem": "sine target sin(3 pi x) + 0.8 sin(11 pi x) on [-1, 1]",
        "loss_function": "MSE (1/n) sum (N(x_i) - y_i)^2",
        "learning_rate": float(cfg["learning_rate"]),
        "epochs": int(cfg["epochs"]),
        "n_train": int(cfg["n_train"]),
        "condition_number_infinite": spectrum_inf.condition_number,
        "condition_number_infinite_resolved": int(spectrum_inf.resolved),
        **_loss_attrs(trace),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


# --------------------------------------------------------------------------------------
# Poisson PINN
# --------------------------------------------------------------------------------------


def pinn_training_dataset(
    config: Mapping[str, Any],
    activation: str,
    width: int,
    depth: int,
    progress: Progress | None = None,
    gradient_noise: GradientNoise | None = None,
) -> xr.Dataset:
    """Train the Poisson PINN of (activation, width, depth); K_uu and K_rr at the
    snapshot steps, the relative L2 error on the test grid, the loss and its parts
    (``gradient_noise`` as in :func:`fnn_training_dataset`)."""
    cfg = config["training"]["pinn"]
    steps, snapshot_steps = pinn_schedule(cfg, activation)
    dtype = jnp.result_type(float)
    spec = network_spec(config, activation, width, depth, n0=2)
    _, apply_fn, _ = build_network(spec)
    data = poisson_data(config, dtype)
    test_points = data.test_points
    exact = _to_numpy(poisson_exact(test_points))
    k_uu_fn = jax.jit(lambda p: value_ntk_matrix(spec, p, data.kernel_points))
    predict = jax.jit(lambda p: apply_fn(p, test_points)[:, 0])
    chunk = int(cfg.get("kernel_chunk", 50))

    def snapshot(params: Params) -> dict[str, Any]:
        prediction = _to_numpy(predict(params))
        return {
            "ntk_uu": _to_numpy(k_uu_fn(params)),
            "ntk_rr": _to_numpy(residual_ntk_matrix(spec, params, data.kernel_points, chunk)),
            "prediction": prediction.reshape(_test_shape(data)),
            "relative_l2_error": relative_l2_error(prediction, exact),
        }

    params = initial_params(config, "pinn", spec)
    k_uu_inf = _to_numpy(infinite_width_value_ntk(spec, data.kernel_points))
    k_rr_inf = _to_numpy(infinite_width_residual_ntk(spec, data.kernel_points)) if activation != "relu" else None
    trace = _train(
        config,
        cfg,
        pinn_loss_fn(spec, apply_fn, data, float(cfg["boundary_weight"])),
        params,
        steps,
        snapshot_steps,
        snapshot,
        architecture_label(config, "pinn", spec),
        progress,
        gradient_noise,
    )
    return _pinn_dataset(config, spec, steps, data, trace, exact, k_uu_inf, k_rr_inf)


def _test_shape(data: PoissonData) -> tuple[int, int]:
    """(ny, nx) of the test grid."""
    return (data.test_y.shape[0], data.test_x.shape[0])


def _pinn_dataset(
    config: Mapping[str, Any],
    spec: NetworkSpec,
    steps: int,
    data: PoissonData,
    trace: TrainingTrace,
    exact: np.ndarray,
    k_uu_inf: np.ndarray,
    k_rr_inf: np.ndarray | None,
) -> xr.Dataset:
    cfg = config["training"]["pinn"]
    taken = trace.snapshot_steps
    k_uu, k_rr = trace.stacked("ntk_uu"), trace.stacked("ntk_rr")
    rr_vanishes = not bool(np.any(k_rr))
    error = trace.stacked("relative_l2_error")
    data_vars: dict[str, Any] = {
        "ntk_uu": (("step", "i", "j"), k_uu, {"description": KERNEL_DESCRIPTIONS["ntk_uu"]}),
        "ntk_rr": (("step", "i", "j"), k_rr, {"description": KERNEL_DESCRIPTIONS["ntk_rr"]}),
        "ntk_uu_infinite": (("i", "j"), k_uu_inf, {"description": KERNEL_DESCRIPTIONS["ntk_uu_infinite"]}),
        **_kernel_statistics("uu", k_uu, k_uu_inf),
        "prediction": (
            ("step", "y_test", "x_test"),
            trace.stacked("prediction"),
            {"description": "PINN output u on the test grid at the snapshot step"},
        ),
        "exact": (
            ("y_test", "x_test"),
            exact.reshape(_test_shape(data)),
            {"description": "exact solution sin(pi x) sin(pi y)"},
        ),
        "relative_l2_error": (("step",), error, {"description": "|u_pred - u|_2 / |u|_2 on the test grid"}),
        "loss": (("train_step",), trace.loss, {"description": "total loss: residual + boundary_weight * boundary"}),
        "loss_residual": (
            ("train_step",),
            trace.loss_parts["residual"],
            {"description": "mean (Laplacian u - f)^2 over interior points"},
        ),
        "loss_boundary": (
            ("train_step",),
            trace.loss_parts["boundary"],
            {"description": "mean u^2 over boundary points"},
        ),
        "loss_at_snapshot": (("step",), trace.loss[taken], {"description": "total loss at the snapshot step"}),
        **_residual_kernel_variables(k_rr, k_rr_inf, rr_vanishes),
    }
    n = data.kernel_points.shape[0]
    coords = {
        **_kernel_coords(trace, n),
        "coordinate": ["x", "y"],
        "kernel_points": (
            ("i", "coordinate"),
            _to_numpy(data.kernel_points),
            {"description": "points of the kernel matrices"},
        ),
        "x_test": _to_numpy(data.test_x),
        "y_test": _to_numpy(data.test_y),
        "train_step": np.arange(trace.loss.shape[0]),
    }
    nx, ny = cfg["kernel_grid"]
    attrs = {
        **_common_attrs(config, "pinn", spec),
        "problem": "Poisson Laplacian u = f on [0, 1]^2, f = -2 pi^2 sin(pi x) sin(pi y), u = 0 on the boundary",
        "loss_function": "mean (Laplacian u - f)^2 (interior) + boundary_weight * mean u^2 (boundary)",
        "boundary_weight": float(cfg["boundary_weight"]),
        "learning_rate": float(cfg["learning_rate"]),
        "steps": steps,
        "n_interior": int(cfg["n_interior"]),
        "n_boundary": 4 * int(cfg["n_boundary_per_side"]),
        "collocation_identity": collocation_identity(),
        "kernel_points_rule": (
            f"cell centres of a regular {nx} x {ny} grid of [0, 1]^2 (x fastest), N = {n}; "
            "K_uu and K_rr are both taken on these interior points"
        ),
        "ntk_rr_vanishes": int(rr_vanishes),
        "ntk_rr_infinite_available": int(k_rr_inf is not None),
        "ntk_rr_infinite_note": (
            "Laplacian_x Laplacian_x' of kernel_fn by nested jvps" if k_rr_inf is not None else RR_UNAVAILABLE_NOTE
        ),
        "initial_relative_l2_error": float(error[0]),
        "final_relative_l2_error": float(error[-1]),
        **_loss_attrs(trace),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _residual_kernel_variables(k_rr: np.ndarray, k_rr_inf: np.ndarray | None, rr_vanishes: bool) -> dict[str, Any]:
    """Spectra and changes of K_rr where it does not vanish (ReLU: it does); the
    infinite-width K_rr where it is available (ReLU: it is not), and the distance to it."""
    variables: dict[str, Any] = {}
    if not rr_vanishes:
        variables.update(_spectrum_variables("rr", [spectrum(k) for k in k_rr], ("step",)))
        variables.update(_change_from_start("rr", k_rr))
    if k_rr_inf is not None:
        variables["ntk_rr_infinite"] = (("i", "j"), k_rr_inf, {"description": KERNEL_DESCRIPTIONS["ntk_rr_infinite"]})
        variables.update(_infinite_eigenvalues("rr", k_rr_inf))
        if not rr_vanishes:
            variables.update(_distance_to_infinite("rr", k_rr, k_rr_inf))
    return variables


# --------------------------------------------------------------------------------------
# Figure 8: FNN kernels at initialisation
# --------------------------------------------------------------------------------------


def init_kernels_dataset(config: Mapping[str, Any], progress: Progress | None = None) -> xr.Dataset:
    """Figure 8: FNN NTK matrices at initialisation on the training points for every
    (width, depth) of ``training.init_kernels``, with the infinite-width NTK of each depth.
    Same keys as the training jobs, so an architecture that is also trained has the same
    kernel as its step-0 snapshot."""
    progress = progress or (lambda message: None)
    cfg = config["training"]
    activation = cfg["fnn"]["activation"]
    dtype = jnp.result_type(float)
    x, _ = fnn_training_points(cfg["fnn"]["n_train"], dtype)
    widths = [int(w) for w in cfg["init_kernels"]["widths"]]
    depths = [int(d) for d in cfg["init_kernels"]["depths"]]
    ntk = np.zeros((len(depths), len(widths), x.shape[0], x.shape[0]), dtype=np.dtype(dtype))
    ntk_inf = np.zeros((len(depths), x.shape[0], x.shape[0]), dtype=np.dtype(dtype))
    for a, depth in enumerate(depths):
        for b, width in enumerate(widths):
            spec = network_spec(config, activation, width, depth, n0=1)
            ntk[a, b] = _to_numpy(value_ntk_matrix(spec, initial_params(config, "fnn", spec), x))
            progress(f"{architecture_label(config, 'fnn', spec)}: NTK at initialisation")
        ntk_inf[a] = _to_numpy(infinite_width_value_ntk(network_spec(config, activation, widths[0], depth, n0=1), x))
    beta = np.array([[d / w for w in widths] for d in depths])
    relative = np.array(
        [[relative_frobenius_distance(ntk[a, b], ntk_inf[a]) for b in range(len(widths))] for a in range(len(depths))]
    )
    network = network_settings(config)
    return xr.Dataset(
        {
            "ntk": (("depth", "width", "i", "j"), ntk, {"description": "empirical NTK at initialisation"}),
            "ntk_infinite": (("depth", "i", "j"), ntk_inf, {"description": KERNEL_DESCRIPTIONS["ntk_infinite"]}),
            "beta": (("depth", "width"), beta, {"description": "depth / width"}),
            "relative_distance_infinite": (
                ("depth", "width"),
                relative,
                {"description": "|K_0 - K_inf|_F / |K_inf|_F"},
            ),
        },
        coords={
            "depth": depths,
            "width": widths,
            "i": np.arange(x.shape[0]),
            "j": np.arange(x.shape[0]),
            "x": (("i",), _to_numpy(x[:, 0]), {"description": "training input x_i (sorted)"}),
        },
        attrs={
            "run": config["run"],
            "model": "fnn",
            "activation": activation,
            "n0": 1,
            "parameterization": network["parameterization"],
            "W_std": network["W_std"],
            "W_std_readout": network["W_std_readout"],
            "b_std": network["b_std"],
            "precision": config["precision"],
            "root_seed": config["root_seed"],
            "seeding_rule": "init_fn(job_key(root_seed, 'training', model='fnn', activation, width, depth)), as the training jobs",
        },
    )


# --------------------------------------------------------------------------------------
# Job entry points (workflow/scripts/*.py): build the dataset, then write it atomically
# --------------------------------------------------------------------------------------


def _write(dataset: xr.Dataset, path: str | os.PathLike) -> xr.Dataset:
    write_netcdf_atomic(dataset, path, attrs=provenance_attributes())
    return dataset


def write_fnn_training(
    config: Mapping[str, Any], width: int, depth: int, path: str | os.PathLike, progress: Progress | None = None
) -> xr.Dataset:
    """Train and write ``fnn_w<width>_d<depth>.nc``. Training runs to the end before the
    file is written (via a temporary file and a rename), so a failed or killed job leaves
    no file and a non-finite loss raises :class:`NonFiniteLossError` with none written."""
    return _write(fnn_training_dataset(config, width, depth, progress), path)


def write_pinn_training(
    config: Mapping[str, Any],
    activation: str,
    width: int,
    depth: int,
    path: str | os.PathLike,
    progress: Progress | None = None,
) -> xr.Dataset:
    """Train and write ``pinn_<activation>_w<width>_d<depth>.nc`` (as :func:`write_fnn_training`)."""
    return _write(pinn_training_dataset(config, activation, width, depth, progress), path)


def write_init_kernels(
    config: Mapping[str, Any], path: str | os.PathLike, progress: Progress | None = None
) -> xr.Dataset:
    """Compute and write the Figure 8 kernels at initialisation."""
    return _write(init_kernels_dataset(config, progress), path)
