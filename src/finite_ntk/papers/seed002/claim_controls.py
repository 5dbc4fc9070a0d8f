"""Known data for seed 002's claims: a positive and a negative control per claim
(:class:`finite_ntk.claims.Control`, run by ``tests/test_claim_controls.py``).

Every control is a full :class:`~finite_ntk.papers.seed002.claims.ClaimInputs` built by
:func:`control_inputs`, which assembles the four inputs of a run (the ``convergence_<name>.nc``,
``eigenvalues.nc``, ``projection.nc`` and ``lazy/w<width>.nc`` datasets, with the dims, coords,
variables and attributes the checks read) from one builder each. Each builder takes the one
quantity its claims are about; every other input stays at its positive value, so a claim's
negative control differs from its positive control in that quantity alone:

- :func:`convergence_dataset`: the normalised NTK of five points on the sphere (four data
  points and the evaluation point x, as in Figures 4 and 5), moving with depth from the
  points' cosines to a chosen ``limit`` matrix. Positive: Theorem 2's limit
  :math:`3/4 I + 1/4 J`; negatives: one pair's limit off 1/4 (claim 1, equal) or at 1, two
  points that merge (claim 1, invertible).
- :func:`eigenvalue_dataset`: :math:`\\lambda_{\\min}` of the normalised NTK matrix against
  depth (Figure 7), saturating towards 3/4 on a ``depth_scale``. Positive: 1.5 layers
  (stabilised by depth 3); negative: 10 layers (still growing 15% per layer at depth 5).
- :func:`projection_dataset`: the projection term's norm against depth (Figure 6), scaled by
  a power of depth that multiplies it by ``growth`` from the smallest to the largest depth.
  Positive: 0.5 (the norm falls with depth); negative: 30 (it grows without bound).
- :func:`lazy_datasets`: the last hidden layer's deviation (Table 1) from Gaussian
  per-neuron deviations of size :math:`n^{e}` at width :math:`n`. Positive: :math:`e = -1/2`
  (the NTK regime: neurons move as :math:`n^{-1/2}`, the layer's norm as :math:`n^0`);
  negatives: :math:`e = 0` (neurons do not settle) and :math:`e = -1` (the layer settles too).

Claims 2 and 3 are known not to test today's runs (issue 28), yet their rules do fail on
these negatives, so they are not marked vacuous: the emptiness is in the experiments. Claim 2:
the default run's :math:`\\lambda_{\\min}` grows in proportion to depth, so its increase per
layer is :math:`1/L` and the measured depth is :math:`1/0.1 = 10` by construction (the
threshold's reciprocal, whatever the data; the default run says *differs*, 10 > 5). Claim 3:
at the default depths the projection term is bounded at every stopping time,
:math:`t = \\infty` included, so the run cannot show that stopping is what bounds it.

Data variables that no check reads (``eigenvalues.nc``'s ``largest_eigenvalue``,
``projection.nc``'s ``smallest_eigenvalue``) are left out. Numpy and xarray only.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Mapping, Sequence

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from finite_ntk.claims import Control
from finite_ntk.papers.seed002.claims import ClaimInputs, Seed002Data
from finite_ntk.papers.seed002.datasets import DIGIT_DIMENSIONS
from finite_ntk.papers.seed002.recursion import (
    GAP_CONSTANT,
    LIMIT_SMALLEST_EIGENVALUE,
    OFF_DIAGONAL_LIMIT,
    one_minus_cosine,
    unit_rows,
)

FloatArray = NDArray[np.float64]

ROOT_SEED = 20250613  # the runs' root seed (an attribute of every file; the checks bootstrap nothing here)
POINTS = 5  # Figures 4 and 5: four data points and the evaluation point x, ten pairs
# The convergence files' data sets and input dimensions: the synthetic points' (config/config.yaml's
# seed002.synthetic.dimension) and the digit images' of the default seed002.digits_data (MNIST:
# 28 x 28 = 784 inputs; scikit-learn's digits would have 64).
DIMENSIONS = {"synthetic": 3, "digits": DIGIT_DIMENSIONS["mnist"]}
# Figures 4 and 5's depths, log-spaced. At depth 1000 the normalised kernel is within
# |rho0 - limit| / 1001 <= 1.25e-3 of its limit: well inside claim 1's 0.01.
CONVERGENCE_DEPTHS = (1, 3, 10, 30, 100, 300, 1000)


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([ROOT_SEED, *key])


# --------------------------------------------------------------------------- claim 1: Figures 4 and 5


def theorem_limit(points: int = POINTS) -> FloatArray:
    """Theorem 2's limit of the normalised NTK matrix: :math:`3/4 I + 1/4 J`."""
    return LIMIT_SMALLEST_EIGENVALUE * np.eye(points) + OFF_DIAGONAL_LIMIT * np.ones((points, points))


def with_pair(limit: FloatArray, value: float) -> FloatArray:
    """``limit`` with the entry of the pair x1-x2 (both triangles) set to ``value``."""
    out = limit.copy()
    out[0, 1] = out[1, 0] = value
    return out


def convergence_points(name: str) -> FloatArray:
    """Five points on the sphere: uniform in :math:`[-1, 1]^3` (synthetic) or in
    :math:`[0, 1]^{784}` (digits: non-negative pixel intensities of MNIST's 28 x 28 images),
    then projected."""
    dimension = DIMENSIONS[name]
    rng = _rng(dimension)
    low = -1.0 if name == "synthetic" else 0.0
    return unit_rows(rng.uniform(low, 1.0, size=(POINTS, dimension)))


def convergence_dataset(name: str, limit: FloatArray, depths: Sequence[int] = CONVERGENCE_DEPTHS) -> xr.Dataset:
    """``convergence_<name>.nc``: the normalised NTK matrix at depth :math:`L` is
    :math:`w K_0 + (1 - w) K_\\infty` with :math:`w = 1/(L + 1)`, :math:`K_0` the points'
    cosines (the normalised kernel at depth 0) and :math:`K_\\infty` = ``limit`` (a PSD matrix
    with unit diagonal, so every depth's matrix is one too); per pair its entry and its gap to
    1/4, per depth its smallest eigenvalue. :math:`1 - \\rho^{(L)}` runs from the input gap to
    the law :math:`9\\pi^2/(2L^2)` (it only feeds the verdict's note)."""
    points = convergence_points(name)
    gap0 = one_minus_cosine(points)
    depth = np.asarray(depths, dtype=np.int64)
    w = 1.0 / (depth + 1.0)[:, None, None]
    normalised = w * (1.0 - gap0)[None] + (1.0 - w) * limit[None]
    one_minus_rho = gap0[None] / (1.0 + gap0[None] * depth[:, None, None].astype(np.float64) ** 2 / GAP_CONSTANT)
    i, j = np.triu_indices(POINTS, k=1)
    labels = [f"x{k + 1}" for k in range(POINTS - 1)] + ["x"]
    return xr.Dataset(
        {
            "one_minus_rho": (("depth", "pair"), one_minus_rho[:, i, j]),
            "rho": (("depth", "pair"), 1.0 - one_minus_rho[:, i, j]),
            "normalised_ntk": (("depth", "pair"), normalised[:, i, j]),
            "off_diagonal_gap": (("depth", "pair"), normalised[:, i, j] - OFF_DIAGONAL_LIMIT),
            "diagonal_ntk": (("depth",), depth + 1.0),  # Proposition 1 on the sphere: L + 1
            "smallest_eigenvalue": (("depth",), np.linalg.eigvalsh(normalised)[:, 0]),
            "gap_asymptote": (("depth",), GAP_CONSTANT / depth.astype(np.float64) ** 2),
        },
        coords={
            "depth": depth,
            "pair": np.array([f"{labels[a]}-{labels[b]}" for a, b in zip(i, j)], dtype=object),
            "rho0": ("pair", 1.0 - gap0[i, j]),
        },
        attrs={
            "off_diagonal_limit": OFF_DIAGONAL_LIMIT,
            "limit_smallest_eigenvalue": LIMIT_SMALLEST_EIGENVALUE,
            "points": POINTS,
            "dimension": DIMENSIONS[name],
            "dataset": name,
            "root_seed": ROOT_SEED,
        },
    )


# --------------------------------------------------------------------------- claim 2: Figure 7


def eigenvalue_dataset(depth_scale: float, sizes: Sequence[int] = (30, 60), max_depth: int = 20) -> xr.Dataset:
    """``eigenvalues.nc``: :math:`\\lambda_{\\min}` of the normalised NTK matrix of ``n``
    points rising from 0 at depth 0 (the Gram matrix of more points than dimensions) to 3/4,
    :math:`\\tfrac34 (1 - e^{-L/\\tau_n})`, on a depth scale :math:`\\tau_n` that grows with the
    data set, ``depth_scale`` at the largest (the one the check reads). Its increase from
    depth :math:`L` to :math:`L + 1` is :math:`e^{-L/\\tau}(1 - e^{-1/\\tau}) / (1 - e^{-L/\\tau})`,
    falling with :math:`L`."""
    depths = np.arange(0, max_depth + 1, dtype=np.int64)
    scales = depth_scale * np.asarray(sizes, dtype=np.float64) / max(sizes)
    smallest = LIMIT_SMALLEST_EIGENVALUE * (1.0 - np.exp(-depths[None, :] / scales[:, None]))
    return xr.Dataset(
        {"smallest_eigenvalue": (("size", "depth"), smallest)},
        coords={"size": np.asarray(sizes, dtype=np.int64), "depth": depths},
        attrs={"dimension": 3, "limit_smallest_eigenvalue": LIMIT_SMALLEST_EIGENVALUE, "root_seed": ROOT_SEED},
    )


# Claim 2 ("a depth of 5 stabilises"): with tau = 1.5 the increases per layer are 51%, 17%, 7.6%,
# ... from depth 1: below 10% from depth 3 on (<= 5). With tau = 10 lambda_min still grows by 15%
# from depth 5 to 6 and drops below 10% per layer only from depth 7 (> 5).
STABLE_SCALE, UNSTABLE_SCALE = 1.5, 10.0


# --------------------------------------------------------------------------- claim 3: Figure 6


def projection_dataset(growth: float, depths: Sequence[int] = (1, 2, 3, 5, 9, 16, 29, 50)) -> xr.Dataset:
    """``projection.nc``: the projection term's norm at each data set, depth, stopping time
    (1, 10 and ``inf``, as the run adds) and evaluation point: a base norm per data set,
    stopping time and point (larger for later stopping, as in Figure 6) times
    :math:`(L / L_1)^a`, with :math:`a` such that it is ``growth`` times larger at the largest
    depth than at the smallest :math:`L_1`."""
    depth = np.asarray(depths, dtype=np.int64)
    times = np.array([1.0, 10.0, math.inf])
    rng = _rng(6)
    base = rng.uniform(0.3, 0.6, size=(2, 1, len(times), 4)) * np.array([1.0, 1.5, 1.6])[None, None, :, None]
    power = math.log(growth) / math.log(depth[-1] / depth[0])
    profile = (depth / depth[0]).astype(np.float64) ** power
    return xr.Dataset(
        {"projection_norm": (("dataset", "depth", "stopping_time", "test_point"), base * profile[None, :, None, None])},
        coords={"dataset": np.array(["synthetic", "digits"], dtype=object), "depth": depth, "stopping_time": times},
        attrs={"n_train": 20, "root_seed": ROOT_SEED, "synthetic_dimension": 3},
    )


# Claim 3 (bounded): growth 0.5, the norm halves from depth 1 to 50 (the check's ratio is then 1,
# its largest norm being at depth 1); growth 30, it grows 30-fold, three times the bound of 10.
BOUNDED_GROWTH, UNBOUNDED_GROWTH = 0.5, 30.0


# --------------------------------------------------------------------------- claim 4: Table 1


def lazy_datasets(
    neuron_exponent: float, widths: Sequence[int] = (64, 128, 256, 512), tokens: int = 8, steps: int = 20
) -> list[xr.Dataset]:
    """``lazy/w<width>.nc``: per width :math:`n`, initial features :math:`h_0` and
    deviations :math:`\\Delta h = n^{e} g` with :math:`g` standard normal per token and neuron;
    per token the aggregate :math:`|\\Delta h|_2`, the mean and largest single-neuron
    :math:`|\\Delta h_j|` and :math:`|\\Delta h|_2 / |h_0|_2`; a training loss falling
    geometrically. The single-neuron deviation scales as :math:`n^{e}`, the aggregate as
    :math:`n^{e + 1/2}`."""
    out = []
    for width in widths:
        rng = _rng(width)
        h0 = rng.standard_normal((tokens, width))
        delta = width**neuron_exponent * rng.standard_normal((tokens, width))
        aggregate = np.linalg.norm(delta, axis=1)
        out.append(
            xr.Dataset(
                {
                    "aggregate_deviation": ("token", aggregate),
                    "neuron_deviation_mean": ("token", np.abs(delta).mean(axis=1)),
                    "neuron_deviation_max": ("token", np.abs(delta).max(axis=1)),
                    "relative_deviation": ("token", aggregate / np.linalg.norm(h0, axis=1)),
                    "loss": ("step", 20.0 * 0.7 ** np.arange(steps + 1)),
                },
                coords={"token": np.arange(tokens), "step": np.arange(steps + 1)},
                attrs={
                    "width": width,
                    "tokens": tokens,
                    "classes": 4,
                    "learning_rate": 0.5,
                    "steps": steps,
                    "train_accuracy": 1.0,
                    "root_seed": ROOT_SEED,
                },
            )
        )
    return out


# Claim 4: e = -1/2 gives slopes -1/2 (neurons, <= -0.25: vanish) and 0 (aggregate, > -0.25:
# persists). e = 0: the neurons' slope is 0 (they do not vanish); e = -1: the aggregate's is -1/2.
NTK_EXPONENT, FROZEN_NEURONS_EXPONENT, VANISHING_LAYER_EXPONENT = -0.5, 0.0, -1.0


# --------------------------------------------------------------------------- the controls


def control_inputs(
    limit: FloatArray | None = None,
    depth_scale: float = STABLE_SCALE,
    growth: float = BOUNDED_GROWTH,
    neuron_exponent: float = NTK_EXPONENT,
) -> ClaimInputs:
    """A run's claim inputs from the four builders; every argument's default is the positive
    value (``limit``: Theorem 2's)."""
    limit = theorem_limit() if limit is None else limit
    return ClaimInputs(
        Seed002Data(
            convergence={name: convergence_dataset(name, limit) for name in DIMENSIONS},
            projection=projection_dataset(growth),
            eigenvalues=eigenvalue_dataset(depth_scale),
            lazy=lazy_datasets(neuron_exponent),
        )
    )


def positive() -> ClaimInputs:
    """Data on which every statement of seed 002 holds."""
    return control_inputs()


def unequal_limit() -> ClaimInputs:
    """Claim 1, equal: the pair x1-x2 tends to 0.35, 0.1 off 1/4 (ten times the threshold of
    0.01); the limit stays invertible (smallest eigenvalue 0.65)."""
    return control_inputs(limit=with_pair(theorem_limit(), 0.35))


def singular_limit() -> ClaimInputs:
    """Claim 1, invertible: x1 and x2 merge (their entry tends to 1), so the limit is singular
    (smallest eigenvalue 0; below 1e-3 at depth 1000, far below 0.5)."""
    return control_inputs(limit=with_pair(theorem_limit(), 1.0))


def late_stabilisation() -> ClaimInputs:
    """Claim 2: lambda_min still grows by 15% per layer at depth 5; below 10% from depth 7."""
    return control_inputs(depth_scale=UNSTABLE_SCALE)


def unbounded_projection() -> ClaimInputs:
    """Claim 3: the projection term grows 30-fold over depth at every stopping time."""
    return control_inputs(growth=UNBOUNDED_GROWTH)


def frozen_neurons() -> ClaimInputs:
    """Claim 4, neuron: single neurons deviate by O(1) whatever the width (slope 0)."""
    return control_inputs(neuron_exponent=FROZEN_NEURONS_EXPONENT)


def vanishing_layer() -> ClaimInputs:
    """Claim 4, aggregate: neurons deviate by 1/n, so the layer's deviation falls as n^-1/2."""
    return control_inputs(neuron_exponent=VANISHING_LAYER_EXPONENT)


CONTROLS: Mapping[str, Control] = MappingProxyType(
    {
        "seed002.1.equal": Control(positive, unequal_limit),
        "seed002.1.invertible": Control(positive, singular_limit),
        # Claims 2 and 3 do not test today's runs (issue 28), but their rules can fail: these negatives
        # say "differs". What is empty is what the runs measure (module docstring), so no `vacuous`.
        "seed002.2.depth": Control(positive, late_stabilisation),
        "seed002.3.bounded": Control(positive, unbounded_projection),
        "seed002.4.neuron": Control(positive, frozen_neurons),
        "seed002.4.aggregate": Control(positive, vanishing_layer),
    }
)


__all__ = [
    "CONTROLS",
    "control_inputs",
    "convergence_dataset",
    "eigenvalue_dataset",
    "projection_dataset",
    "lazy_datasets",
    "theorem_limit",
    "with_pair",
]
