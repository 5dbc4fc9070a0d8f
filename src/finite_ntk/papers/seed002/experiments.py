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
from scipy.linalg import eigvalsh

import finite_ntk.papers.seed002.datasets as data
from finite_ntk.papers.seed002.predictor import (
    classification_scores,
    ntk_predict,
    projection_operator_norm,
    projection_term,
)
from finite_ntk.papers.seed002.recursion import (
    GAP_CONSTANT,
    LIMIT_SMALLEST_EIGENVALUE,
    OFF_DIAGONAL_LIMIT,
    normalised_matrices,
    one_minus_cosine,
    relu_kernels,
)

FloatArray = NDArray[np.float64]
SYNTHETIC_NAME = "synthetic points"
# Near rho = 1 the correlation map is 1 - kappa_1(1 - delta) = delta - a delta^(3/2) + O(delta^2).
COLLAPSE_COEFFICIENT = 2.0 * math.sqrt(2.0) / (3.0 * math.pi)
# Figure 7 records every depth up to this one (where "a depth of 5" is read), log-spaced beyond.
DENSE_DEPTHS = 20
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
    data set ``seed002.digits_data`` names): the largest of ``projection.sizes`` training
    points (a data set of size n is their first n, so the sizes are nested) and ``n_test``
    evaluation points."""
    section = config["seed002"]
    p = section["projection"]
    n_train = max(p["sizes"])
    rng = data.generator(config["root_seed"], f"projection/{dataset}")
    if dataset == "synthetic":
        box = section["synthetic"]
        points = data.box_points_on_sphere(rng, n_train + p["n_test"], box["dimension"], box["low"], box["high"])
        return points[:n_train], points[n_train:]
    if dataset == "digits":
        split = data.digits_on_sphere(rng, n_train, p["n_test"], section["digits_data"])
        return split.x_train, split.x_test
    raise ValueError(f"dataset: {dataset!r} is not one of synthetic, digits")


def closest_gap(one_minus_rho0: FloatArray) -> float:
    """:math:`\\min_{i \\ne j} (1 - \\rho^{(0)}_{ij})`: the input gap of the closest pair (the
    separation of Theorem 3 a) and Corollary 1)."""
    gaps = np.asarray(one_minus_rho0, dtype=np.float64)
    return float(gaps[np.triu_indices(len(gaps), k=1)].min())


def scaled_depth(gap: float, depth_scale: float, max_depth: int) -> int:
    """The depth scaled to the data (Corollary 1, Theorem 3 a): the decay of Theorem 2 shows
    once :math:`L \\gg (1 - \\rho^{(0)})^{-1/2}`, so for a data set whose closest pair has gap
    ``gap``: :math:`L_n = \\lceil s / \\sqrt{\\text{gap}} \\rceil` (``depth_scale`` s), at most
    ``max_depth``."""
    if not gap > 0:
        raise ValueError(f"two training points coincide (closest gap {gap!r}): the kernel matrix is singular")
    return int(min(max_depth, max(1, math.ceil(depth_scale / math.sqrt(gap)))))


def projection_dataset(
    sets: dict[str, tuple[FloatArray, FloatArray]],
    sizes: Sequence[int],
    depths: Sequence[int],
    fixed_depth: int,
    depth_scale: float,
    stopping_times: Sequence[float],
    progress: Progress = _quiet,
    data_names: Mapping[str, str] | None = None,
) -> xr.Dataset:
    """Figure 6 with the stopping time of Theorem 3, in units of the *normalised* kernel
    :math:`\\bar\\Theta = \\Theta / (L + 1)` (on the sphere; its diagonal is 1 at every depth,
    so a stopping time means the same at every depth). For each data set
    (``{name: (x_train, x_test)}``, ``x_train`` of the largest size), each size n of
    ``sizes`` (the first n training points) and each depth of ``depths``, ``fixed_depth`` and
    the depth scaled to n (:func:`scaled_depth`, from the closest pair of the n points):

    - ``smallest_eigenvalue``: :math:`\\lambda_{\\min}(\\bar\\Theta(X_n, X_n))`;
    - ``operator_norm``: :math:`|\\bar\\Theta^{-1}(I - e^{-t\\bar\\Theta})|_2
      = (1 - e^{-t\\lambda_{\\min}})/\\lambda_{\\min}` at each stopping time (``inf`` added:
      kernel regression, :math:`1/\\lambda_{\\min}`), :func:`.predictor.projection_operator_norm`;
    - ``projection_norm`` (largest size only): :math:`|P_t(x)|_2` of the projection term
      :math:`\\bar\\Theta(x, X)\\bar\\Theta^{-1}(I - e^{-t\\bar\\Theta})` at each evaluation point.

    ``data_names``: each data set's name for the figure (``{name: data name}``, e.g.
    ``digits``: ``MNIST``), the coordinate ``data_name`` along ``dataset``; none: the names."""
    times = [float(t) for t in stopping_times] + [math.inf]
    sizes = sorted(int(n) for n in sizes)
    max_depth = int(max(depths))
    names = list(sets)
    n_test = {len(test) for _, test in sets.values()}
    if len(n_test) != 1:
        raise ValueError("every data set needs the same number of evaluation points")
    n_test_points = n_test.pop()
    gaps0 = {name: one_minus_cosine(np.concatenate(sets[name])) for name in names}
    closest = np.array([[closest_gap(gaps0[name][:n, :n]) for n in sizes] for name in names])
    scaled = np.array([[scaled_depth(gap, depth_scale, max_depth) for gap in row] for row in closest])
    every_depth = np.unique(np.concatenate([np.asarray(depths, dtype=np.int64), [fixed_depth], scaled.ravel()]))
    smallest = np.empty((len(names), len(sizes), len(every_depth)))
    norms = np.empty((len(names), len(every_depth), len(times), n_test_points))
    for s, name in enumerate(names):
        n = sizes[-1]
        for d, (depth, matrix) in enumerate(normalised_matrices(gaps0[name], every_depth)):
            for k, size in enumerate(sizes):
                smallest[s, k, d] = eigvalsh(matrix[:size, :size], subset_by_index=[0, 0])[0]
            k_train, k_test = matrix[:n, :n], matrix[n:, :n]
            for t, time in enumerate(times):
                norms[s, d, t] = np.linalg.norm(projection_term(k_test, k_train, time), axis=1)
        progress(f"projection: {name} done ({len(every_depth)} depths, sizes {sizes})")
    operator = np.stack([projection_operator_norm(smallest, time) for time in times], axis=-1)
    return xr.Dataset(
        {
            "smallest_eigenvalue": (("dataset", "size", "depth"), smallest),
            "operator_norm": (("dataset", "size", "depth", "stopping_time"), operator),
            "projection_norm": (("dataset", "depth", "stopping_time", "test_point"), norms),
            "closest_gap": (("dataset", "size"), closest),
            "scaled_depth": (("dataset", "size"), scaled),
        },
        coords={
            "dataset": np.array(names, dtype=object),
            "data_name": ("dataset", np.array([(data_names or {}).get(name, name) for name in names], dtype=object)),
            "size": np.asarray(sizes, dtype=np.int64),
            "depth": every_depth,
            "stopping_time": np.array(times),
        },
        attrs={
            "n_train": sizes[-1],
            "fixed_depth": int(fixed_depth),
            "depth_scale": float(depth_scale),
            "max_depth": max_depth,
            "stopping_time_units": "normalised kernel Theta / (L + 1)",
        },
    )


def eigenvalue_depths(max_depth: int, depth_points: int) -> NDArray[np.int64]:
    """Figure 7's depths: every depth from 0 to ``min(DENSE_DEPTHS, max_depth)`` and
    ``depth_points`` log-spaced ones up to ``max_depth`` (:func:`log_depths`)."""
    dense = np.arange(0, min(DENSE_DEPTHS, max_depth) + 1, dtype=np.int64)
    if max_depth <= DENSE_DEPTHS or depth_points < 2:
        return dense
    return np.unique(np.concatenate([dense, log_depths(max_depth, depth_points)]))


def eigenvalue_dataset(
    root_seed: int,
    sizes: Sequence[int],
    dimensions: Sequence[int],
    depths: Sequence[int],
    progress: Progress = _quiet,
) -> xr.Dataset:
    """Figure 7: smallest and largest eigenvalue of the normalised NTK matrix of ``n``
    points uniform on the sphere of :math:`R^d`, for each ``d`` of ``dimensions``, ``n`` of
    ``sizes`` and depth of ``depths`` (0: the Gram matrix); and the closest pair's input gap
    :math:`\\min_{i \\ne j}(1 - \\rho^{(0)}_{ij})` (:func:`closest_gap`), which sets the depth
    at which :math:`\\lambda_{\\min}` saturates (Corollary 1)."""
    depths = np.asarray(depths, dtype=np.int64)
    shape = (len(dimensions), len(sizes), len(depths))
    smallest, largest = np.empty(shape), np.empty(shape)
    closest = np.empty(shape[:2])
    for a, dimension in enumerate(dimensions):
        for s, n in enumerate(sizes):
            rng = data.generator(root_seed, "eigenvalues", n=n, dimension=dimension)
            gap0 = one_minus_cosine(data.uniform_sphere(rng, n, dimension))
            closest[a, s] = closest_gap(gap0)
            for d, (_, matrix) in enumerate(normalised_matrices(gap0, depths)):
                eigenvalues = np.linalg.eigvalsh(matrix)
                smallest[a, s, d], largest[a, s, d] = eigenvalues[0], eigenvalues[-1]
            progress(f"eigenvalues: d = {dimension}, n = {n} done")
    return xr.Dataset(
        {
            "smallest_eigenvalue": (("dimension", "size", "depth"), smallest),
            "largest_eigenvalue": (("dimension", "size", "depth"), largest),
            "closest_gap": (("dimension", "size"), closest),
        },
        coords={
            "dimension": np.asarray(dimensions, dtype=np.int64),
            "size": np.asarray(sizes, dtype=np.int64),
            "depth": depths,
        },
        attrs={"limit_smallest_eigenvalue": LIMIT_SMALLEST_EIGENVALUE},
    )


def depth_rate_dataset(one_minus_rho0: Sequence[float], depths: Sequence[int]) -> xr.Dataset:
    """The rate of Theorem 2 and the onset of Corollary 1, for input pairs given by their gap
    :math:`\\delta_0 = 1 - \\rho^{(0)}` alone (the recursion depends on nothing else), at
    ``depths``: :math:`\\delta_L = 1 - \\rho^{(L)}` and the normalised NTK :math:`N_L`, with the
    two rescalings the figure plots,

    - ``scaled_off_diagonal`` :math:`(N_L - 1/4)\\,L`, which Theorem 2 puts on
      :math:`c\\log L + b` (the approach to 1/4 as :math:`c \\log L / L`), and
    - ``scaled_gap`` :math:`L^2\\delta_L`, which tends to :math:`9\\pi^2/2`; near
      :math:`\\rho = 1` the map is :math:`\\delta \\mapsto \\delta - a\\delta^{3/2}`,
      :math:`a = 2\\sqrt2/(3\\pi)`, so :math:`L^2\\delta_L \\approx u^2/(1 + au/2)^2` with
      :math:`u = L\\sqrt{\\delta_0}` (``onset_coordinate``): the curves collapse on u, and the
      rate shows once :math:`L \\gg \\delta_0^{-1/2}` (Corollary 1); ``collapse_law`` is that curve."""
    gaps = np.asarray(one_minus_rho0, dtype=np.float64)
    kernel = relu_kernels(gaps, depths)
    depth = kernel.depths.astype(np.float64)
    normalised = kernel.normalised
    onset = depth[:, None] * np.sqrt(gaps)[None, :]
    a = COLLAPSE_COEFFICIENT
    return xr.Dataset(
        {
            "one_minus_rho": (("depth", "pair"), kernel.one_minus_rho),
            "normalised_ntk": (("depth", "pair"), normalised),
            "scaled_off_diagonal": (("depth", "pair"), (normalised - OFF_DIAGONAL_LIMIT) * depth[:, None]),
            "scaled_gap": (("depth", "pair"), depth[:, None] ** 2 * kernel.one_minus_rho),
            "onset_coordinate": (("depth", "pair"), onset),
            "collapse_law": (("depth", "pair"), onset**2 / (1.0 + a * onset / 2.0) ** 2),
        },
        coords={"depth": kernel.depths, "pair": np.arange(len(gaps)), "one_minus_rho0": ("pair", gaps)},
        attrs={
            "off_diagonal_limit": OFF_DIAGONAL_LIMIT,
            "gap_constant": GAP_CONSTANT,
            "collapse_coefficient": a,
        },
    )


def illustrations_dataset(
    points: FloatArray, depths: Sequence[int], rho0: Sequence[float], iterates: Sequence[int]
) -> xr.Dataset:
    """Figures 2 and 3: the normalised NTK matrix of ``points`` (on the sphere, ordered as
    given) at each of ``depths``, drifting to :math:`\\tfrac34 I + \\tfrac14 J`; and the correlation
    map :math:`\\kappa_1` (Definition 5's map :math:`\\rho^{(h-1)} \\mapsto \\rho^{(h)}`, strictly
    increasing on [-1, 1] with the fixed point 1) composed with itself ``iterates`` times, on
    the grid ``rho0``."""
    matrices = np.stack([matrix for _, matrix in normalised_matrices(one_minus_cosine(points), depths)])
    grid = np.asarray(rho0, dtype=np.float64)
    wanted = sorted(int(k) for k in iterates)
    composed = np.stack([1.0 - relu_kernels(1.0 - grid, wanted).one_minus_rho[k] for k in range(len(wanted))])
    return xr.Dataset(
        {
            "normalised_ntk": (("depth", "row", "column"), matrices),
            "correlation_map": (("iterate", "rho0"), composed),
        },
        coords={
            "depth": np.asarray(depths, dtype=np.int64),
            "row": np.arange(len(points)),
            "column": np.arange(len(points)),
            "iterate": np.asarray(wanted, dtype=np.int64),
            "rho0": grid,
        },
        attrs={"off_diagonal_limit": OFF_DIAGONAL_LIMIT, "points": len(points), "dimension": points.shape[1]},
    )


def illustration_points(config: dict) -> FloatArray:
    """Figure 2's points: ``illustrations.points`` synthetic points (the box of
    ``seed002.synthetic``) on the sphere, ordered by their angle around the first axis so that
    neighbours in the matrix are neighbours on the sphere."""
    section = config["seed002"]
    box = section["synthetic"]
    rng = data.generator(config["root_seed"], "illustrations")
    points = data.box_points_on_sphere(
        rng, section["illustrations"]["points"], box["dimension"], box["low"], box["high"]
    )
    return points[np.argsort(np.arctan2(points[:, 1], points[:, 0]))]


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
    "DENSE_DEPTHS",
    "projection_points",
    "closest_gap",
    "scaled_depth",
    "projection_dataset",
    "eigenvalue_depths",
    "eigenvalue_dataset",
    "COLLAPSE_COEFFICIENT",
    "depth_rate_dataset",
    "illustrations_dataset",
    "illustration_points",
    "digits_table_dataset",
]
