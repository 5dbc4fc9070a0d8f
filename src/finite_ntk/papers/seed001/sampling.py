"""K(x, x) at initialisation for every cell of one seed-001 sampling job.

The network is seed 001's (the config's ``seed001.network``): ``depth`` hidden layers of
width M, standard parameterisation by default, W ~ N(0, sigma_w^2 / fan_in) in every layer
including the scalar readout (or ``readout_weight_variance``), b ~ N(0, sigma_b^2), weights
and biases trained and in the NTK. The input is x = (s, ..., s) in R^{n0} with
s^2 = ``input_length`` = |x|^2 / n0: the law of K(x, x) depends on x only through |x|.

Keys: cell (activation, sigma_b^2, width, sigma_w^2, depth) has the job key of that
identity (:func:`finite_ntk.seeding.job_key`, experiment ``seed001``) and replicate i the
key ``fold_in(job key, i)``, so a cell's draws never depend on which other cells the
config asks for.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import xarray as xr

from finite_ntk.models.spec import NetworkSpec, spec_from_settings, variance_settings
from finite_ntk.papers.seed001.settings import SamplingJob
from finite_ntk.samplers.setup import MonteCarloSetup

Progress = Callable[[str], None]
EXPERIMENT = "seed001"


def _quiet(message: str) -> None:
    pass


def network_spec(
    network: Mapping[str, Any], activation: str, width: int, depth: int, weight_variance: float, bias_variance: float
) -> NetworkSpec:
    """The NetworkSpec of one cell from the config's ``seed001.network``."""
    settings = variance_settings(
        network["parameterization"], weight_variance, bias_variance, network["readout_weight_variance"]
    )
    return spec_from_settings(settings, activation, width, depth, int(network["input_dimension"]))


def cell_setup(
    network: Mapping[str, Any], activation: str, width: int, depth: int, weight_variance: float, bias_variance: float
) -> MonteCarloSetup:
    """The kernel-only MonteCarloSetup of one cell (no SGD step)."""
    spec = network_spec(network, activation, width, depth, weight_variance, bias_variance)
    coordinate = math.sqrt(float(network["input_length"]))
    return MonteCarloSetup("fnn", spec, (coordinate,) * spec.n0, learning_rate=0.0, step_loss="none")


def cell_key(root_seed: int, activation: str, bias_variance: float, width: int, weight_variance: float, depth: int):
    """The PRNG key of one cell (its replicates fold in their index)."""
    from finite_ntk.seeding import job_key

    return job_key(
        root_seed,
        EXPERIMENT,
        activation=activation,
        bias_variance=float(bias_variance),
        width=width,
        weight_variance=float(weight_variance),
        depth=depth,
    )


def sample_job(config: Mapping[str, Any], job: SamplingJob, progress: Progress = _quiet) -> xr.Dataset:
    """K(x, x) of every (sigma_w^2, depth) of ``job``: variable ``ntk`` with dimensions
    (weight_variance, depth, replicate), drawn in the run's precision and stored in float64.
    A cell whose float32 K leaves the float32 range is drawn again in float64 (attribute
    ``float64_cells`` lists them; other draws of the same law).

    The sampler (``seed001.sampler``) plans all the job's setups at once; for the
    matrix-free one that is one optimised program per layer capacity, reused for every
    sigma_w^2 (they are run-time arguments)."""
    from finite_ntk.samplers.dispatch import get_sampler, sample
    from finite_ntk.seeding import replicate_keys

    section = config["seed001"]
    depths: Sequence[int] = section["depths"]
    replicates = job.replicates
    sampler = section["sampler"]
    setups = [
        [
            cell_setup(section["network"], job.activation, job.width, depth, weight, job.bias_variance)
            for depth in depths
        ]
        for weight in job.weight_variances
    ]
    # One plan over the job: the sigma_w^2 values share its programs (their statics agree).
    flat = [setup for row in setups for setup in row]
    plan = get_sampler(sampler).plan(flat, replicates, quick_compile=False)
    # float64 whatever the run's precision: the float32 draws convert exactly, and cells
    # drawn again in float64 keep their bits.
    ntk = np.empty((len(job.weight_variances), len(depths), replicates), dtype=np.float64)
    redrawn: list[str] = []
    for i, weight in enumerate(job.weight_variances):
        for j, depth in enumerate(depths):
            keys = replicate_keys(
                cell_key(config["root_seed"], job.activation, job.bias_variance, job.width, weight, depth), replicates
            )
            k = sample(setups[i][j], keys, sampler, plan=plan[i * len(depths) + j])["k_init"][:, 0]
            if not np.all(np.isfinite(k)) and k.dtype == np.float32:
                # Deep in the chaotic phase K grows like chi_1^L and leaves float32 (above
                # 3.4e38): the cell is drawn again in float64 (other draws, the same law).
                from jax.experimental import enable_x64

                with enable_x64():
                    k = sample(setups[i][j], keys, sampler, plan=plan[i * len(depths) + j])["k_init"][:, 0]
                redrawn.append(f"sigma_w^2={weight:g}/depth={depth}")
                progress(f"sigma_w^2 = {weight:g}, depth {depth}: K left float32, drawn again in float64")
            if not np.all(np.isfinite(k)):
                raise FloatingPointError(
                    f"seed001 {job.stem}: K(x,x) at sigma_w^2 = {weight:g}, depth {depth} is not finite even in float64"
                )
            ntk[i, j] = k
        progress(
            f"sigma_w^2 = {weight:g} ({i + 1} of {len(job.weight_variances)}): depths {depths[0]} .. {depths[-1]} done"
        )
    network = section["network"]
    return xr.Dataset(
        {"ntk": (("weight_variance", "depth", "replicate"), ntk)},
        coords={
            "weight_variance": np.asarray(job.weight_variances, dtype=np.float64),
            "depth": np.asarray(depths, dtype=np.int64),
            "replicate": np.arange(replicates, dtype=np.int64),
        },
        attrs={
            "experiment": EXPERIMENT,
            "activation": job.activation,
            "bias_variance": float(job.bias_variance),
            "width": int(job.width),
            "sampler": sampler,
            "replicates": replicates,
            "parameterization": network["parameterization"],
            "input_dimension": int(network["input_dimension"]),
            "input_length": float(network["input_length"]),
            "readout_weight_variance": "sigma_w^2"
            if network["readout_weight_variance"] is None
            else float(network["readout_weight_variance"]),
            "root_seed": int(config["root_seed"]),
            "float64_cells": ", ".join(redrawn),
        },
    )


__all__ = ["EXPERIMENT", "network_spec", "cell_setup", "cell_key", "sample_job"]
