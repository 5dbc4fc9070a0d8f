"""What a config asks the workflow to run: the sampling jobs and their depths, their order
(Snakemake priorities) and memory. Read when Snakemake parses the workflow (again in
every cluster job), so it imports no JAX, neural-tangents, optax or matplotlib."""

from __future__ import annotations

from typing import Any, Mapping

from finite_ntk.config import config_subset, grid_configurations
from finite_ntk.samplers.cost import REPLICATE_WORK, sampling_memory_mb
from finite_ntk.samplers.setup import setup_from_config

__all__ = [
    "sampling_batches",
    "sampling_memory_mb",
    "sampling_priorities",
    "sampling_settings",
]


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
    (without it the last job of the precise run ran alone for minutes). Work: the
    sampler's per-replicate work model (``samplers.cost.REPLICATE_WORK``) summed over
    the job's depths."""
    cost = REPLICATE_WORK[config["monte_carlo"]["sampler"]]
    work = {
        job: sum(cost(setup_from_config(config, *job, depth)) for depth in depths)
        for job, depths in sampling_batches(config).items()
    }
    ranked = sorted(work, key=lambda job: (work[job], job))
    return {job: rank + 1 for rank, job in enumerate(ranked)}


# The config fields the outputs of each kind of job depend on (besides their inputs, and
# besides what their output paths already name: run, model, activation, width, depth).
SAMPLING_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "network",
    "monte_carlo.replicates",
    "monte_carlo.sampler",
    "monte_carlo.learning_rate",
)
REDUCTION_FIELDS: tuple[str, ...] = (
    "activations",
    "monte_carlo.bootstrap",
    "monte_carlo.fit_max_beta",
    "monte_carlo.saturation_fraction",
)
TABLE_FIELDS: tuple[str, ...] = ("monte_carlo.grid",)


def sampling_settings(config: Mapping[str, Any], model: str) -> dict[str, Any]:
    """Params of a sampling job of ``model``: SAMPLING_FIELDS and the model's entry
    (input point, step loss). The job's depths are its outputs."""
    return {**config_subset(config, SAMPLING_FIELDS), "model": dict(config["monte_carlo"]["models"][model])}
