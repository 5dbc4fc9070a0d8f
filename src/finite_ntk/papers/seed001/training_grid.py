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
STATUS_CODES: dict[str, int] = {"converged": 0, "cap": 1, "diverged": 2}
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


def constant_loss(targets: np.ndarray) -> float:
    """The training loss 1/(2n) sum_i |y_i - mean y|^2 of the best constant output: a network
    whose outputs ignore its inputs reaches no lower (0.45 for balanced one-hot digits)."""
    targets = np.asarray(targets, dtype=np.float64)
    return float(0.5 * np.mean(np.sum((targets - targets.mean(axis=0)) ** 2, axis=1)))


def train_job(config: Mapping[str, Any], job: TrainingJob, progress: Progress = _quiet) -> xr.Dataset:
    """Train every sigma_w^2 of ``job``; the dataset has per sigma_w^2 the status (code), the
    step count, the initial and minimal loss, the relative NTK change at each snapshot step
    and at the end, and the loss at every step (NaN after the run's end)."""
    from finite_ntk.papers.seed001.training import train
    from finite_ntk.seeding import job_key

    section = config["seed001"]["training"]
    data = run_training_set(config)
    snapshots = np.asarray(section["snapshot_steps"], dtype=np.int64)
    count = len(job.weight_variances)
    losses = np.full((count, int(section["max_steps"]) + 1), np.nan, dtype=np.float32)
    status = np.empty(count, dtype=np.int8)
    steps = np.empty(count, dtype=np.int64)
    min_loss, initial_loss, change_end = (np.empty(count) for _ in range(3))
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
        result = train(
            spec,
            key,
            data.inputs,
            data.targets,
            learning_rate=float(section["learning_rate"]),
            max_steps=int(section["max_steps"]),
            patience=int(section["patience"]),
            min_decrease=float(section["min_decrease"]),
            snapshot_steps=tuple(int(s) for s in snapshots),
        )
        status[i], steps[i] = STATUS_CODES[result.status], result.steps
        losses[i, : result.losses.size] = result.losses
        min_loss[i], initial_loss[i] = result.min_loss, float(result.losses[0])
        change[i], reached[i], change_end[i] = result.ntk_change, result.snapshot_reached, result.ntk_change_end
        progress(
            f"sigma_w^2 = {weight:g} ({i + 1} of {count}): {result.status} after {result.steps} steps, "
            f"loss {float(result.losses[0]):.4g} -> min {result.min_loss:.4g}, NTK change {result.ntk_change_end:.3g}"
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
            "loss": (dims + ("step",), losses),
        },
        coords={
            "weight_variance": np.asarray(job.weight_variances, dtype=np.float64),
            "snapshot": snapshots,
            "step": np.arange(losses.shape[1], dtype=np.int64),
        },
        attrs={
            "experiment": EXPERIMENT,
            "activation": job.activation,
            "width": job.width,
            "depth": job.depth,
            "bias_variance": float(section["bias_variance"]),
            "learning_rate": float(section["learning_rate"]),
            "max_steps": int(section["max_steps"]),
            "patience": int(section["patience"]),
            "min_decrease": float(section["min_decrease"]),
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
    out = {name: np.full(shape, np.nan) for name in ("ntk_change_end", "min_loss", "initial_loss")}
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
    variables = {name: (dims, values) for name, values in out.items()}
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
