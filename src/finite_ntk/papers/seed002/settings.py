"""Parse-time helpers of seed 002's rules (workflow/rules/seed002.smk): the config fields
each kind of job depends on, and the checks of the ``seed002`` section that the schema
cannot express. Plain data: imports no JAX, neural-tangents, optax or matplotlib.
"""

from __future__ import annotations

from typing import Any, Mapping

from finite_ntk.budget import (
    SECONDS_PER_ARRAY_ELEMENT,
    SECONDS_PER_MULTIPLY_ADD,
    TRAINING_SECONDS_PER_SAMPLE_PARAMETER,
    JobCost,
    Shrink,
    check_costs,
    smallest_item,
    to,
)

# scikit-learn's digits (sklearn.datasets.load_digits) hold this many images
# (tests/test_config_startup.py checks it against the data).
DIGIT_IMAGES = 1797
CONVERGENCE_DATASETS: tuple[str, ...] = ("synthetic", "digits")
# The setting that names the digit images of Figures 5, 6 and Table 2.
DIGITS_DATA = "seed002.digits_data"

# The config fields the outputs of each job depend on (its params). The kernel jobs are
# numpy float64 whatever `precision` says; the lazy-features training runs in it.
CONVERGENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "synthetic": ("root_seed", "seed002.synthetic", "seed002.convergence"),
    "digits": ("root_seed", DIGITS_DATA, "seed002.convergence"),
}
PROJECTION_FIELDS: tuple[str, ...] = ("root_seed", DIGITS_DATA, "seed002.synthetic", "seed002.projection")
EIGENVALUE_FIELDS: tuple[str, ...] = ("root_seed", "seed002.eigenvalues")
DIGITS_TABLE_FIELDS: tuple[str, ...] = ("root_seed", DIGITS_DATA, "seed002.digits_table")
# Figures 2 and 3: the synthetic box and seed (the points), the depths and iterates.
ILLUSTRATION_FIELDS: tuple[str, ...] = ("root_seed", "seed002.synthetic", "seed002.illustrations")
# The depth-rate figure's recursions use no random draw.
DEPTH_RATE_FIELDS: tuple[str, ...] = ("seed002.depth_rate",)
# Every field of lazy_features but `widths` (which jobs exist, not what one computes).
LAZY_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "seed002.lazy_features.tokens",
    "seed002.lazy_features.classes",
    "seed002.lazy_features.learning_rate",
    "seed002.lazy_features.steps",
    "seed002.lazy_features.networks",
)


# Seed 002's size fields and their smallest values (for the error to name the right one).
SIZE_FIELDS: dict[str, Shrink] = {
    "seed002.lazy_features.widths": lambda widths: [min(widths), min(widths) + 1],
    "seed002.lazy_features.steps": to(1),
    "seed002.lazy_features.networks": to(1),
    "seed002.lazy_features.tokens": to(2),
    "seed002.eigenvalues.max_depth": to(1),
    "seed002.eigenvalues.sizes": smallest_item,
    "seed002.eigenvalues.dimensions": smallest_item,
    "seed002.digits_table.depths": smallest_item,
    "seed002.convergence.max_depth": to(1),
    "seed002.convergence.depth_points": to(2),
    "seed002.convergence.points": to(2),
    "seed002.projection.max_depth": to(1),
    "seed002.depth_rate.max_depth": to(10),
    "seed002.illustrations.points": to(2),
    "seed002.illustrations.depths": smallest_item,
    "seed002.depth_rate.one_minus_rho0": smallest_item,
    "seed002.projection.depth_points": to(2),
    "seed002.projection.sizes": smallest_item,
}
# Arrays of n x n entries a kernel recursion keeps or updates per layer (K, rho, ...).
_KERNEL_ARRAYS = 4


def seed002_costs(config: Mapping[str, Any]) -> list[JobCost]:
    """Memory and core-seconds of every seed-002 job, low estimates (:mod:`finite_ntk.budget`):
    the kernel recursions (every layer over every pair of points, the recorded depths kept,
    an eigenvalue problem or a solve per recorded depth) and the lazy-features training (its
    weights, gradients and optimiser state; every step on every token)."""
    section = config["seed002"]
    costs = []

    def kernel_job(name: str, points: int, layers: int, kept: int, solves: int, solved: int) -> None:
        memory = 8 * _KERNEL_ARRAYS * max(kept, 1) * points**2
        seconds = SECONDS_PER_ARRAY_ELEMENT * _KERNEL_ARRAYS * layers * points**2
        costs.append(JobCost(name, memory, seconds + SECONDS_PER_MULTIPLY_ADD * solves * solved**3))

    convergence = section["convergence"]
    kept = min(int(convergence["depth_points"]), int(convergence["max_depth"]))
    for dataset in CONVERGENCE_DATASETS:
        points = int(convergence["points"]) + 1
        kernel_job(f"seed002_convergence {dataset}", points, int(convergence["max_depth"]), kept, kept, points)
    projection = section["projection"]
    kept = min(int(projection["depth_points"]), int(projection["max_depth"])) + 1 + len(projection["sizes"])
    n_train = max(projection["sizes"])
    points = n_train + int(projection["n_test"])
    solves = 2 * kept * (len(projection["sizes"]) + 1)  # two data sets, an eigenproblem per size and depth
    kernel_job("seed002_projection", points, 2 * int(projection["max_depth"]), 1, solves, n_train)
    eigenvalues = section["eigenvalues"]
    kept = min(int(eigenvalues["max_depth"]), 20) + 1 + int(eigenvalues["depth_points"])
    for dimension in eigenvalues["dimensions"]:
        for size in eigenvalues["sizes"]:
            name = f"seed002_eigenvalues d{dimension} n{size}"
            kernel_job(name, int(size), int(eigenvalues["max_depth"]), 1, kept, int(size))
    pictures = section["illustrations"]
    kernel_job("seed002_illustrations", int(pictures["points"]), max(pictures["depths"]), len(pictures["depths"]), 0, 1)
    rate = section["depth_rate"]
    # A layer of a short vector costs numpy's per-call overhead (about 30 operations of 1 us).
    rate_seconds = int(rate["max_depth"]) * (3e-5 + SECONDS_PER_ARRAY_ELEMENT * 4 * len(rate["one_minus_rho0"]))
    costs.append(
        JobCost("seed002_depth_rate", 8 * 8 * int(rate["depth_points"]) * len(rate["one_minus_rho0"]), rate_seconds)
    )
    table = section["digits_table"]
    points = int(table["n_train"]) + int(table["n_test"])
    kernel_job("seed002_digits_table", points, max(table["depths"]) + 1, 1, len(table["depths"]), int(table["n_train"]))
    lazy = section["lazy_features"]
    itemsize = 8 if config["precision"] == "float64" else 4
    tokens, classes = int(lazy["tokens"]), int(lazy["classes"])
    for width in lazy["widths"]:
        size = tokens * width + width * width + width * classes + 2 * width + classes
        seconds = TRAINING_SECONDS_PER_SAMPLE_PARAMETER * int(lazy["steps"]) * tokens * size * int(lazy["networks"])
        costs.append(JobCost(f"seed002_lazy_features w{width}", itemsize * 8 * size, seconds))
    return costs


def check_seed002_config(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the field when the ``seed002`` section is inconsistent in a
    way the schema cannot see, when its digit data set (``seed002.digits_data``) is missing,
    malformed or has fewer images than an experiment draws, or its sizes exceed the bounds
    of :mod:`finite_ntk.budget`."""
    _check_consistency(config)
    check_costs(config, seed002_costs, SIZE_FIELDS)


def digit_image_count(source: Mapping[str, Any]) -> int:
    """The images of the digit data set ``source`` names (``seed002.digits_data``), cheaply:
    scikit-learn's 1,797, or the count in MNIST's labels file after the header checks of
    :func:`finite_ntk.digits.mnist_labels` (no image data read). ValueError
    ``"<field>: ..."`` naming the field of ``seed002.digits_data`` and, for a missing or
    malformed MNIST directory, the file (the message says to run ``tools/setup.sh``)."""
    if source["dataset"] == "digits":
        return DIGIT_IMAGES
    path = source.get("mnist_path")
    if not isinstance(path, str) or not path:
        shown = "null" if path is None else repr(path)
        raise ValueError(f"mnist_path: dataset mnist needs the directory of its IDX files, got {shown}")
    from finite_ntk.digits import mnist_labels

    try:
        return len(mnist_labels(path))
    except (OSError, ValueError) as error:
        raise ValueError(f"mnist_path: {error}") from None


def digits_data_files(config: Mapping[str, Any]) -> list[str]:
    """The data files the digit jobs read (``seed002_convergence`` of the digits,
    ``seed002_projection``, ``seed002_digits_table``), their declared inputs so that replacing
    one reruns them: MNIST's images and labels files in ``seed002.digits_data.mnist_path``,
    as :func:`finite_ntk.digits.load_mnist` finds them; none for scikit-learn's digits, which
    ship with the installed package. The directory and files must exist (the start-up check
    says so first)."""
    from finite_ntk.digits import mnist_files

    source = config["seed002"]["digits_data"]
    if source["dataset"] != "mnist":
        return []
    return [str(path) for path in mnist_files(source["mnist_path"])]


def _check_consistency(config: Mapping[str, Any]) -> None:
    section = config["seed002"]
    box = section["synthetic"]
    if not box["low"] < box["high"]:
        raise ValueError(
            f"config field 'seed002.synthetic.low': must be below high ({box['high']!r}), got {box['low']!r}"
        )
    projection = section["projection"]
    if projection["fixed_depth"] > projection["max_depth"]:
        raise ValueError(
            f"config field 'seed002.projection.fixed_depth': at most max_depth ({projection['max_depth']}), "
            f"got {projection['fixed_depth']}"
        )
    for name in ("convergence", "projection", "depth_rate"):
        if section[name]["depth_points"] > section[name]["max_depth"]:
            raise ValueError(
                f"config field 'seed002.{name}.depth_points': at most max_depth distinct depths (1 .. max_depth) exist"
            )
    source = section["digits_data"]
    try:
        images = digit_image_count(source)
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        raise ValueError(f"config field '{DIGITS_DATA}.{field}': {message}") from None
    name = "scikit-learn's digits" if source["dataset"] == "digits" else f"MNIST in {source['mnist_path']}"
    digits_needed = {
        "seed002.convergence.points": section["convergence"]["points"] + 1,
        "seed002.projection.sizes": max(section["projection"]["sizes"]) + section["projection"]["n_test"],
        "seed002.digits_table.n_train": section["digits_table"]["n_train"] + section["digits_table"]["n_test"],
    }
    for field, needed in digits_needed.items():
        if needed > images:
            raise ValueError(
                f"config field '{field}': needs {needed} distinct digit images; {name} has {images} "
                f"({DIGITS_DATA}.dataset: {source['dataset']})"
            )
    lazy = section["lazy_features"]
    if lazy["classes"] > lazy["tokens"]:
        raise ValueError(
            f"config field 'seed002.lazy_features.classes': at most `tokens` ({lazy['tokens']}), got {lazy['classes']}"
        )
    for field in ("digits_table", "illustrations"):
        depths = section[field]["depths"]
        if sorted(depths) != list(depths):
            raise ValueError(f"config field 'seed002.{field}.depths': must be increasing")


__all__ = [
    "DIGIT_IMAGES",
    "DIGITS_DATA",
    "CONVERGENCE_DATASETS",
    "CONVERGENCE_FIELDS",
    "PROJECTION_FIELDS",
    "EIGENVALUE_FIELDS",
    "DIGITS_TABLE_FIELDS",
    "DEPTH_RATE_FIELDS",
    "ILLUSTRATION_FIELDS",
    "LAZY_FIELDS",
    "SIZE_FIELDS",
    "check_seed002_config",
    "digit_image_count",
    "digits_data_files",
    "seed002_costs",
]
