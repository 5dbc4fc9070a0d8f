"""Known data for seed 002's claims: a positive and a negative control per claim
(:class:`finite_ntk.claims.Control`, run by ``tests/test_claim_controls.py``).

Every control is a full :class:`~finite_ntk.papers.seed002.claims.ClaimInputs` built by
:func:`control_inputs`, which assembles the five inputs of a run (the ``convergence_<name>.nc``,
``eigenvalues.nc``, ``projection.nc``, ``lazy/w<width>.nc`` and ``depth_rate.nc`` datasets, with the dims, coords,
variables and attributes the checks read) from one builder each. Each builder takes the one
quantity its claims are about; every other input stays at its positive value, so a claim's
negative control differs from its positive control in that quantity alone:

- :func:`convergence_dataset`: the normalised NTK of five points on the sphere (four data
  points and the evaluation point x, as in Figures 4 and 5), moving with depth from the
  points' cosines to a chosen ``limit`` matrix. Positive: Theorem 2's limit
  :math:`3/4 I + 1/4 J`; negatives: one pair's limit off 1/4 (claim 1, equal) or at 1, two
  points that merge (claim 1, invertible).
- :func:`eigenvalue_dataset`: :math:`\\lambda_{\\min}` of the normalised NTK matrix against
  depth (Figure 7) on the growth law :math:`\\tfrac34 L/(L + L_{1/2})` with a half-saturation
  depth per size. Positive: :math:`L_{1/2} = 2` at both sizes (71% of 3/4 at depth 5, the same
  at both n); negatives: :math:`L_{1/2} = 20` (20% at depth 5: claim 2, depth), and 2 rising
  to 20 as n doubles (claim 2, size).
- :func:`projection_dataset`: the projection operator's norm
  :math:`(1 - e^{-t\\lambda_{\\min}})/\\lambda_{\\min}` (Figure 6) for :math:`\\lambda_{\\min}` on the
  same law with :math:`L_{1/2}` proportional to n. Positive: :math:`L_{1/2} = n` (stopping lowers
  the norm 37-fold at depth 5 and n = 400; at the depth scaled to n, :math:`L_{1/2}`, the norm is
  the same at every n); negatives: :math:`L_{1/2} = 0.001 n` (:math:`\\lambda_{\\min}` near 3/4:
  stopping makes no difference, claim 3, stopping) and a depth not scaled with n (claim 3,
  scaled).
- :func:`depth_rate_dataset`: the depth-rate data for ten input gaps, on the collapse law
  :math:`L^2\\delta_L = u^2/(1 + au/2)^2` and :math:`N_L = 1/4 + (c\\log L + 1)/L`. Negatives: a
  limit of 0.3, a rate :math:`L^{-1/2}`, an onset at one depth for every gap (claim 5).
- :func:`lazy_datasets`: the last hidden layer's deviation (Table 1) from Gaussian
  per-neuron deviations of size :math:`n^{e}` at width :math:`n`. Positive: :math:`e = -1/2`
  (the NTK regime: neurons move as :math:`n^{-1/2}`, the layer's norm as :math:`n^0`);
  negatives: :math:`e = 0` (neurons do not settle) and :math:`e = -1` (the layer settles too);
  two networks per width; the inner product :math:`h(x)\\cdot h(x')` changes by :math:`n^0`
  (positive) or :math:`n^{-1}` (negative, claim 4, inner product).

Data variables that no check reads (``eigenvalues.nc``'s ``largest_eigenvalue``,
``projection.nc``'s ``projection_norm`` and ``closest_gap``) are left out. Numpy and xarray only.
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


def saturating_eigenvalue(depths: NDArray[np.int64], half_depth: float) -> FloatArray:
    """The growth law of Figure 7: :math:`\\lambda_{\\min}(L) = \\tfrac34 L/(L + L_{1/2})`."""
    depths = np.asarray(depths, dtype=np.float64)
    return LIMIT_SMALLEST_EIGENVALUE * depths / (depths + half_depth)


def eigenvalue_dataset(
    half_depths: Sequence[float], sizes: Sequence[int] = (30, 60), dimensions: Sequence[int] = (3, 20)
) -> xr.Dataset:
    """``eigenvalues.nc``: :math:`\\lambda_{\\min}` of the normalised NTK matrix on the growth
    law :func:`saturating_eigenvalue`, with half-saturation depth ``half_depths[k]`` at the
    k-th size (every dimension alike; the checks read the smallest), depths 0 .. 20 and 50,
    100; the closest pair's gap is the one the law's onset implies,
    :math:`(3/L_{1/2})^2` (it only feeds the notes)."""
    depths = np.concatenate([np.arange(0, 21), [50, 100]]).astype(np.int64)
    curves = np.stack([saturating_eigenvalue(depths, half) for half in half_depths])
    smallest = np.broadcast_to(curves, (len(dimensions), len(sizes), len(depths))).copy()
    gaps = np.broadcast_to([(3.0 / half) ** 2 for half in half_depths], (len(dimensions), len(sizes))).copy()
    return xr.Dataset(
        {
            "smallest_eigenvalue": (("dimension", "size", "depth"), smallest),
            "closest_gap": (("dimension", "size"), gaps),
        },
        coords={
            "dimension": np.asarray(dimensions, dtype=np.int64),
            "size": np.asarray(sizes, dtype=np.int64),
            "depth": depths,
        },
        attrs={"limit_smallest_eigenvalue": LIMIT_SMALLEST_EIGENVALUE, "root_seed": ROOT_SEED},
    )


# Claim 2: with L_1/2 = 2 at both sizes, lambda_min at depth 5 is 3/4 x 5/7 (71% of the limit,
# >= 50%) and the same at both n. L_1/2 = 20: 5/25 = 20% (depth differs; size agrees, 1). L_1/2
# from 2 to 20 as n doubles: 20% at the largest n and 0.28 of its value at the smallest (size
# differs; depth too: no law of this form keeps 50% at the largest n and loses half of it).
STABLE_HALF_DEPTHS, LATE_HALF_DEPTHS, SIZE_DEPENDENT_HALF_DEPTHS = (2.0, 2.0), (20.0, 20.0), (2.0, 20.0)


# --------------------------------------------------------------------------- claim 3: Figure 6


def projection_dataset(
    half_depth_per_point: float, stopping_times: Sequence[float] = (3.0, 10.0), scaled: bool = True
) -> xr.Dataset:
    """``projection.nc``: per data set, size n and depth L, :math:`\\lambda_{\\min}` of the
    normalised training matrix on the growth law with :math:`L_{1/2} = ` ``half_depth_per_point``
    :math:`\\times n` (the closest pair tightens as n grows), and the projection operator's norm
    :math:`(1 - e^{-t\\lambda_{\\min}})/\\lambda_{\\min}` at each stopping time (``inf`` added).
    The depth scaled to n is :math:`L_{1/2}` itself (``scaled``; there :math:`\\lambda_{\\min} = 3/8`
    whatever n), or the fixed depth 5 at every n (``scaled=False``: depth not scaled)."""
    from finite_ntk.papers.seed002.predictor import projection_operator_norm

    sizes = np.array([50, 100, 200, 400], dtype=np.int64)
    half = half_depth_per_point * sizes.astype(np.float64)
    scaled_depth = np.maximum(1, np.round(half)).astype(np.int64) if scaled else np.full(len(sizes), 5)
    depths = np.unique(np.concatenate([[1, 2, 5, 10, 30, 100, 300, 1000], scaled_depth])).astype(np.int64)
    lam = np.stack([saturating_eigenvalue(depths, h) for h in half])  # (size, depth)
    smallest = np.broadcast_to(lam, (2, *lam.shape)).copy()
    times = np.array([*stopping_times, math.inf])
    operator = np.stack([projection_operator_norm(smallest, t) for t in times], axis=-1)
    return xr.Dataset(
        {
            "smallest_eigenvalue": (("dataset", "size", "depth"), smallest),
            "operator_norm": (("dataset", "size", "depth", "stopping_time"), operator),
            "scaled_depth": (("dataset", "size"), np.broadcast_to(scaled_depth, (2, len(sizes))).copy()),
        },
        coords={
            "dataset": np.array(["synthetic", "digits"], dtype=object),
            "data_name": ("dataset", np.array(["synthetic points", "MNIST"], dtype=object)),
            "size": sizes,
            "depth": depths,
            "stopping_time": times,
        },
        attrs={"n_train": int(sizes[-1]), "fixed_depth": 5, "depth_scale": 1.0, "root_seed": ROOT_SEED},
    )


# Claim 3: L_1/2 = n (1 per point) puts lambda_min at depth 5 and n = 400 at 3/4 x 5/405 = 9.3e-3,
# so t = 3 lowers the norm from 108 to 2.9 (37-fold, >= 2); at the depth scaled to n, lambda_min
# is 3/8 at every n (growth 1, <= 2). L_1/2 = 0.001 n: lambda_min is about 3/4 at every depth and
# t = 3 changes the norm by 1.12 only (stopping makes no difference: differs). Depth not scaled
# (5 at every n): the unstopped norm grows 7.5-fold from n = 50 to 400 (differs).
ACTING_HALF_DEPTH, IDLE_HALF_DEPTH = 1.0, 0.001


# --------------------------------------------------------------------------- claim 4: Table 1


def lazy_datasets(
    neuron_exponent: float,
    widths: Sequence[int] = (64, 128, 256, 512),
    tokens: int = 8,
    steps: int = 20,
    networks: int = 2,
    inner_product_exponent: float = 0.0,
) -> list[xr.Dataset]:
    """``lazy/w<width>.nc``: per width :math:`n` and network, initial features :math:`h_0` and
    deviations :math:`\\Delta h = n^{e} g` with :math:`g` standard normal per token and neuron;
    per token the aggregate :math:`|\\Delta h|_2`, the mean and largest single-neuron
    :math:`|\\Delta h_j|` and :math:`|\\Delta h|_2 / |h_0|_2`; per pair of tokens an
    inner-product change of size :math:`n^{q}` (``inner_product_exponent`` q; the normalised
    Gram's is that over n); a training loss falling geometrically. The single-neuron deviation
    scales as :math:`n^{e}`, the aggregate as :math:`n^{e + 1/2}`."""
    out = []
    pairs = tokens * (tokens - 1) // 2
    for width in widths:
        rng = _rng(width)
        h0 = rng.standard_normal((networks, tokens, width))
        delta = width**neuron_exponent * rng.standard_normal((networks, tokens, width))
        aggregate = np.linalg.norm(delta, axis=2)
        inner = width**inner_product_exponent * rng.uniform(0.5, 1.5, size=(networks, pairs))
        out.append(
            xr.Dataset(
                {
                    "aggregate_deviation": (("network", "token"), aggregate),
                    "neuron_deviation_mean": (("network", "token"), np.abs(delta).mean(axis=2)),
                    "neuron_deviation_max": (("network", "token"), np.abs(delta).max(axis=2)),
                    "relative_deviation": (("network", "token"), aggregate / np.linalg.norm(h0, axis=2)),
                    "inner_product_change": (("network", "pair"), inner),
                    "gram_change": (("network", "pair"), inner / width),
                    "cosine_change": (("network", "pair"), inner / width),
                    "loss": (("network", "step"), np.tile(20.0 * 0.7 ** np.arange(steps + 1), (networks, 1))),
                },
                coords={"network": np.arange(networks), "token": np.arange(tokens), "step": np.arange(steps + 1)},
                attrs={
                    "width": width,
                    "tokens": tokens,
                    "classes": 4,
                    "learning_rate": 0.5,
                    "steps": steps,
                    "networks": networks,
                    "root_seed": ROOT_SEED,
                },
            )
        )
    return out


# Claim 4: e = -1/2 gives slopes -1/2 (neurons, <= -0.25: vanish) and 0 (aggregate, > -0.25:
# persists). e = 0: the neurons' slope is 0 (they do not vanish); e = -1: the aggregate's is -1/2.
NTK_EXPONENT, FROZEN_NEURONS_EXPONENT, VANISHING_LAYER_EXPONENT = -0.5, 0.0, -1.0
# Proposition 4: an inner-product change of size n^0 (slope about 0, persists); n^-1 (it vanishes
# as the normalised Gram's does in the NTK limit: slope -1).
PERSISTING_INNER_PRODUCT, VANISHING_INNER_PRODUCT = 0.0, -1.0


# --------------------------------------------------------------------------- claim 5: the depth rate

RATE_GAPS = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.5, 1.0, 1.5, 2.0)  # 1 - rho0 of the pairs
PLANTED_RATE = 0.376  # c of (N - 1/4) L = c log L + b, about the recursion's


def depth_rate_dataset(
    limit: float = OFF_DIAGONAL_LIMIT, rate_power: float | None = None, onset_power: float = 0.5
) -> xr.Dataset:
    """``depth_rate.nc`` for the gaps :data:`RATE_GAPS` at 200 log-spaced depths to 1e5:
    :math:`L^2\\delta_L = u^2/(1 + au/2)^2` with :math:`u = L\\,\\delta_0^{p}` (``onset_power``
    p; Corollary 1's 1/2 puts the onset at :math:`L \\propto \\delta_0^{-1/2}`, 0 at one depth for
    every pair), and the normalised NTK :math:`N_L = \\ell + (c\\log L + 1)/L` (``limit`` ℓ,
    c = :data:`PLANTED_RATE`), or :math:`\\ell + L^{-r}` for a ``rate_power`` r (another rate)."""
    from finite_ntk.papers.seed002.experiments import COLLAPSE_COEFFICIENT

    depth = np.unique(np.round(np.geomspace(1, 1e5, 200))).astype(np.int64)
    gaps = np.asarray(RATE_GAPS)
    L = depth.astype(np.float64)[:, None]
    onset = L * gaps[None, :] ** onset_power
    scaled_gap = onset**2 / (1.0 + COLLAPSE_COEFFICIENT * onset / 2.0) ** 2
    if rate_power is None:
        approach = (PLANTED_RATE * np.log(L) + 1.0) / L
    else:
        approach = L**-rate_power
    normalised = limit + np.broadcast_to(approach, scaled_gap.shape)
    return xr.Dataset(
        {
            "one_minus_rho": (("depth", "pair"), scaled_gap / L**2),
            "normalised_ntk": (("depth", "pair"), normalised),
            "scaled_off_diagonal": (("depth", "pair"), (normalised - OFF_DIAGONAL_LIMIT) * L),
            "scaled_gap": (("depth", "pair"), scaled_gap),
            "onset_coordinate": (("depth", "pair"), L * np.sqrt(gaps)[None, :]),
        },
        coords={"depth": depth, "pair": np.arange(len(gaps)), "one_minus_rho0": ("pair", gaps)},
        attrs={"off_diagonal_limit": OFF_DIAGONAL_LIMIT, "gap_constant": GAP_CONSTANT, "root_seed": ROOT_SEED},
    )


# Claim 5: the positive control's limit is 1/4 (fitted to round-off), its c is 0.376 in both
# decades (spread 0), its onset at u = L sqrt(delta0) = 16 (slope -1/2). Negatives: a limit of
# 0.3 (0.05 off, 50 x the threshold); a rate L^-1/2 ((N - 1/4) L = sqrt(L): the fitted c grows
# by sqrt(10) from one decade to the next); an onset at the same depth for every gap (slope 0).
OFF_LIMIT, OTHER_RATE_POWER, FIXED_ONSET_POWER = 0.3, 0.5, 0.0


# --------------------------------------------------------------------------- the controls


def control_inputs(
    limit: FloatArray | None = None,
    half_depths: Sequence[float] = STABLE_HALF_DEPTHS,
    half_depth_per_point: float = ACTING_HALF_DEPTH,
    depth_scaled: bool = True,
    neuron_exponent: float = NTK_EXPONENT,
    inner_product_exponent: float = PERSISTING_INNER_PRODUCT,
    depth_rate: xr.Dataset | None = None,
) -> ClaimInputs:
    """A run's claim inputs from the four builders; every argument's default is the positive
    value (``limit``: Theorem 2's)."""
    limit = theorem_limit() if limit is None else limit
    return ClaimInputs(
        Seed002Data(
            convergence={name: convergence_dataset(name, limit) for name in DIMENSIONS},
            projection=projection_dataset(half_depth_per_point, scaled=depth_scaled),
            eigenvalues=eigenvalue_dataset(half_depths),
            lazy=lazy_datasets(neuron_exponent, inner_product_exponent=inner_product_exponent),
            depth_rate=depth_rate_dataset() if depth_rate is None else depth_rate,
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
    """Claim 2, depth: lambda_min at depth 5 is 20% of its limit 3/4 (half-saturation at 20)."""
    return control_inputs(half_depths=LATE_HALF_DEPTHS)


def size_dependent_eigenvalue() -> ClaimInputs:
    """Claim 2, size: lambda_min at depth 5 falls to 0.28 of its value as n doubles."""
    return control_inputs(half_depths=SIZE_DEPENDENT_HALF_DEPTHS)


def idle_stopping() -> ClaimInputs:
    """Claim 3, stopping: lambda_min is near 3/4 everywhere, so stopping changes the norm by 12%."""
    return control_inputs(half_depth_per_point=IDLE_HALF_DEPTH)


def unscaled_depth() -> ClaimInputs:
    """Claim 3, scaled: the "scaled" depth stays 5 as n grows; 1/lambda_min grows 7.5-fold."""
    return control_inputs(depth_scaled=False)


def frozen_neurons() -> ClaimInputs:
    """Claim 4, neuron: single neurons deviate by O(1) whatever the width (slope 0)."""
    return control_inputs(neuron_exponent=FROZEN_NEURONS_EXPONENT)


def vanishing_layer() -> ClaimInputs:
    """Claim 4, aggregate: neurons deviate by 1/n, so the layer's deviation falls as n^-1/2."""
    return control_inputs(neuron_exponent=VANISHING_LAYER_EXPONENT)


def vanishing_inner_product() -> ClaimInputs:
    """Claim 4, inner product: h(x).h(x') changes by 1/n, vanishing with width."""
    return control_inputs(inner_product_exponent=VANISHING_INNER_PRODUCT)


def off_limit() -> ClaimInputs:
    """Claim 5, limit: the normalised off-diagonal NTK tends to 0.3."""
    return control_inputs(depth_rate=depth_rate_dataset(limit=OFF_LIMIT))


def other_rate() -> ClaimInputs:
    """Claim 5, rate: the approach to 1/4 is L^-1/2, not c log L / L."""
    return control_inputs(depth_rate=depth_rate_dataset(rate_power=OTHER_RATE_POWER))


def fixed_onset() -> ClaimInputs:
    """Claim 5, onset: every pair reaches its rate at the same depth, whatever its gap."""
    return control_inputs(depth_rate=depth_rate_dataset(onset_power=FIXED_ONSET_POWER))


CONTROLS: Mapping[str, Control] = MappingProxyType(
    {
        "seed002.1.equal": Control(positive, unequal_limit),
        "seed002.1.invertible": Control(positive, singular_limit),
        "seed002.2.depth": Control(positive, late_stabilisation),
        "seed002.2.size": Control(positive, size_dependent_eigenvalue),
        "seed002.3.stopping": Control(positive, idle_stopping),
        "seed002.3.scaled": Control(positive, unscaled_depth),
        "seed002.4.neuron": Control(positive, frozen_neurons),
        "seed002.4.aggregate": Control(positive, vanishing_layer),
        "seed002.4.inner_product": Control(positive, vanishing_inner_product),
        "seed002.5.limit": Control(positive, off_limit),
        "seed002.5.rate": Control(positive, other_rate),
        "seed002.5.onset": Control(positive, fixed_onset),
    }
)


__all__ = [
    "CONTROLS",
    "control_inputs",
    "convergence_dataset",
    "eigenvalue_dataset",
    "projection_dataset",
    "lazy_datasets",
    "depth_rate_dataset",
    "theorem_limit",
    "with_pair",
]
