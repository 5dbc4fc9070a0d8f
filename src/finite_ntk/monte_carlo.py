"""Monte-Carlo jobs: from a config entry to the raw-samples dataset of one configuration.

A sampling job covers one (model, activation, width) and every depth of that width in the
grid, so that the interpreter start-up and imports are paid once per job rather than per
configuration; each configuration still gets its own netCDF and its own keys.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import xarray as xr

from . import seeding
from .config import grid_configurations
from .matrix_free import Program, program_plan, replicate_work
from .networks import NetworkSpec
from .sampling import INPUT_DIMENSION, MonteCarloSetup, parameter_count, sample

SAMPLE_DESCRIPTIONS = {
    "k_init": "on-diagonal empirical NTK K(x,x) at initialisation",
    "k_step": "K(x,x) after one SGD step (batch of one) on the step loss",
    "delta_k": "K after minus K before, computed as <g'-g, g'+g> (no cancellation)",
}


def setup_from_config(config: Mapping[str, Any], model: str, activation: str, width: int, depth: int) -> MonteCarloSetup:
    """The MonteCarloSetup of one grid configuration."""
    network = config["network"]
    model_config = config["monte_carlo"]["models"][model]
    spec = NetworkSpec(
        width=width,
        depth=depth,
        activation=activation,
        n0=INPUT_DIMENSION[model],
        parameterization=network["parameterization"],
        W_std=network["W_std"],
        W_std_readout=network["W_std_readout"],
        b_std=network["b_std"],
    )
    return MonteCarloSetup(
        model=model,
        spec=spec,
        input_point=tuple(float(v) for v in model_config["input_point"]),
        learning_rate=float(config["monte_carlo"]["learning_rate"]),
        step_loss=model_config["step_loss"],
    )


def sampling_batches(config: Mapping[str, Any]) -> dict[tuple[str, str, int], list[int]]:
    """Depths of every (model, activation, width) sampling job, in grid order."""
    batches: dict[tuple[str, str, int], list[int]] = {}
    for model in config["monte_carlo"]["models"]:
        for activation in config["activations"]:
            for width, depth in grid_configurations(config):
                batches.setdefault((model, activation, width), []).append(depth)
    return batches


def sampling_priorities(config: Mapping[str, Any]) -> dict[tuple[str, str, int], int]:
    """Snakemake priority of every sampling job: 1 for the least work, up to the number of
    jobs for the most, so that the longest jobs start first and the last to run are short
    (in the precise run without it, the last job ran alone for 4 minutes). Work per
    replicate: ``matrix_free.replicate_work`` summed over the job's depths, or the
    parameter count for the dense sampler (whose cost grows with it)."""
    if config["monte_carlo"]["sampler"] == "matrix_free":
        cost = replicate_work
    else:
        def cost(setup: MonteCarloSetup) -> int:
            return parameter_count(setup.spec)
    work = {
        job: sum(cost(setup_from_config(config, *job, depth)) for depth in depths)
        for job, depths in sampling_batches(config).items()
    }
    ranked = sorted(work, key=lambda job: (work[job], job))
    return {job: rank + 1 for rank, job in enumerate(ranked)}


# Memory of a matrix-free sampling job: its per-layer arrays are capped per batch
# (matrix_free.BATCH_FLOAT_BUDGET, 256 MiB in float32); the largest job of the paper grid
# peaked at 0.8 GB resident (GNU time, 2026-11-24). Generous, for cluster requests.
MATRIX_FREE_JOB_MEMORY_MB = 3000


def sampling_memory_mb(sampler: str, width: int, depths: list[int]) -> int:
    """Memory (MB) to request for the sampling job of one width: the dense sampler holds a
    few copies of the largest network's parameters (float32) plus the runtime's own; the
    matrix-free one never forms a weight matrix."""
    if sampler == "matrix_free":
        return MATRIX_FREE_JOB_MEMORY_MB
    largest = width * width * max(depths)
    return int(2000 + 24 * largest / 2**20 * 4)


def matrix_free_program(config: Mapping[str, Any], model: str, activation: str, width: int, depth: int) -> Program:
    """The matrix-free program of one configuration, planned over its sampling job (every
    depth of its width in the grid; ``matrix_free.program_plan``), so that a configuration
    sampled on its own gets the same program, hence the same bits, as in its job."""
    depths = sampling_batches(config).get((model, activation, width), [])
    if depth not in depths:
        depths = [depth]
    setups = [setup_from_config(config, model, activation, width, d) for d in depths]
    return program_plan(setups, int(config["monte_carlo"]["replicates"]))[depths.index(depth)]


def samples_dataset(
    config: Mapping[str, Any],
    model: str,
    activation: str,
    width: int,
    depth: int,
    progress: Callable[[str], None] | None = None,
) -> xr.Dataset:
    """Draw the replicates of one configuration and return them as a dataset with
    variables k_init, k_step, delta_k over ``replicate`` (and ``operator`` for the PINN)."""
    setup = setup_from_config(config, model, activation, width, depth)
    replicates = int(config["monte_carlo"]["replicates"])
    keys = seeding.replicate_keys(seeding.monte_carlo_key(config["root_seed"], model, activation, width, depth), replicates)
    sampler = config["monte_carlo"]["sampler"]
    program = matrix_free_program(config, model, activation, width, depth) if sampler == "matrix_free" else None
    samples = sample(setup, keys, sampler=sampler, progress=progress, program=program)

    dims: tuple[str, ...] = ("replicate",) if model == "fnn" else ("replicate", "operator")
    coords: dict[str, Any] = {"replicate": np.arange(replicates)}
    if model != "fnn":
        coords["operator"] = list(setup.operators)
    data_vars = {}
    for name, values in samples.items():
        array = values[:, 0] if model == "fnn" else values
        data_vars[name] = xr.Variable(dims, array, attrs={"description": SAMPLE_DESCRIPTIONS[name]})
    spec = setup.spec
    attrs = {
        "model": model,
        **spec.attributes(),
        "x": list(setup.input_point),
        "target": setup.target(),
        "step_loss": setup.step_loss,
        "learning_rate": setup.learning_rate,
        "replicates": replicates,
        "root_seed": config["root_seed"],
        "seeding_rule": "fold_in(fold_in(key(root_seed, rbg), sha256(identity)[:4]), replicate)"
        + (
            "; matrix-free draws: threefry half of that key, fold_in(part) (matrix_free.KEY_STREAMS)"
            if sampler == "matrix_free"
            else ""
        ),
        "identity": seeding.identity_string("monte_carlo", model=model, activation=activation, width=width, depth=depth),
        "sampler": sampler,
        "precision": config["precision"],
        "run": config["run"],
    }
    if model == "pinn":
        attrs["rr_identically_zero"] = activation == "relu"
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
