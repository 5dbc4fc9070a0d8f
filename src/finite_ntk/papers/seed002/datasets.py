"""The data of seed 002's kernel experiments, from packages only: synthetic points and
scikit-learn's bundled handwritten digits (``sklearn.datasets.load_digits``: 1,797 images
of 8 x 8 pixels, the UCI optical-recognition set, a stand-in for the paper's MNIST, which
needs a download), each projected onto the unit sphere (the canonical projection
x -> x / |x| of the seed's Section 4).

Every draw comes from a numpy generator seeded with the run's root seed and the draw's
identity (:func:`finite_ntk.seeding.numpy_generator`), so adding an experiment never changes
another's data. The digits are loaded by :func:`finite_ntk.digits.load_digits_images`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from finite_ntk.digits import load_digits_images
from finite_ntk.papers.seed002.recursion import unit_rows
from finite_ntk.seeding import identity_string, numpy_generator

FloatArray = NDArray[np.float64]
DIGIT_CLASSES = 10


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


class DigitSplit(NamedTuple):
    """Digits projected onto the sphere, drawn without replacement (so no two are the same
    image; distinct images of the set are never colinear)."""

    x_train: FloatArray
    y_train: NDArray[np.int64]
    x_test: FloatArray
    y_test: NDArray[np.int64]


def digits_on_sphere(rng: np.random.Generator, n_train: int, n_test: int) -> DigitSplit:
    """``n_train + n_test`` distinct digit images, drawn without replacement, on the sphere."""
    digits = load_digits_images()
    # (1797, 64) pixel values 0..16 as float64 (exact: the uint8 images hold the same integers).
    images, labels = digits.images.reshape(len(digits.images), -1).astype(np.float64), digits.labels
    if n_train + n_test > len(images):
        raise ValueError(f"asked for {n_train} + {n_test} digits; scikit-learn's set has {len(images)}")
    chosen = rng.choice(len(images), size=n_train + n_test, replace=False)
    x = unit_rows(images[chosen])
    return DigitSplit(x[:n_train], labels[chosen[:n_train]], x[n_train:], labels[chosen[n_train:]])


__all__ = ["DIGIT_CLASSES", "generator", "box_points_on_sphere", "uniform_sphere", "DigitSplit", "digits_on_sphere"]
