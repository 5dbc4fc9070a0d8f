"""Seed 001's training grid: one job trains every sigma_w^2 of an (activation, width, depth)
(:func:`train_job`), and the jobs' datasets are gathered into the statistics of Figures 3, 4
and 8-11 (:func:`training_statistics`, the contract of ``seed001/training_stats.nc``).

Keys: the network of cell (activation, width, depth, sigma_w^2, sigma_b^2) is initialised
from the job key of that identity (experiment ``seed001_training``), so a cell's run never
depends on which other cells the config asks for. The training samples are drawn once per
run from ``training_data_seed(root_seed)``.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import xarray as xr

from finite_ntk.models.spec import NetworkSpec, spec_from_settings, variance_settings
from finite_ntk.papers.seed001.data import TrainingSet, training_set
from finite_ntk.papers.seed001.settings import TrainingJob
from finite_ntk.seeding import identity_hash

Progress = Callable[[str], None]
EXPERIMENT = "seed001_training"
# Status codes of the netCDF files (strings do not belong in a numeric grid).
STATUS_CODES: dict[str, int] = {"converged": 0, "cap": 1, "diverged": 2, "edge": 3}
# Points a decade of the loss curve a job's file keeps (the runs record every step).
LOSS_CURVE_PER_DECADE = 20
# The per-cell numbers of the jobs' files that the training statistics gather.
CELL_QUANTITIES: tuple[str, ...] = (
    "ntk_change_end",
    "min_loss",
    "initial_loss",
    "lambda_max_full",
    "kernel_eigenvalue_max",
    "kernel_eigenvalue_min",
    "max_learning_rate",
    "literal_steps",
    "flow_steps",
)
NOT_TRAINED = -1


def _quiet(message: str) -> None:
    pass


def training_data_seed(root_seed: int) -> int:
    """The seed of the training samples' choice, from the run's root seed.

    Not :func:`finite_ntk.seeding.numpy_generator`: the data section's ``seed`` is one integer
    (:func:`finite_ntk.papers.seed001.data.choose_indices` draws from ``default_rng(seed)``),
    and this integer hashes the root seed into the identity text, where numpy_generator seeds
    with ``[root_seed, identity_hash(identity)]``. The two give different streams, so the
    chosen images (and every training output) would change; this derivation stays."""
    return identity_hash(f"{int(root_seed)}/{EXPERIMENT}/data")


def run_training_set(config: Mapping[str, Any]) -> TrainingSet:
    """The training set of this run (``seed001.training.data``, seeded from root_seed)."""
    data = dict(config["seed001"]["training"]["data"])
    return training_set({**data, "seed": training_data_seed(config["root_seed"])})


def cell_spec(
    config: Mapping[str, Any], activation: str, width: int, depth: int, weight_variance: float, n0: int
) -> NetworkSpec:
    """The network of one training cell (seed 001's network section, the training bias)."""
    network = config["seed001"]["network"]
    settings = variance_settings(
        network["parameterization"],
        weight_variance,
        config["seed001"]["training"]["bias_variance"],
        network["readout_weight_variance"],
    )
    return spec_from_settings(settings, activation, width, depth, n0)


def flow_settings(section: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`finite_ntk.papers.seed001.gradient_flow.train_flow` for
    a ``seed001.training`` section (its protocol and its ``integrator``)."""
    integrator = section["integrator"]
    return {
        "learning_rate": float(section["learning_rate"]),
        "max_steps": int(section["max_steps"]),
        "patience": int(section["patience"]),
        "min_decrease": float(section["min_decrease"]),
        "snapshot_steps": tuple(int(s) for s in section["snapshot_steps"]),
        "literal_steps": int(integrator["literal_steps"]),
        "step_growth": float(integrator["step_growth"]),
        "max_literal_steps": int(integrator["max_literal_steps"]),
        "tolerance": float(integrator["tolerance"]),
    }


def constant_loss(targets: np.ndarray) -> float:
    """The training loss 1/(2n) sum_i |y_i - mean y|^2 of the best constant output: a network
    whose outputs ignore its inputs reaches no lower (0.45 for balanced one-hot digits)."""
    targets = np.asarray(targets, dtype=np.float64)
    return float(0.5 * np.mean(np.sum((targets - targets.mean(axis=0)) ** 2, axis=1)))


def loss_curve_steps(max_steps: int, per_decade: int = LOSS_CURVE_PER_DECADE) -> np.ndarray:
    """The paper's steps at which a job's file keeps the loss: 0 and a log grid from 1 to
    ``max_steps`` (``per_decade`` points a decade, rounded to whole steps, and max_steps)."""
    grid = np.rint(np.logspace(0, np.log10(max_steps), int(np.ceil(np.log10(max_steps) * per_decade)) + 1))
    return np.unique(np.concatenate([[0], grid, [max_steps]]).astype(np.int64))


def _loss_on(steps: np.ndarray, record_steps: np.ndarray, record_losses: np.ndarray, end: float) -> np.ndarray:
    """The recorded loss interpolated (linearly in steps) at ``steps`` up to the run's ``end``
    step, NaN after it; a non-finite loss (divergence) is kept at its step."""
    out = np.full(steps.size, np.nan)
    finite = np.isfinite(record_losses)
    inside = steps <= end + 1e-9
    if finite.any():
        out[inside] = np.interp(steps[inside], record_steps[finite], record_losses[finite])
    if not finite.all():
        first_bad = record_steps[~finite][0]
        out[steps >= first_bad] = np.nan
    return out


def train_job(config: Mapping[str, Any], job: TrainingJob, progress: Progress = _quiet) -> xr.Dataset:
    """Train every sigma_w^2 of ``job`` with the section's integrator (``flow``:
    :func:`finite_ntk.papers.seed001.gradient_flow.train_flow`; ``literal``:
    :func:`finite_ntk.papers.seed001.training.train`); the dataset has per sigma_w^2 the
    status (code), the paper-equivalent step count, the initial and minimal loss, the
    relative NTK change at each snapshot step and at the end, the loss on a log grid of
    steps (NaN after the run's end), and the initial kernel's spectrum: the largest
    eigenvalue of the full NTK, the extreme eigenvalues of Theta_0 / K and the largest
    stable learning rate 2 n / lambda_max."""
    from finite_ntk.papers.seed001.gradient_flow import full_ntk_lambda_max, train_flow
    from finite_ntk.papers.seed001.training import init_params, train
    from finite_ntk.seeding import job_key

    section = config["seed001"]["training"]
    method = str(section["integrator"]["method"])
    settings = flow_settings(section)
    data = run_training_set(config)
    n, outputs = data.targets.shape
    snapshots = np.asarray(section["snapshot_steps"], dtype=np.int64)
    curve_steps = loss_curve_steps(int(section["max_steps"]))
    count = len(job.weight_variances)
    losses = np.full((count, curve_steps.size), np.nan)
    status = np.empty(count, dtype=np.int8)
    steps = np.empty(count, dtype=np.int64)
    literal_count = np.zeros(count, dtype=np.int64)
    flow_count = np.zeros(count, dtype=np.int64)
    min_loss, initial_loss, change_end, lambda_full, kernel_max, kernel_min = (np.empty(count) for _ in range(6))
    change = np.empty((count, snapshots.size))
    reached = np.empty((count, snapshots.size), dtype=np.int8)
    for i, weight in enumerate(job.weight_variances):
        spec = cell_spec(config, job.activation, job.width, job.depth, weight, data.inputs.shape[1])
        key = job_key(
            config["root_seed"],
            EXPERIMENT,
            activation=job.activation,
            width=job.width,
            depth=job.depth,
            weight_variance=float(weight),
            bias_variance=float(section["bias_variance"]),
        )
        if method == "flow":
            result = train_flow(spec, key, data.inputs, data.targets, **settings)
            record_steps, record_losses = result.records_tau / settings["learning_rate"], result.records_loss
            lambda_full[i] = result.lambda_max_full
            eigenvalues = result.kernel_eigenvalues
            literal_count[i], flow_count[i] = result.literal_steps, result.flow_steps
        else:
            result = train(
                spec,
                key,
                data.inputs,
                data.targets,
                **{name: settings[name] for name in ("learning_rate", "max_steps", "patience", "min_decrease")},
                snapshot_steps=settings["snapshot_steps"],
            )
            record_steps = np.arange(result.losses.size, dtype=np.float64)
            record_losses = result.losses.astype(np.float64)
            import jax.numpy as jnp

            theta0 = init_params(spec, key, outputs)
            lambda_full[i] = full_ntk_lambda_max(
                spec, theta0, jnp.asarray(data.inputs, jnp.result_type(float)), outputs
            )
            eigenvalues = np.linalg.eigvalsh(np.asarray(result.ntk_initial, np.float64) / outputs)
            literal_count[i] = result.steps
        status[i], steps[i] = STATUS_CODES[result.status], result.steps
        losses[i] = _loss_on(curve_steps, record_steps, record_losses, float(result.steps))
        min_loss[i], initial_loss[i] = result.min_loss, float(record_losses[0])
        change[i], reached[i], change_end[i] = result.ntk_change, result.snapshot_reached, result.ntk_change_end
        kernel_max[i], kernel_min[i] = float(eigenvalues[-1]), float(eigenvalues[0])
        progress(
            f"sigma_w^2 = {weight:g} ({i + 1} of {count}): {result.status} after {result.steps} steps "
            f"({literal_count[i]} literal, {flow_count[i]} flow), loss {initial_loss[i]:.4g} -> min {result.min_loss:.4g}, "
            f"NTK change {result.ntk_change_end:.3g}, lr x lambda_max / n = {settings['learning_rate'] * lambda_full[i] / n:.3g}"
        )
    dims = ("weight_variance",)
    return xr.Dataset(
        {
            "status": (dims, status),
            "steps": (dims, steps),
            "initial_loss": (dims, initial_loss),
            "min_loss": (dims, min_loss),
            "ntk_change_end": (dims, change_end),
            "ntk_change": (dims + ("snapshot",), change),
            "snapshot_reached": (dims + ("snapshot",), reached),
            "loss": (dims + ("loss_step",), losses),
            "lambda_max_full": (
                dims,
                lambda_full,
                {"long_name": "largest eigenvalue of the full (nK x nK) NTK at initialisation (power iteration)"},
            ),
            "kernel_eigenvalue_max": (dims, kernel_max, {"long_name": "largest eigenvalue of Theta_0 / K"}),
            "kernel_eigenvalue_min": (
                dims,
                kernel_min,
                {
                    "long_name": "smallest eigenvalue of Theta_0 / K (float32 kernel: round-off below 1e-6 of the largest)"
                },
            ),
            "max_learning_rate": (
                dims,
                2.0 * n / lambda_full,
                {"long_name": "gradient descent's largest stable learning rate 2 n / lambda_max at initialisation"},
            ),
            "literal_steps": (dims, literal_count, {"long_name": "gradient-descent steps taken literally at lr"}),
            "flow_steps": (dims, flow_count, {"long_name": "exponential steps of the gradient-flow integrator"}),
        },
        coords={
            "weight_variance": np.asarray(job.weight_variances, dtype=np.float64),
            "snapshot": snapshots,
            "loss_step": curve_steps,
        },
        attrs={
            "experiment": EXPERIMENT,
            "activation": job.activation,
            "width": job.width,
            "depth": job.depth,
            "bias_variance": float(section["bias_variance"]),
            "learning_rate": float(section["learning_rate"]),
            "max_steps": int(section["max_steps"]),
            "training_time": float(section["learning_rate"]) * int(section["max_steps"]),
            "patience": int(section["patience"]),
            "min_decrease": float(section["min_decrease"]),
            "integrator": method,
            "integrator_settings": ", ".join(f"{k} {v}" for k, v in section["integrator"].items() if k != "method"),
            "status_codes": ", ".join(f"{code}: {name}" for name, code in STATUS_CODES.items()),
            "dataset_name": data.name,
            "dataset_description": data.description,
            "input_scale": data.input_scale,
            "samples": int(data.inputs.shape[0]),
            "input_dimension": int(data.inputs.shape[1]),
            "data_indices": ",".join(str(int(i)) for i in data.indices),
            "root_seed": int(config["root_seed"]),
        },
    )


def training_statistics(
    jobs: Sequence[xr.Dataset], main_width: int, bias_variance: float, targets: np.ndarray
) -> xr.Dataset:
    """The jobs' results on one grid (activation, width, weight_variance, depth[, snapshot]),
    NaN and status -1 where a cell was not trained, with mean-field theory's border at
    ``bias_variance`` and the :func:`constant_loss` of the training ``targets`` (attribute):
    the contract of ``seed001/training_stats.nc``."""
    import finite_ntk.mean_field as mean_field

    if not jobs:
        raise ValueError("jobs: no training job's dataset given")
    order = list(dict.fromkeys(str(ds.attrs["activation"]) for ds in jobs))
    coords = {
        "activation": np.asarray(order, dtype=str),
        "width": np.asarray(sorted({int(ds.attrs["width"]) for ds in jobs}), dtype=np.int64),
        "weight_variance": np.unique(np.concatenate([ds["weight_variance"].values for ds in jobs])).astype(np.float64),
        "depth": np.asarray(sorted({int(ds.attrs["depth"]) for ds in jobs}), dtype=np.int64),
        "snapshot": np.asarray(jobs[0]["snapshot"].values, dtype=np.int64),
    }
    shape = tuple(len(coords[d]) for d in ("activation", "width", "weight_variance", "depth"))
    out = {name: np.full(shape, np.nan) for name in CELL_QUANTITIES}
    status = np.full(shape, NOT_TRAINED, dtype=np.int8)
    steps = np.full(shape, NOT_TRAINED, dtype=np.int64)
    change = np.full(shape + (len(coords["snapshot"]),), np.nan)
    index = {name: {v: i for i, v in enumerate(values.tolist())} for name, values in coords.items()}
    for ds in jobs:
        if not np.array_equal(ds["snapshot"].values, coords["snapshot"]):
            raise ValueError("jobs: every job must record the same snapshot steps")
        a, w, d = (
            index["activation"][str(ds.attrs["activation"])],
            index["width"][int(ds.attrs["width"])],
            index["depth"][int(ds.attrs["depth"])],
        )
        for i, weight in enumerate(ds["weight_variance"].values.tolist()):
            at = (a, w, index["weight_variance"][weight], d)
            for name in out:
                out[name][at] = float(ds[name].values[i])
            status[at], steps[at] = int(ds["status"].values[i]), int(ds["steps"].values[i])
            change[at] = ds["ntk_change"].values[i]
    dims = ("activation", "width", "weight_variance", "depth")
    variables = {name: (dims, values, dict(jobs[0][name].attrs)) for name, values in out.items()}
    variables.update(status=(dims, status), steps=(dims, steps), ntk_change=(dims + ("snapshot",), change))
    variables["border_weight_variance"] = (
        ("activation",),
        np.array([float(mean_field.order_chaos_border(a, bias_variance)) for a in order]),
    )
    first = jobs[0].attrs
    attrs = {
        name: first[name]
        for name in (
            "learning_rate",
            "max_steps",
            "training_time",
            "integrator",
            "integrator_settings",
            "patience",
            "min_decrease",
            "status_codes",
            "dataset_name",
            "dataset_description",
            "input_scale",
            "samples",
            "input_dimension",
            "root_seed",
        )
    }
    attrs.update(bias_variance=float(bias_variance), main_width=int(main_width), constant_loss=constant_loss(targets))
    return xr.Dataset(variables, coords=coords, attrs=attrs)


__all__ = [
    "EXPERIMENT",
    "STATUS_CODES",
    "NOT_TRAINED",
    "training_data_seed",
    "run_training_set",
    "cell_spec",
    "constant_loss",
    "train_job",
    "training_statistics",
]
