"""Seed 001's grid as sampling jobs, and the config fields each job depends on. Plain data
(no JAX): Snakemake imports it when it parses the workflow.

A *cell* is one (activation, sigma_b^2, width, sigma_w^2, depth); a *sampling job* is one
(activation, sigma_b^2, width) with every sigma_w^2 and depth it needs: one compiled
program of the matrix-free sampler serves it all (sigma_w, sigma_b and depth are run-time
arguments). The cells are the union of what the figures read:

- the maps (Figures 1a, 1b): every activation x width x ``weight_variances`` at
  ``maps.bias_variance``;
- the bias maps (Figure 7): every activation x ``weight_variances`` at ``bias_maps.width``
  and each of ``bias_maps.bias_variances``;
- the depth curves (Figure 2): ``depth_curves.activation`` at every width and each
  (sigma_w^2, sigma_b^2) of ``depth_curves.points``;

each at every depth of ``depths``.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

from finite_ntk.models.spec import ACTIVATIONS
from finite_ntk.training.snapshots import check_snapshot_steps

# The config fields the outputs of each kind of job depend on (besides their inputs and
# what their paths name). A sampling job's sigma_w^2 values are its own params.
SAMPLING_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "seed001.network",
    "seed001.depths",
    "seed001.replicates",
    "seed001.sampler",
)
REDUCTION_FIELDS: tuple[str, ...] = (
    "root_seed",
    "seed001.network",
    "seed001.bootstrap",
    "seed001.saturation_fraction",
)
KAPPA_FIELDS: tuple[str, ...] = ("seed001.network.input_length", "seed001.kappa")
# A training job's outputs: its network and data, the protocol (its sigma_w^2 values are its
# own params; which widths and depths exist is what jobs there are).
TRAINING_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "seed001.network.parameterization",
    "seed001.network.readout_weight_variance",
    "seed001.training.data",
    "seed001.training.bias_variance",
    "seed001.training.learning_rate",
    "seed001.training.max_steps",
    "seed001.training.snapshot_steps",
    "seed001.training.patience",
    "seed001.training.min_decrease",
)
TRAINING_REDUCTION_FIELDS: tuple[str, ...] = (
    "root_seed", "seed001.training.data", "seed001.training.main_width", "seed001.training.bias_variance",
)
KAPPA_PHASES: tuple[str, ...] = ("ordered", "border", "chaotic")


class SamplingJob(NamedTuple):
    """One sampling job: every cell of (activation, sigma_b^2, width)."""

    activation: str
    bias_variance: float
    width: int
    weight_variances: tuple[float, ...]  # sorted

    @property
    def stem(self) -> str:
        """The job's file name without extension, under ``seed001/samples/``."""
        return job_stem(self.activation, self.bias_variance, self.width)


def job_stem(activation: str, bias_variance: float, width: int) -> str:
    """``tanh/sb1_w50``: the path of a job's samples (sigma_b^2 printed with %g)."""
    return f"{activation}/sb{bias_variance:g}_w{width}"


def sampling_jobs(config: Mapping[str, Any]) -> list[SamplingJob]:
    """Every sampling job of the config, in a fixed order (activation, sigma_b^2, width)."""
    section = config["seed001"]
    weights = [float(w) for w in section["weight_variances"]]
    cells: dict[tuple[str, float, int], set[float]] = {}

    def add(activation: str, bias: float, width: int, weight_variances: list[float]) -> None:
        cells.setdefault((activation, float(bias), int(width)), set()).update(weight_variances)

    for activation in section["activations"]:
        for width in section["widths"]:
            add(activation, section["maps"]["bias_variance"], width, weights)
        for bias in section["bias_maps"]["bias_variances"]:
            add(activation, bias, section["bias_maps"]["width"], weights)
    curves = section["depth_curves"]
    for weight, bias in curves["points"]:
        for width in section["widths"]:
            add(curves["activation"], bias, width, [float(weight)])
    order = {name: i for i, name in enumerate(ACTIVATIONS)}
    return [
        SamplingJob(activation, bias, width, tuple(sorted(cells[(activation, bias, width)])))
        for activation, bias, width in sorted(cells, key=lambda key: (order[key[0]], key[1], key[2]))
    ]


class TrainingJob(NamedTuple):
    """One training job: every sigma_w^2 of (activation, width, depth), one compiled program."""

    activation: str
    width: int
    depth: int
    weight_variances: tuple[float, ...]

    @property
    def stem(self) -> str:
        """The job's file name without extension, under ``seed001/training/``."""
        return f"{self.activation}/w{self.width}_d{self.depth}"


def training_jobs(config: Mapping[str, Any]) -> list[TrainingJob]:
    """Every training job: activations x widths x depths of ``seed001.training``, each with
    every sigma_w^2, in config order."""
    section = config["seed001"]["training"]
    weights = tuple(float(w) for w in section["weight_variances"])
    return [
        TrainingJob(activation, int(width), int(depth), weights)
        for activation in section["activations"]
        for width in section["widths"]
        for depth in section["depths"]
    ]


def check_seed001_config(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the field when the ``seed001`` section is inconsistent in a
    way the schema cannot see."""
    section = config["seed001"]
    for field in ("depths", "widths", "weight_variances"):
        values = list(section[field])
        if values != sorted(set(values)):
            raise ValueError(f"config field 'seed001.{field}': must be strictly increasing, got {values}")
    if not section["bias_maps"]["bias_variances"] == sorted(set(section["bias_maps"]["bias_variances"])):
        raise ValueError("config field 'seed001.bias_maps.bias_variances': must be strictly increasing")
    training = section["training"]
    for field in ("widths", "depths", "weight_variances", "snapshot_steps"):
        values = list(training[field])
        if values != sorted(set(values)):
            raise ValueError(f"config field 'seed001.training.{field}': must be strictly increasing, got {values}")
    if training["main_width"] not in training["widths"]:
        raise ValueError(
            f"config field 'seed001.training.main_width': must be one of widths {training['widths']}, got {training['main_width']}"
        )
    where = "config field 'seed001.training.snapshot_steps'"
    check_snapshot_steps(training["snapshot_steps"], training["max_steps"], where)
    if training["data"]["dataset"] == "mnist" and not training["data"]["mnist_path"]:
        raise ValueError("config field 'seed001.training.data.mnist_path': dataset mnist needs the directory of its IDX files")


__all__ = [
    "SAMPLING_FIELDS", "REDUCTION_FIELDS", "KAPPA_FIELDS", "KAPPA_PHASES", "TRAINING_FIELDS", "TRAINING_REDUCTION_FIELDS",
    "SamplingJob", "job_stem", "sampling_jobs", "TrainingJob", "training_jobs", "check_seed001_config",
]
