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

import math
from typing import Any, Mapping, NamedTuple

from finite_ntk.budget import (
    BOOTSTRAP_SECONDS_PER_DRAW,
    TRAINING_SECONDS_PER_SAMPLE_PARAMETER,
    JobCost,
    Shrink,
    check_costs,
    parameter_count,
    sampler_cost,
    smallest_item,
    to,
)
from finite_ntk.digits import MNIST_SIDE, mnist_files
from finite_ntk.models.spec import ACTIVATIONS, spec_from_settings, variance_settings
from finite_ntk.papers.seed001.data import check_training_data
from finite_ntk.samplers.setup import MonteCarloSetup
from finite_ntk.training.snapshots import check_snapshot_steps

# The config fields the outputs of each kind of job depend on (besides their inputs and
# what their paths name). A sampling job's sigma_w^2 values and replicate count are its own
# params (:class:`SamplingJob`).
SAMPLING_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "seed001.network",
    "seed001.depths",
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
    "seed001.training.integrator",
)
TRAINING_REDUCTION_FIELDS: tuple[str, ...] = (
    "root_seed",
    # The largest stable learning rate of Lemma 2's kernel (finite_ntk.papers.seed001.learning_rate).
    "seed001.network.parameterization",
    "seed001.network.readout_weight_variance",
    "seed001.training.data",
    "seed001.training.main_width",
    "seed001.training.bias_variance",
)
KAPPA_PHASES: tuple[str, ...] = ("ordered", "border", "chaotic")


class SamplingJob(NamedTuple):
    """One sampling job: every cell of (activation, sigma_b^2, width)."""

    activation: str
    bias_variance: float
    width: int
    weight_variances: tuple[float, ...]  # sorted
    replicates: int  # initialisations per cell (:func:`replicates_at`)

    @property
    def stem(self) -> str:
        """The job's file name without extension, under ``seed001/samples/``."""
        return job_stem(self.activation, self.bias_variance, self.width)


def job_stem(activation: str, bias_variance: float, width: int) -> str:
    """``tanh/sb1_w50``: the path of a job's samples (sigma_b^2 printed with %g)."""
    return f"{activation}/sb{bias_variance:g}_w{width}"


def replicates_at(section: Mapping[str, Any], width: int) -> int:
    """Initialisations per cell at ``width``: the ``seed001.replicates_by_width`` entry of
    that width, else ``seed001.replicates``. Narrow networks get more: their K(x, x) is the
    most heavy-tailed, and a cell is estimable only where its interval stays inside the R up
    to which the coverage table trusts it at the cell's N."""
    by_width = {int(entry["width"]): int(entry["replicates"]) for entry in section.get("replicates_by_width", ())}
    return by_width.get(int(width), int(section["replicates"]))


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
        SamplingJob(
            activation, bias, width, tuple(sorted(cells[(activation, bias, width)])), replicates_at(section, width)
        )
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


def training_data_files(config: Mapping[str, Any]) -> list[str]:
    """The data files the training jobs read (their declared inputs, so that replacing one
    reruns them): MNIST's images and labels files in ``mnist_path``, as
    :func:`finite_ntk.digits.load_mnist` finds them; none for scikit-learn's digits, which
    ship with the installed package. The directory and files must exist (the start-up check
    says so first)."""
    data = config["seed001"]["training"]["data"]
    if data["dataset"] != "mnist":
        return []
    return [str(path) for path in mnist_files(data["mnist_path"])]


# Seed 001's size fields and their smallest values (for the error to name the right one).
SIZE_FIELDS: dict[str, Shrink] = {
    "seed001.replicates": to(2),
    "seed001.replicates_by_width": lambda entries: [],
    "seed001.widths": smallest_item,
    "seed001.depths": smallest_item,
    "seed001.weight_variances": smallest_item,
    "seed001.activations": lambda values: values[:1],
    "seed001.network.input_dimension": to(1),
    "seed001.bias_maps.width": to(2),
    "seed001.bias_maps.bias_variances": smallest_item,
    "seed001.bootstrap.resamples": to(10),
    "seed001.training.widths": smallest_item,
    "seed001.training.depths": smallest_item,
    "seed001.training.weight_variances": smallest_item,
    "seed001.training.activations": lambda values: values[:1],
    "seed001.training.max_steps": to(1),
    "seed001.training.data.samples": to(2),
}
# Input dimension of the training data: MNIST's 28 x 28 pixels, scikit-learn's 8 x 8.
_DATA_DIMENSION = {"mnist": MNIST_SIDE * MNIST_SIDE, "digits": 64}


def seed001_costs(config: Mapping[str, Any]) -> list[JobCost]:
    """Memory and core-seconds of every seed-001 job, low estimates (:mod:`finite_ntk.budget`):
    sampling (the sampler's work and memory models, plus the K values kept), the reduction's
    bootstraps (every resample of a cell's replicates at once) and the training jobs (every
    gradient step on every sample, every sigma_w^2, the activations of every layer kept)."""
    section = config["seed001"]
    network, sampler = section["network"], section["sampler"]
    itemsize = 8 if config["precision"] == "float64" else 4
    coordinate = math.sqrt(float(network["input_length"]))
    costs, draws, largest = [], 0, 0
    for job in sampling_jobs(config):
        settings = variance_settings(
            network["parameterization"], job.weight_variances[0], job.bias_variance, network["readout_weight_variance"]
        )
        n0 = int(network["input_dimension"])
        setups = [
            MonteCarloSetup(
                "fnn",
                spec_from_settings(settings, job.activation, job.width, int(depth), n0),
                (coordinate,) * n0,
                learning_rate=0.0,
                step_loss="none",
            )
            for depth in section["depths"]
        ]
        memory, seconds = sampler_cost(setups, job.replicates, sampler, itemsize)
        count = len(job.weight_variances) * len(setups)
        seconds *= len(job.weight_variances)
        costs.append(JobCost(f"seed001_sample {job.stem}", memory + 8 * job.replicates * count, seconds))
        draws += job.replicates * count
        largest = max(largest, job.replicates)
    resamples = int(section["bootstrap"]["resamples"])
    seconds = BOOTSTRAP_SECONDS_PER_DRAW * resamples * draws
    costs.append(JobCost("seed001_reduce", 8 * (draws + 3 * resamples * largest), seconds))
    training = section["training"]
    data = training["data"]
    samples, classes = int(data["samples"]), int(data["classes"])
    for job in training_jobs(config):
        size = parameter_count(job.width, job.depth, _DATA_DIMENSION[data["dataset"]], classes)
        steps = len(job.weight_variances) * equivalent_steps(training)
        seconds = TRAINING_SECONDS_PER_SAMPLE_PARAMETER * steps * samples * size
        memory = itemsize * (8 * size + 4 * samples * job.width * job.depth)
        costs.append(JobCost(f"seed001_train {job.stem}", memory, seconds))
    return costs


# A flow step of the integrator costs at least as much as this many gradient steps (one NTK
# matrix, about seven, and four passes, less the flow steps that literal ones replace; the
# default grid measured 1.12 times this estimate: README, Speed).
FLOW_STEP_GRADIENTS = 7


def equivalent_steps(training: Mapping[str, Any]) -> int:
    """A low estimate of the gradient evaluations of one training run: ``max_steps`` for the
    literal integrator; for the flow integrator its literal start and one flow step per
    factor (1 + step_growth) of flow time up to the end, at FLOW_STEP_GRADIENTS each (runs
    whose network moves far from linear take more, literal stretches too)."""
    max_steps = int(training["max_steps"])
    integrator = training["integrator"]
    if integrator["method"] == "literal":
        return max_steps
    literal = min(int(integrator["literal_steps"]), max_steps)
    flow = math.ceil(math.log(max_steps / literal) / math.log1p(float(integrator["step_growth"])))
    return min(max_steps, literal + FLOW_STEP_GRADIENTS * flow)


def check_seed001_config(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the field when the ``seed001`` section is inconsistent in a
    way the schema cannot see, when its training data set is missing, malformed or too
    small for the samples asked (:func:`finite_ntk.papers.seed001.data.check_training_data`),
    or when its sizes exceed the bounds of :mod:`finite_ntk.budget`."""
    _check_consistency(config)
    _check_training_data(config)
    check_costs(config, seed001_costs, SIZE_FIELDS)


def _check_training_data(config: Mapping[str, Any]) -> None:
    data = dict(config["seed001"]["training"]["data"])
    seed = 0
    if not data["balanced"]:  # the draw itself is checked: the job's seed (training_grid imports xarray)
        from finite_ntk.papers.seed001.training_grid import training_data_seed

        seed = training_data_seed(config["root_seed"])
    try:
        check_training_data({**data, "seed": seed})
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        raise ValueError(f"config field 'seed001.training.data.{field}': {message}") from None


def _check_consistency(config: Mapping[str, Any]) -> None:
    section = config["seed001"]
    for field in ("depths", "widths", "weight_variances"):
        values = list(section[field])
        if values != sorted(set(values)):
            raise ValueError(f"config field 'seed001.{field}': must be strictly increasing, got {values}")
    sampled_widths = sorted({*section["widths"], section["bias_maps"]["width"]})
    listed = [int(entry["width"]) for entry in section.get("replicates_by_width", ())]
    for width in listed:
        if width not in sampled_widths or listed.count(width) > 1:
            raise ValueError(
                f"config field 'seed001.replicates_by_width': each width once, one of the sampled widths "
                f"{sampled_widths} (seed001.widths and seed001.bias_maps.width), got {listed}; "
                "[] gives every width seed001.replicates"
            )
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
    coverage = config.get("heavy_tails", {}).get("coverage", {})
    if "confidence" in coverage and float(coverage["confidence"]) != float(section["bootstrap"]["confidence"]):
        # The map claims read the coverage the table measured for intervals at its confidence.
        raise ValueError(
            f"config field 'heavy_tails.coverage.confidence': must equal 'seed001.bootstrap.confidence' "
            f"({section['bootstrap']['confidence']}), the confidence of the intervals it vouches for, "
            f"got {coverage['confidence']}"
        )
    where = "config field 'seed001.training.snapshot_steps'"
    check_snapshot_steps(training["snapshot_steps"], training["max_steps"], where)
    if training["integrator"]["literal_steps"] > training["max_steps"]:
        raise ValueError(
            f"config field 'seed001.training.integrator.literal_steps': at most max_steps ({training['max_steps']}), "
            f"got {training['integrator']['literal_steps']}"
        )
    if training["data"]["dataset"] == "mnist" and not training["data"]["mnist_path"]:
        raise ValueError(
            "config field 'seed001.training.data.mnist_path': dataset mnist needs the directory of its IDX files, "
            "got null"
        )


__all__ = [
    "SAMPLING_FIELDS",
    "REDUCTION_FIELDS",
    "KAPPA_FIELDS",
    "KAPPA_PHASES",
    "TRAINING_FIELDS",
    "TRAINING_REDUCTION_FIELDS",
    "SamplingJob",
    "job_stem",
    "replicates_at",
    "sampling_jobs",
    "TrainingJob",
    "training_jobs",
    "check_seed001_config",
    "SIZE_FIELDS",
    "seed001_costs",
    "training_data_files",
]
