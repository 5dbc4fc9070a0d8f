"""Snapshot schedules, the checks of the ``training`` config that its schema cannot
express, and the names of training job files. Read when Snakemake parses the workflow, so it imports no JAX, neural-tangents,
optax or matplotlib."""

from __future__ import annotations

import re
from typing import Any, Mapping

from finite_ntk.training.snapshots import check_snapshot_steps

__all__ = ["check_snapshot_steps", "check_training_config", "parse_training_stem", "pinn_schedule"]


def pinn_schedule(pinn: Mapping[str, Any], activation: str) -> tuple[int, list[int]]:
    """(steps, snapshot steps) of the PINN of ``activation``: ``steps`` and
    ``snapshot_steps`` of ``training.pinn``, unless ``steps_by_activation`` gives this
    activation fewer steps; its snapshots are then those below its last step, plus the last."""
    steps = int(pinn.get("steps_by_activation", {}).get(activation, pinn["steps"]))
    snapshots = sorted({int(s) for s in pinn["snapshot_steps"] if int(s) < steps} | {steps})
    return steps, snapshots


def check_training_config(config: Mapping[str, Any]) -> None:
    """Consistency checks the schema cannot express; raises ValueError naming the field."""
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
        "training.fnn.figures", {name: list(a) for name, a in fnn["figures"].items()},
        "training.fnn.architectures", [list(a) for a in fnn["architectures"]],
    )
    figure = pinn["figure"]
    if figure["activation"] not in pinn["activations"]:
        raise ValueError(
            f"config field 'training.pinn.figure.activation': {figure['activation']!r} is not one of "
            f"training.pinn.activations {list(pinn['activations'])}"
        )
    _check_listed(
        "training.pinn.figure", {"architecture": list(figure["architecture"])},
        "training.pinn.architectures", [list(a) for a in pinn["architectures"]],
    )


def _check_listed(field: str, chosen: Mapping[str, list], listed_field: str, listed: list[list]) -> None:
    """Every architecture ``chosen[name]`` (config field ``<field>.<name>``) is one of ``listed``."""
    for name, architecture in chosen.items():
        if architecture not in listed:
            raise ValueError(
                f"config field '{field}.{name}': {architecture} is not one of {listed_field} {listed}"
            )


_TRAINING_STEM = re.compile(r"(?P<model>fnn)_w(?P<width>\d+)_d(?P<depth>\d+)|(?P<pinn>pinn)_(?P<activation>[a-z]+)_w(?P<pwidth>\d+)_d(?P<pdepth>\d+)")


def parse_training_stem(stem: str) -> tuple[str, str | None, int, int]:
    """``fnn_w32_d4`` -> ('fnn', None, 32, 4); ``pinn_relu_w512_d2`` -> ('pinn', 'relu', 512, 2)."""
    match = _TRAINING_STEM.fullmatch(stem)
    if match is None:
        raise ValueError(f"training file stem {stem!r}: expected fnn_w<width>_d<depth> or pinn_<activation>_w<width>_d<depth>")
    if match["model"]:
        return "fnn", None, int(match["width"]), int(match["depth"])
    return "pinn", match["activation"], int(match["pwidth"]), int(match["pdepth"])
