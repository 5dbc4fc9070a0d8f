"""How far round-off carries through training: a *round-off twin* of a training job and
the envelope of its distance from the job, which the figure diff uses across machines.

Adam turns round-off into steps of the learning rate's size (a gradient component near
zero decides the sign of its step), so two machines that round differently start from
the same initialisation and then separate: after 10 to 1,000 steps for the FNNs, after
about 4,000 for the erf PINN. Those differences are real round-off, yet far above the
few ulp the figure diff allows deterministic data. The twin measures them: it reruns the
job with every gradient component multiplied by ``1 + TWIN_ULPS * eps * s`` (``s`` = +-1,
fresh at every step; :class:`~finite_ntk.training.adam.GradientNoise`), a perturbation of
the kind and size of another machine's rounding, and records, per snapshot step,

    envelope_v(t) = max_{t' <= t} max_elements |v_job(t') - v_twin(t')| / max |v_job|

for every floating variable ``v`` along ``step`` or ``train_step``: the largest relative
separation reached by step ``t`` (non-decreasing, since separated trajectories may meet
again). The figure diff accepts a trajectory that stays within
``figdiff.TWIN_FACTOR`` times this envelope (plus ordinary round-off) as "within round-off".
"""

from __future__ import annotations

import os
from typing import Any, Mapping

import numpy as np
import xarray as xr

import finite_ntk.seeding as seeding
from finite_ntk.io import provenance_attributes, write_netcdf_atomic
from finite_ntk.papers.seed000.schedule import parse_training_stem
from finite_ntk.papers.seed000.training_runs import fnn_training_dataset, pinn_training_dataset
from finite_ntk.training.adam import GradientNoise

# Noise of the twin's gradients, in units of the run precision's eps: the figure diff's
# own round-off allowance (figdiff.ROUNDOFF_ULPS). With 1 ulp the twin of the FNN w128 d4
# separated 300 steps later than another machine's run did; with 128 it separates about
# as early or earlier (paper config, two machines: figures/reference/README.md).
TWIN_ULPS = 128
TRAJECTORY_DIMS = ("step", "train_step")
# The twin's key: a job identity of its own, so it shares no stream with any job.
TWIN_EXPERIMENT = "roundoff_twin"


def twin_noise(root_seed: int, stem: str) -> GradientNoise:
    """The :class:`GradientNoise` of the twin of training job ``stem``."""
    parse_training_stem(stem)
    return GradientNoise(float(TWIN_ULPS), seeding.job_key(root_seed, TWIN_EXPERIMENT, job=stem))


def trajectory_variables(dataset: xr.Dataset) -> list[str]:
    """Floating variables whose first dimension is a training step."""
    return [
        name
        for name, variable in dataset.data_vars.items()
        if variable.dims and variable.dims[0] in TRAJECTORY_DIMS and variable.dtype.kind == "f"
    ]


def relative_separation(job: np.ndarray, twin: np.ndarray) -> np.ndarray:
    """Per step (first axis): max over the other axes of |job - twin| / max|job|, over
    the elements finite in both (0 where the job's array is all zero and equal)."""
    a, b = np.asarray(job, np.float64), np.asarray(twin, np.float64)
    finite = np.isfinite(a) & np.isfinite(b)
    diff = np.where(finite, np.abs(a - b), 0.0).reshape(a.shape[0], -1)
    scale = float(np.max(np.abs(a[finite]))) if finite.any() else 0.0
    separation = diff.max(axis=1) if diff.size else np.zeros(a.shape[0])
    return separation / scale if scale > 0 else np.where(separation > 0, np.inf, 0.0)


def roundoff_envelope(job: xr.Dataset, twin: xr.Dataset) -> xr.Dataset:
    """The envelope (module docstring) of every trajectory variable of ``job``."""
    data_vars = {}
    for name in trajectory_variables(job):
        dim = job[name].dims[0]
        separation = np.maximum.accumulate(relative_separation(job[name].values, twin[name].values))
        data_vars[name] = (
            (dim,),
            separation,
            {
                "description": f"largest relative separation of {name} between the job and its round-off twin by this step",
            },
        )
    coords = {dim: job[dim].values for dim in TRAJECTORY_DIMS if dim in job.coords}
    attrs = {
        "description": "round-off envelope of a training job: its separation from a twin whose gradients carry "
        f"{TWIN_ULPS} ulp of noise at every step (finite_ntk.papers.seed000.roundoff)",
        "twin_gradient_noise_ulps": TWIN_ULPS,
        "job": str(job.attrs.get("run", "")) + ":" + str(job.attrs.get("model", "")),
        "precision": job.attrs.get("precision", ""),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def twin_dataset(config: Mapping[str, Any], stem: str, progress: Any = None) -> xr.Dataset:
    """Train the round-off twin of training job ``stem`` (same settings, noisy gradients)."""
    model, activation, width, depth = parse_training_stem(stem)
    noise = twin_noise(config["root_seed"], stem)
    if model == "fnn":
        return fnn_training_dataset(config, width, depth, progress, gradient_noise=noise)
    return pinn_training_dataset(config, activation, width, depth, progress, gradient_noise=noise)


def write_roundoff_envelope(
    config: Mapping[str, Any], job_path: str | os.PathLike, path: str | os.PathLike, progress: Any = None
) -> xr.Dataset:
    """Train the twin of the job written at ``job_path`` and write the envelope to
    ``path`` atomically."""
    stem = os.path.splitext(os.path.basename(job_path))[0]
    twin = twin_dataset(config, stem, progress)
    with xr.open_dataset(job_path) as job:
        envelope = roundoff_envelope(job.load(), twin)
    write_netcdf_atomic(envelope, path, attrs=provenance_attributes())
    return envelope
