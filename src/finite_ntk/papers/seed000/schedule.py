"""Snapshot schedules, the checks of the ``training`` config that its schema cannot
express, the sizes of seed 000's run (:func:`seed000_costs`, bounded by
:mod:`finite_ntk.budget`), and the names of training job files. Read when Snakemake parses
the workflow, so it imports no JAX, neural-tangents, optax or matplotlib."""

from __future__ import annotations

import re
from typing import Any, Mapping

from finite_ntk.budget import (
    BOOTSTRAP_SECONDS_PER_DRAW,
    SECONDS_PER_MULTIPLY_ADD,
    TRAINING_SECONDS_PER_SAMPLE_PARAMETER,
    JobCost,
    Shrink,
    check_costs,
    parameter_count,
    sampler_cost,
    smallest_architecture,
    smallest_item,
    to,
)
from finite_ntk.papers.seed000.plan import sampling_batches
from finite_ntk.samplers.setup import OPERATORS, SAMPLE_VARIABLES, setup_from_config
from finite_ntk.training.snapshots import check_snapshot_steps

__all__ = [
    "SIZE_FIELDS",
    "check_snapshot_steps",
    "check_training_config",
    "parse_training_stem",
    "pinn_schedule",
    "seed000_costs",
]


def pinn_schedule(pinn: Mapping[str, Any], activation: str) -> tuple[int, list[int]]:
    """(steps, snapshot steps) of the PINN of ``activation``: ``steps`` and
    ``snapshot_steps`` of ``training.pinn``, unless ``steps_by_activation`` gives this
    activation fewer steps; its snapshots are then those below its last step, plus the last."""
    steps = int(pinn.get("steps_by_activation", {}).get(activation, pinn["steps"]))
    snapshots = sorted({int(s) for s in pinn["snapshot_steps"] if int(s) < steps} | {steps})
    return steps, snapshots


def check_training_config(config: Mapping[str, Any]) -> None:
    """Consistency checks the schema cannot express, and the bounds of
    :mod:`finite_ntk.budget` on seed 000's sizes (Monte Carlo and training); raises
    ValueError naming the field."""
    _check_consistency(config)
    check_costs(config, seed000_costs, SIZE_FIELDS)


def _check_consistency(config: Mapping[str, Any]) -> None:
    training = config["training"]
    fnn, pinn = training["fnn"], training["pinn"]
    for name, steps in (("fnn", int(fnn["epochs"])), ("pinn", int(pinn["steps"]))):
        where = f"config field 'training.{name}.snapshot_steps'"
        check_snapshot_steps(training[name]["snapshot_steps"], steps, where, required=(0, steps))
    for activation, steps in pinn.get("steps_by_activation", {}).items():
        if activation not in pinn["activations"] or int(steps) > int(pinn["steps"]):
            raise ValueError(
                f"config field 'training.pinn.steps_by_activation.{activation}': must name one of "
                f"training.pinn.activations {list(pinn['activations'])} and be at most training.pinn.steps ({pinn['steps']})"
            )
    _check_listed(
        "training.fnn.figures",
        {name: list(a) for name, a in fnn["figures"].items()},
        "training.fnn.architectures",
        [list(a) for a in fnn["architectures"]],
    )
    figure = pinn["figure"]
    if figure["activation"] not in pinn["activations"]:
        raise ValueError(
            f"config field 'training.pinn.figure.activation': {figure['activation']!r} is not one of "
            f"training.pinn.activations {list(pinn['activations'])}"
        )
    _check_listed(
        "training.pinn.figure",
        {"architecture": list(figure["architecture"])},
        "training.pinn.architectures",
        [list(a) for a in pinn["architectures"]],
    )


def _check_listed(field: str, chosen: Mapping[str, list], listed_field: str, listed: list[list]) -> None:
    """Every architecture ``chosen[name]`` (config field ``<field>.<name>``) is one of ``listed``."""
    for name, architecture in chosen.items():
        if architecture not in listed:
            raise ValueError(f"config field '{field}.{name}': {architecture} is not one of {listed_field} {listed}")


# Seed 000's size fields and their smallest values (for the error to name the right one).
SIZE_FIELDS: dict[str, Shrink] = {
    "monte_carlo.replicates": to(2),
    "monte_carlo.bootstrap.resamples": to(100),
    "monte_carlo.grid.table2": smallest_architecture,
    "monte_carlo.grid.table3": smallest_architecture,
    "activations": lambda values: values[:1],
    "training.fnn.epochs": to(1),
    "training.fnn.n_train": to(2),
    "training.fnn.architectures": smallest_architecture,
    "training.init_kernels.widths": smallest_item,
    "training.init_kernels.depths": smallest_item,
    "training.pinn.steps": to(1),
    "training.pinn.architectures": smallest_architecture,
    "training.pinn.n_interior": to(1),
    "training.pinn.n_boundary_per_side": to(1),
    "training.pinn.kernel_grid": to([1, 1]),
    "training.pinn.test_grid": to(2),
}


def seed000_costs(config: Mapping[str, Any]) -> list[JobCost]:
    """Memory and core-seconds of every seed-000 job, low estimates (:mod:`finite_ntk.budget`):
    sampling (the sampler's work model, :data:`finite_ntk.samplers.cost.REPLICATE_WORK`, and
    its memory model plus the samples kept), the reductions' bootstraps (256 resamples of
    every replicate at once), the training jobs (gradient steps, and NTK snapshots by
    Jacobian contraction, the Jacobian held whole)."""
    mc = config["monte_carlo"]
    replicates, sampler = int(mc["replicates"]), mc["sampler"]
    itemsize = 8 if config["precision"] == "float64" else 4
    costs, configurations = [], {}
    for (model, activation, width), depths in sampling_batches(config).items():
        setups = [setup_from_config(config, model, activation, width, depth) for depth in depths]
        memory, seconds = sampler_cost(setups, replicates, sampler, itemsize)
        kept = 8 * replicates * len(depths) * len(SAMPLE_VARIABLES) * len(OPERATORS[model])
        costs.append(JobCost(f"sample_{model}_{activation}_w{width}", memory + kept, seconds))
        configurations[model] = configurations.get(model, 0) + len(depths) * len(OPERATORS[model])
    resamples = int(mc["bootstrap"]["resamples"])
    for model, cells in configurations.items():
        memory = 8 * replicates * cells * len(SAMPLE_VARIABLES) + 48 * min(resamples, 256) * replicates
        seconds = BOOTSTRAP_SECONDS_PER_DRAW * resamples * replicates * cells
        costs.append(JobCost(f"reduce_monte_carlo ({model})", memory, seconds))
    training = config["training"]
    fnn, pinn, init = training["fnn"], training["pinn"], training["init_kernels"]
    n = int(fnn["n_train"])
    for width, depth in fnn["architectures"]:
        size = parameter_count(width, depth, 1)
        seconds = TRAINING_SECONDS_PER_SAMPLE_PARAMETER * int(fnn["epochs"]) * n * size
        seconds += SECONDS_PER_MULTIPLY_ADD * len(fnn["snapshot_steps"]) * n * n * size / 2
        costs.append(JobCost(f"train_fnn w{width}_d{depth}", itemsize * (n + 8) * size, seconds))
    kernel_points = int(pinn["kernel_grid"][0]) * int(pinn["kernel_grid"][1])
    points = int(pinn["n_interior"]) + 4 * int(pinn["n_boundary_per_side"])
    for activation in pinn["activations"]:
        steps, snapshots = pinn_schedule(pinn, activation)
        for width, depth in pinn["architectures"]:
            size = parameter_count(width, depth, 2)
            seconds = TRAINING_SECONDS_PER_SAMPLE_PARAMETER * steps * points * size
            seconds += SECONDS_PER_MULTIPLY_ADD * len(snapshots) * kernel_points * kernel_points * size
            # The kernels' Jacobians, the optimiser's copies of the parameters, and every
            # collocation point's value, gradient and Laplacian through every layer.
            evaluated = points + int(pinn["test_grid"]) ** 2
            memory = itemsize * ((2 * kernel_points + 8) * size + 4 * evaluated * width * depth)
            costs.append(JobCost(f"train_pinn {activation} w{width}_d{depth}", memory, seconds))
    sizes = [parameter_count(w, d, 1) for w in init["widths"] for d in init["depths"]]
    seconds = SECONDS_PER_MULTIPLY_ADD * n * n * sum(sizes) / 2
    costs.append(JobCost("init_kernels", itemsize * (n + 8) * max(sizes), seconds))
    return costs


_TRAINING_STEM = re.compile(
    r"(?P<model>fnn)_w(?P<width>\d+)_d(?P<depth>\d+)|(?P<pinn>pinn)_(?P<activation>[a-z]+)_w(?P<pwidth>\d+)_d(?P<pdepth>\d+)"
)


def parse_training_stem(stem: str) -> tuple[str, str | None, int, int]:
    """``fnn_w32_d4`` -> ('fnn', None, 32, 4); ``pinn_relu_w512_d2`` -> ('pinn', 'relu', 512, 2)."""
    match = _TRAINING_STEM.fullmatch(stem)
    if match is None:
        raise ValueError(
            f"training file stem {stem!r}: expected fnn_w<width>_d<depth> or pinn_<activation>_w<width>_d<depth>"
        )
    if match["model"]:
        return "fnn", None, int(match["width"]), int(match["depth"])
    return "pinn", match["activation"], int(match["pwidth"]), int(match["pdepth"])
