"""The datasets behind seed 002's Figures 4-7 and Table 2, as xarray Datasets (the rule
scripts write them). Kernels on the sphere: there the NTK is the unit-vector NTK of
:mod:`.recursion`, :math:`\\Theta^{(L)}(x, x) = L + 1`, and the normalised kernel is
:math:`\\Theta^{(L)} / (L + 1)`.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import xarray as xr
from numpy.typing import NDArray

import finite_ntk.papers.seed002.datasets as data
from finite_ntk.papers.seed002.predictor import classification_scores, ntk_predict, projection_term
from finite_ntk.papers.seed002.recursion import (
    GAP_CONSTANT,
    LIMIT_SMALLEST_EIGENVALUE,
    OFF_DIAGONAL_LIMIT,
    iterate_relu_kernels,
    one_minus_cosine,
    relu_kernels,
)

FloatArray = NDArray[np.float64]
SYNTHETIC_NAME = "synthetic points"
Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def log_depths(max_depth: int, points: int) -> NDArray[np.int64]:
    """About ``points`` depths from 1 to ``max_depth``, evenly spaced in log depth (distinct
    integers, 1 and ``max_depth`` included)."""
    if max_depth < 1 or points < 2:
        raise ValueError(f"need max_depth >= 1 and points >= 2, got {max_depth}, {points}")
    return np.unique(np.round(np.geomspace(1, max_depth, points)).astype(np.int64))


def convergence_points(config: dict, dataset: str) -> tuple[FloatArray, list[str]]:
    """The points of Figure 4 (``synthetic``) or 5 (``digits``: images of the data set
    ``seed002.digits_data`` names): ``convergence.points`` data points and one evaluation
    point x (last), on the sphere, with their labels."""
    section = config["seed002"]
    n = section["convergence"]["points"]
    rng = data.generator(config["root_seed"], f"convergence/{dataset}")
    if dataset == "synthetic":
        box = section["synthetic"]
        points = data.box_points_on_sphere(rng, n + 1, box["dimension"], box["low"], box["high"])
    elif dataset == "digits":
        split = data.digits_on_sphere(rng, n, 1, section["digits_data"])
        points = np.concatenate([split.x_train, split.x_test])
    else:
        raise ValueError(f"dataset: {dataset!r} is not one of synthetic, digits")
    return points, [f"x{i + 1}" for i in range(n)] + ["x"]


def data_attributes(config: dict, dataset: str) -> dict[str, Any]:
    """The attributes that name a data set of the experiments in their files: ``data_name``
    (``synthetic points``, or the digit source's name: ``MNIST`` or ``scikit-learn digits``)
    and, for ``digits``, :func:`.datasets.digit_attributes` of ``seed002.digits_data``."""
    if dataset == "synthetic":
        return {"data_name": SYNTHETIC_NAME}
    if dataset == "digits":
        source = config["seed002"]["digits_data"]
        attributes = data.digit_attributes(source, data.load_digit_images(source))
        return {"data_name": attributes["digits_name"], **attributes}
    raise ValueError(f"dataset: {dataset!r} is not one of synthetic, digits")


def convergence_dataset(points: FloatArray, labels: Sequence[str], depths: Sequence[int]) -> xr.Dataset:
    """Figures 4 and 5: over ``depths``, for every pair of ``points``, :math:`\\rho^{(L)}`,
    :math:`1 - \\rho^{(L)}`, the normalised NTK and its gap to 1/4; the smallest
    eigenvalue of the normalised matrix of all points; the asymptote
    :math:`9\\pi^2/(2L^2)`."""
    gap0 = one_minus_cosine(points)
    kernel = relu_kernels(gap0, depths)
    normalised = kernel.normalised
    i, j = np.triu_indices(len(points), k=1)
    eigenvalues = np.array([np.linalg.eigvalsh(matrix)[0] for matrix in normalised])
    pair = [f"{labels[a]}-{labels[b]}" for a, b in zip(i, j)]
    depth = kernel.depths
    return xr.Dataset(
        {
            "one_minus_rho": (("depth", "pair"), kernel.one_minus_rho[:, i, j]),
            "rho": (("depth", "pair"), kernel.rho[:, i, j]),
            "normalised_ntk": (("depth", "pair"), normalised[:, i, j]),
            "off_diagonal_gap": (("depth", "pair"), normalised[:, i, j] - OFF_DIAGONAL_LIMIT),
            "diagonal_ntk": (("depth",), kernel.ntk[:, 0, 0]),
            "smallest_eigenvalue": (("depth",), eigenvalues),
            "gap_asymptote": (("depth",), GAP_CONSTANT / depth.astype(np.float64) ** 2),
        },
        coords={
            "depth": depth,
            "pair": np.array(pair, dtype=object),
            "rho0": ("pair", 1.0 - gap0[i, j]),
        },
        attrs={
            "off_diagonal_limit": OFF_DIAGONAL_LIMIT,
            "limit_smallest_eigenvalue": LIMIT_SMALLEST_EIGENVALUE,
            "points": len(points),
            "dimension": points.shape[1],
        },
    )


def projection_points(config: dict, dataset: str) -> tuple[FloatArray, FloatArray]:
    """Training and evaluation points of Figure 6 on the sphere (``digits``: images of the
    data set ``seed002.digits_data`` names)."""
    section = config["seed002"]
    p = section["projection"]
    rng = data.generator(config["root_seed"], f"projection/{dataset}")
    if dataset == "synthetic":
        box = section["synthetic"]
        points = data.box_points_on_sphere(rng, p["n_train"] + p["n_test"], box["dimension"], box["low"], box["high"])
        return points[: p["n_train"]], points[p["n_train"] :]
    if dataset == "digits":
        split = data.digits_on_sphere(rng, p["n_train"], p["n_test"], section["digits_data"])
        return split.x_train, split.x_test
    raise ValueError(f"dataset: {dataset!r} is not one of synthetic, digits")


def projection_dataset(
    sets: dict[str, tuple[FloatArray, FloatArray]],
    depths: Sequence[int],
    stopping_times: Sequence[float],
    progress: Progress = _quiet,
    data_names: Mapping[str, str] | None = None,
) -> xr.Dataset:
    """Figure 6: :math:`|P_t(x)|_2` of the projection term
    :math:`\\Theta(x, X)\\Theta^{-1}(I - e^{-t\\Theta})` (:mod:`.predictor`) at each depth,
    stopping time (``inf`` added: kernel regression) and evaluation point, for each data
    set (``{name: (x_train, x_test)}``); and :math:`\\lambda_{\\min}(\\Theta(X, X))`.
    ``data_names``: each data set's name for the figure (``{name: data name}``, e.g.
    ``digits``: ``MNIST``), the coordinate ``data_name`` along ``dataset``; none: the names."""
    times = [float(t) for t in stopping_times] + [math.inf]
    depths = np.asarray(depths, dtype=np.int64)
    names = list(sets)
    n_test = {len(test) for _, test in sets.values()}
    if len(n_test) != 1:
        raise ValueError("every data set needs the same number of evaluation points")
    norms = np.empty((len(names), len(depths), len(times), n_test.pop()))
    smallest = np.empty((len(names), len(depths)))
    for s, name in enumerate(names):
        train, test = sets[name]
        n = len(train)
        gap0 = one_minus_cosine(np.concatenate([train, test]))
        position = 0
        for depth, _, ntk in iterate_relu_kernels(gap0, int(depths[-1])):
            if depth != depths[position]:
                continue
            k_train, k_test = ntk[:n, :n], ntk[n:, :n]
            smallest[s, position] = np.linalg.eigvalsh(k_train)[0]
            for t, time in enumerate(times):
                norms[s, position, t] = np.linalg.norm(projection_term(k_test, k_train, time), axis=1)
            position += 1
        progress(f"projection term: {name} done ({len(depths)} depths)")
    return xr.Dataset(
        {
            "projection_norm": (("dataset", "depth", "stopping_time", "test_point"), norms),
            "smallest_eigenvalue": (("dataset", "depth"), smallest),
        },
        coords={
            "dataset": np.array(names, dtype=object),
            "data_name": ("dataset", np.array([(data_names or {}).get(name, name) for name in names], dtype=object)),
            "depth": depths,
            "stopping_time": np.array(times),
        },
        attrs={"n_train": len(next(iter(sets.values()))[0])},
    )


def eigenvalue_dataset(
    root_seed: int, sizes: Sequence[int], dimension: int, max_depth: int, progress: Progress = _quiet
) -> xr.Dataset:
    """Figure 7: smallest and largest eigenvalue of the normalised NTK matrix of ``n``
    points uniform on the sphere of R^dimension, for each ``n`` of ``sizes`` and depths
    1 .. ``max_depth`` (depth 0, the Gram matrix, too)."""
    depths = np.arange(0, max_depth + 1, dtype=np.int64)
    smallest = np.empty((len(sizes), len(depths)))
    largest = np.empty((len(sizes), len(depths)))
    for s, n in enumerate(sizes):
        points = data.uniform_sphere(data.generator(root_seed, "eigenvalues", n=n, dimension=dimension), n, dimension)
        for depth, _, ntk in iterate_relu_kernels(one_minus_cosine(points), max_depth):
            eigenvalues = np.linalg.eigvalsh(ntk / (depth + 1.0))
            smallest[s, depth], largest[s, depth] = eigenvalues[0], eigenvalues[-1]
        progress(f"eigenvalues: n = {n} done")
    return xr.Dataset(
        {"smallest_eigenvalue": (("size", "depth"), smallest), "largest_eigenvalue": (("size", "depth"), largest)},
        coords={"size": np.asarray(sizes, dtype=np.int64), "depth": depths},
        attrs={"dimension": dimension, "limit_smallest_eigenvalue": LIMIT_SMALLEST_EIGENVALUE},
    )


def digits_table_dataset(
    root_seed: int,
    n_train: int,
    n_test: int,
    depths: Sequence[int],
    stopping_time: float | None,
    source: Mapping[str, Any],
) -> xr.Dataset:
    """Table 2: MSE (against one-hot targets), accuracy and macro F1 of the NTK predictor
    :math:`f_t` (``stopping_time`` None: :math:`t = \\infty`, kernel regression) on images of
    the digit data set ``source`` names (the config's ``seed002.digits_data``: MNIST or
    scikit-learn's digits) on the sphere, at each depth; its attributes name the data
    (:func:`.datasets.digit_attributes`)."""
    split = data.digits_on_sphere(data.generator(root_seed, "digits_table"), n_train, n_test, source)
    time = math.inf if stopping_time is None else float(stopping_time)
    targets = np.eye(data.DIGIT_CLASSES)[split.y_train]
    depths = np.asarray(depths, dtype=np.int64)
    kernels = relu_kernels(one_minus_cosine(np.concatenate([split.x_train, split.x_test]), split.x_train), depths).ntk
    scores = []
    for ntk in kernels:
        prediction = ntk_predict(ntk[n_train:], ntk[:n_train], targets, time)
        scores.append(classification_scores(prediction, split.y_test, data.DIGIT_CLASSES))
    return xr.Dataset(
        {name: (("depth",), np.array([getattr(s, name) for s in scores])) for name in ("mse", "accuracy", "f1")},
        coords={"depth": depths},
        attrs={
            "n_train": n_train,
            "n_test": n_test,
            "stopping_time": time,
            "classes": data.DIGIT_CLASSES,
            **split.attributes,
        },
    )


__all__ = [
    "log_depths",
    "SYNTHETIC_NAME",
    "convergence_points",
    "convergence_dataset",
    "data_attributes",
    "projection_points",
    "projection_dataset",
    "eigenvalue_dataset",
    "digits_table_dataset",
]
