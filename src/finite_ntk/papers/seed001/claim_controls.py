"""Seed 001's claim controls: for every claim of :mod:`finite_ntk.papers.seed001.claims`, a
positive control (data on which the paper's statement holds: the verdict must be *agrees*)
and a negative one (data on which it is false: *differs*). tests/test_claim_controls.py runs
them.

The data come from one small model of the paper's picture, a :class:`World`. Every cell
(activation, sigma_b^2, width M, sigma_w^2, depth L) has a *growth*

    g = FLOOR + rate * profile(L) / M_eff(M),
    rate = ordered_rate [chi_1 < 1] + chaotic_rate ln(1 + chi_1^k) / k
           + border_rate exp(-(ln chi_1 / BORDER_WIDTH)^2),   k = SHARPNESS (M_eff / M_0)^sharpening,

with chi_1 mean-field theory's slope at the cell's (sigma_w^2, sigma_b^2)
(:func:`finite_ntk.mean_field.chi_1`), ln(1 + chi_1^k) / k a smoothed max(ln chi_1, 0) whose
corner at the border is 1/k wide in ln chi_1, M_0 the grid's smallest width, profile(L) = L and
M_eff = M in the paper's world: the kernel's fluctuations and its motion grow with L / M at a
rate set by the phase, and the transition sharpens as M grows. At initialisation the growth
is ln R (R = E[K^2] / E[K]^2, so std/mean = sqrt(e^g - 1)):
:func:`phase_stats` builds ``phase_stats.nc``. In training it is the relative NTK change at
the end: :func:`training_stats` builds ``training_stats.nc``, the minimal loss and the step
count from two more knobs. :func:`claim_inputs` wraps both with the config values the checks
read (:data:`SETTINGS`, as config/config.yaml has them).

The paper's world ``World()`` satisfies every statement: it is every claim's positive
control. Its K is log-normal with Var log K = g in every cell, so the log-normal plug-in
R_log = exp(g) is R and the normality test of log K passes (p = 0.5); the plain ratio is R
capped at the replicate count (saturated above half of it), and the planted coverage table
(:func:`coverage_table`) trusts the plain ratio up to R = PLAIN_LIMIT and R_log's chi-square
interval under log-normality, as the claims read them
(:func:`finite_ntk.coverage.select_ratio_estimate`). Each negative control
(:data:`NEGATIVE`) changes only the knob its statement is about: the ordered phase's rate
(claims 1, 9), the direction of the depth trend (2, 10) or of the width trend (3, 11, 18), the
border's rate (4, 23), the chaotic rate (5, 24; 6's exponential: none), the power of M (6),
how the transition's sharpness follows M (7: a band planted at fixed L/M,
:func:`_plant_sharpening`, read by claim 7's controls alone), how the Monte-Carlo border
follows sigma_b^2 (8), the band's growth with sigma_b^2 (19), the kappas' knobs (20-22:
:func:`kappa_stats`), the loss of deep chaotic networks (12: they stop training as soon as
the ordered ones), the sign of the steps' trend with the change (13), how early a chaotic
kernel moves (25). Every world's training file also holds a diverged run and one stopped at
the stability edge (:data:`UNFINISHED_RUNS`) that the training claims must leave out;
:data:`NOT_AVAILABLE_WORLDS` holds worlds on which claims 12 and 13 must say *n/a* (no network
trains; no run stops early).
:data:`NOT_ESTIMABLE_WORLDS` holds worlds on which a claim can only say *not estimable*: heavy tails (``heavy_above``: the
normality test of log K rejects and the plain ratio's interval reaches past its trusted
limit) in exactly the cells that would decide, beyond the claim's threshold of a negative
world (claims 1, 4, 5) or beyond the first class threshold of the paper's world (7, 8), read
with a coverage table that trusts no lower bound of R (with one, the lower bounds decide
claims 1, 4, 5: tests/test_seed001_heavy_tails.py). The builders write the variables,
dimensions, coordinates and attributes of the workflow's files
(:mod:`~finite_ntk.papers.seed001.reduction`, :mod:`~finite_ntk.papers.seed001.training_grid`)
on a small grid.
"""

from __future__ import annotations

from functools import partial
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

import numpy as np
import xarray as xr

import finite_ntk.mean_field as mean_field
from finite_ntk.claims import Control
from finite_ntk.coverage import INTERVALS, LAWS
from finite_ntk.heavy_tails import LOG_STATISTICS_ATTRS
from finite_ntk.papers.seed001.claims import CLAIMS, ClaimInputs
from finite_ntk.papers.seed001.report import Seed001Data
from finite_ntk.papers.seed001.theorem3_claims import THEOREM3_CONTROLS

# --------------------------------------------------------------------------- the world

# ln R = 0.01 at every depth without growth: std/mean = 0.1, a third of the first threshold
# (0.3); in training, a relative NTK change of 0.01, a tenth of kernel_close (0.1).
FLOOR = 0.01
# Width in ln chi_1 of the border's bump (border_rate): the sampled sigma_w^2 nearest the
# border (|ln chi_1| <= 0.02 on the maps) get at least 0.85 of it, cells a step of 0.5 away
# in sigma_w^2 (|ln chi_1| >= 0.07) at most 0.15.
BORDER_WIDTH = 0.05
# Sharpness k of the transition at the smallest width, in 1 / ln chi_1: the clearly ordered cells
# (ln chi_1 <= ln 0.8) keep std/mean <= 0.15 (threshold 0.3) at every depth, the border's 0.4 at
# L / M = 1.28 (threshold 1).
SHARPNESS = 10.0
# Minimal loss over the best constant output's loss of a network that trains.
TRAINED_LOSS = 0.2


class World(NamedTuple):
    """The knobs of the model (module docstring); the defaults are the paper's world."""

    ordered_rate: float = 0.0  # growth per unit L / M where chi_1 < 1: none, the ordered phase stays put
    # Growth per unit L / M and unit ln chi_1 in the chaotic phase. 1.5 keeps shallow networks nearly
    # deterministic: at L = 2, M = 50 the largest rate (ReLU, sigma_w^2 = 5: 1.5 ln 2.5 = 1.37) gives
    # std/mean 0.26 < 0.3, while deep ones leave the class (std/mean 2.2 at L / M = 1.28).
    chaotic_rate: float = 1.5
    border_rate: float = 0.0  # extra growth at the border (chi_1 = 1): none, the border stays put
    sharpening: float = 1.0  # k = SHARPNESS (M_eff / M_0)^sharpening: the transition sharpens as M grows
    depth_trend: int = 1  # +1: profile(L) = L (grows with depth); -1: L_min + L_max - L (falls)
    width_power: float = 1.0  # M_eff = M_0 (M / M_0)^p (M_0 the smallest width): p = 1 is L / M
    # None: each sigma_b^2's own chi_1 (the Monte-Carlo border follows mean-field theory's); a
    # number s: every sigma_b^2 has the maps' chi_1 at sigma_w^2 - s (sigma_b^2 - maps' sigma_b^2),
    # so the border moves by s per unit sigma_b^2 whatever the activation (0: it stays).
    border_shift: float | None = None
    # Training: the minimal loss over the constant output's at the shallowest depth (every sigma_w^2),
    # from which it moves linearly in L to deep_ordered_loss at the deepest depth where chi_1 < 1 (1.0:
    # no better than a constant) and to deep_chaotic_loss where chi_1 >= 1 (trains at every depth).
    shallow_loss: float = TRAINED_LOSS
    deep_ordered_loss: float = 1.0
    deep_chaotic_loss: float = TRAINED_LOSS
    steps_trend: int = -1  # -1: runs that change their kernel less take more steps; +1: fewer
    early_stops: bool = True  # False: every run reaches the training time (status cap)
    # Heavy tails: cells whose R exceeds this have a log K that the normality test rejects
    # (p = REJECTED_PVALUE): R_log is not trusted there. None: log K Gaussian everywhere.
    heavy_above: float | None = None
    # Training snapshots: the change at a snapshot is the end's times (share of the run done)^p,
    # p = chaotic_early_power where chi_1 > 1 (a chaotic kernel moves early) and 1 elsewhere.
    chaotic_early_power: float = 0.2
    # Figure 7's band (claim 19): the band of sigma_w^2 between the classes at the bias maps' width
    # and deepest depth is BAND_WIDTH + band_growth * (sigma_b^2 index): wider at larger sigma_b^2.
    band_growth: float = 0.5
    # Lemma 2's kappas (kappa_stats): kappa_1/kappa_2 of the ordered point tends to 1 +
    # kappa_ordered_excess with depth; the border's and chaotic point's grow with depth
    # (kappa_depth_trend +1) or fall (-1); kappa_2 spreads over the input covariances by
    # kappa_spread of its mean.
    kappa_ordered_excess: float = 0.0
    kappa_depth_trend: int = 1
    kappa_spread: float = 0.05


PAPER_WORLD = World()


def _chi(activation: str, weights: np.ndarray, bias: float) -> np.ndarray:
    return np.asarray(mean_field.chi_1(activation, weights, bias), dtype=np.float64)


def growth(world: World, chi: np.ndarray, depths: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """The growth g on the grid (width, sigma_w^2, depth) of one activation and sigma_b^2;
    ``chi``: chi_1 per sigma_w^2."""
    depths, widths = depths.astype(np.float64), widths.astype(np.float64)
    effective = widths.min() * (widths / widths.min()) ** world.width_power
    log_chi = np.log(chi)[None, :]
    sharpness = SHARPNESS * (effective / widths.min())[:, None] ** world.sharpening
    rate = (
        world.ordered_rate * (log_chi < 0)
        + world.chaotic_rate * np.logaddexp(0.0, sharpness * log_chi) / sharpness
        + world.border_rate * np.exp(-((log_chi / BORDER_WIDTH) ** 2))
    )
    profile = depths if world.depth_trend > 0 else depths.min() + depths.max() - depths
    return FLOOR + rate[:, :, None] * profile[None, None, :] / effective[:, None, None]


# --------------------------------------------------------------------------- phase_stats.nc

# The config's seed001 values the checks read (relative_std_thresholds, maps.bias_variance,
# bias_maps.width, depth_curves) and its heavy_tails ones, as config/config.yaml has them.
SETTINGS: Mapping[str, Any] = MappingProxyType(
    {
        "std_thresholds": (0.3, 1.0),
        "maps_bias_variance": 1.0,
        "bias_maps_width": 100,
        "curves_activation": "relu",
        "curves_points": ((1.0, 1.0), (1.5, 1.0), (2.0, 0.0), (3.0, 1.0)),
        "significance": 0.05,  # heavy_tails.significance
        "min_coverage": 0.9,  # heavy_tails.min_coverage
    }
)
# A smaller grid than the config's, reaching further in sigma_w^2 (to 7): tanh's border lies at
# 2.84, 3.44 and 4.27 for sigma_b^2 = 0.5, 1, 2, so each sigma_b^2 > 0 leaves the nearly
# deterministic class on the grid (claim 8) with room for Figure 7's band past it (claim 19);
# three widths for the trends with M.
PHASE_GRID: Mapping[str, tuple[Any, ...]] = MappingProxyType(
    {
        "activation": ("relu", "tanh"),
        "bias_variance": (0.0, 0.5, 1.0, 2.0),
        "width": (50, 100, 200),
        "weight_variance": tuple(np.arange(2, 29) / 4),
        "depth": (1, 2, 3, 4, 6, 8, 10, 14, 18, 24, 30, 40, 50, 64),
    }
)
REPLICATES = 200
SATURATION_FRACTION = 0.5
CONFIDENCE = 0.95
# The planted coverage table: the plain ratio's bootstrap interval covers up to R = PLAIN_LIMIT
# at every tabulated N (so cells with an upper bound beyond it need R_log), R_log's chi-square
# interval covers under log-normality (and not under the skewed law).
PLAIN_LIMIT = 1.1
COVERAGE_RATIOS = (1.01, 1.1, 1.5, 2.0, 10.0, 100.0, 1000.0)
COVERAGE_SIZES = (100, 200, 1000)
GAUSSIAN_PVALUE = 0.5  # normality test of log K where log K is Gaussian
REJECTED_PVALUE = 1e-3  # and where it is not (heavy_above)


def log_statistics(world: World, log_variance: np.ndarray) -> dict[str, np.ndarray]:
    """The log-space statistics of cells whose log K is N(0, g) over REPLICATES draws without
    an atom (Var log K = g, so R_log = exp(g) = R), with the chi-square interval of R_log at
    CONFIDENCE; the normality test rejects where R > ``world.heavy_above``."""
    from scipy.stats import chi2

    dof = REPLICATES - 1
    tail = (1 - CONFIDENCE) / 2
    heavy = (
        np.zeros(log_variance.shape, bool) if world.heavy_above is None else log_variance > np.log(world.heavy_above)
    )
    zeros = np.zeros_like(log_variance)
    return {
        "atom_fraction": zeros,
        "positive_count": np.full_like(log_variance, REPLICATES),
        "log_mean": zeros,
        "log_variance": log_variance,
        "log_skewness": np.where(heavy, -1.0, 0.0),
        "log_excess_kurtosis": np.where(heavy, 2.0, 0.0),
        "normality_pvalue": np.where(heavy, REJECTED_PVALUE, GAUSSIAN_PVALUE),
        "log_normal_ratio": np.exp(log_variance),
        "log_normal_ratio_lo": np.exp(log_variance * dof / chi2.ppf(1 - tail, dof)),
        "log_normal_ratio_hi": np.exp(log_variance * dof / chi2.ppf(tail, dof)),
    }


def coverage_table(plain_limit: float = PLAIN_LIMIT, lower_bound: bool = True) -> xr.Dataset:
    """A coverage table (:func:`finite_ntk.coverage.coverage_table`'s ``coverage``, dims law x
    n x ratio x interval) in which the plain bootstrap covers 0.95 up to R = ``plain_limit`` and
    0.5 beyond, R_log's chi-square interval 0.95 under both laws (so R_log is trusted at every
    tabulated R: the planted K is log-normal), its bootstrap 0.9. The misses (``miss_low``) lie
    below R but for 0.02 of the plain bootstrap's (and half of the others'), as measured on the
    NTK's laws: the plain interval's lower end bounds R from below at every R (with
    ``lower_bound`` False they lie above R: it bounds nothing beyond ``plain_limit``)."""
    ratios = np.asarray(COVERAGE_RATIOS)
    values = np.empty((len(LAWS), len(COVERAGE_SIZES), ratios.size, len(INTERVALS)))
    values[..., INTERVALS.index("plain_bootstrap")] = np.where(ratios <= plain_limit, 0.95, 0.5)
    values[..., INTERVALS.index("log_chi_square")] = 0.95
    values[..., INTERVALS.index("log_bootstrap")] = 0.9
    miss_low = (1 - values) / 2
    if lower_bound:
        miss_low[..., INTERVALS.index("plain_bootstrap")] = 0.98 - values[..., INTERVALS.index("plain_bootstrap")]
    else:
        miss_low[..., INTERVALS.index("plain_bootstrap")] = 0.0
    dims = ("law", "n", "ratio", "interval")
    return xr.Dataset(
        {"coverage": (dims, values), "miss_low": (dims, miss_low)},
        coords={
            "law": list(LAWS),
            "n": np.asarray(COVERAGE_SIZES, dtype=np.int64),
            "ratio": ratios.astype(np.float64),
            "interval": list(INTERVALS),
        },
        attrs={"confidence": CONFIDENCE, "significance": 0.05, "simulations": 200, "resamples": 1000},
    )


def phase_stats(world: World = PAPER_WORLD) -> xr.Dataset:
    """``phase_stats.nc`` of ``world``: R = exp(g), capped at the replicate count as the sample
    ratio is (flagged saturated above SATURATION_FRACTION of it), its interval R - 1 scaled by
    0.8 and 1.25; the log-space statistics of a log-normal K with Var log K = g
    (:func:`log_statistics`); mean-field chi_1 and border; mean_k and mean_k_infinite (read by
    no check) 1."""
    grid = {name: np.asarray(values) for name, values in PHASE_GRID.items()}
    maps_bias = float(SETTINGS["maps_bias_variance"])
    cells = (len(grid["activation"]), len(grid["bias_variance"]))
    ratio = np.empty(cells + (len(grid["width"]), len(grid["weight_variance"]), len(grid["depth"])))
    chi = np.empty(cells + (len(grid["weight_variance"]),))
    border = np.empty(cells)
    for a, activation in enumerate(grid["activation"]):
        for b, bias in enumerate(grid["bias_variance"]):
            chi[a, b] = _chi(activation, grid["weight_variance"], bias)
            border[a, b] = float(mean_field.order_chaos_border(activation, bias))
            if world.border_shift is None:
                phase = chi[a, b]
            else:
                shifted = grid["weight_variance"] - world.border_shift * (bias - maps_bias)
                phase = _chi(activation, np.maximum(shifted, 0.05), maps_bias)
            ratio[a, b] = np.exp(growth(world, phase, grid["depth"], grid["width"]))
    log_variance = np.log(ratio)
    ratio = np.minimum(ratio, REPLICATES)
    dims = ("activation", "bias_variance", "width", "weight_variance", "depth")
    logs = log_statistics(world, log_variance)
    return xr.Dataset(
        {
            "second_moment_ratio": (dims, ratio),
            "second_moment_ratio_lo": (dims, 1 + 0.8 * (ratio - 1)),
            "second_moment_ratio_hi": (dims, np.minimum(1 + 1.25 * (ratio - 1), REPLICATES)),
            "mean_k": (dims, np.ones_like(ratio)),
            "saturated": (dims, (ratio > SATURATION_FRACTION * REPLICATES).astype(np.int8)),
            "replicates": (("width",), np.full(len(grid["width"]), REPLICATES, dtype=np.int64)),
            **{name: (dims, values, dict(LOG_STATISTICS_ATTRS[name])) for name, values in logs.items()},
            "mean_k_infinite": (dims, np.ones_like(ratio)),
            "chi_1": (dims[:2] + ("weight_variance",), chi),
            "border_weight_variance": (dims[:2], border),
        },
        coords={
            "activation": grid["activation"].astype("<U4"),
            "bias_variance": grid["bias_variance"].astype(np.float64),
            "width": grid["width"].astype(np.int64),
            "weight_variance": grid["weight_variance"].astype(np.float64),
            "depth": grid["depth"].astype(np.int64),
        },
        attrs={
            "saturation_fraction": SATURATION_FRACTION,
            "confidence": CONFIDENCE,
            "resamples": 200,
            "input_dimension": 100,
            "input_length": 1.0,
            "parameterization": "standard",
            "root_seed": 20250613,
        },
    )


# --------------------------------------------------------------------------- training_stats.nc

# The config's training grid and main width (256), and sigma_w^2 = 5: tanh's clearly ordered
# sigma_w^2 (chi_1 <= 0.8) are 0.5-2, its clearly chaotic (>= 1.1) 4.5 and 5 (two lines for claim
# 10; the config's grid has one, and claim 10 says n/a there); ReLU's 0.5-1.5 and 2.5-5.
TRAINING_GRID: Mapping[str, tuple[Any, ...]] = MappingProxyType(
    {
        "activation": ("tanh", "relu"),
        "width": (64, 128, 256),
        "weight_variance": tuple(np.arange(1, 11) / 2),
        "depth": (1, 2, 4, 8, 16),
        "snapshot": (10, 100, 1000, 10000),
    }
)
# The config's protocol: lr 1e-5 up to tau = 1 (1e5 paper steps) by the flow integrator.
TRAINING_ATTRS: Mapping[str, Any] = MappingProxyType(
    {
        "learning_rate": 1e-5,
        "max_steps": 100000,
        "training_time": 1.0,
        "integrator": "flow",
        "integrator_settings": "literal_steps 100, step_growth 0.05, tolerance 0.03, max_literal_steps 5000",
        "patience": 100,
        "min_decrease": 1e-7,
        "status_codes": "0: converged, 1: cap, 2: diverged, 3: edge",
        "dataset_name": "MNIST",
        "dataset_description": "MNIST training images (28x28)",
        "input_scale": "pixels / 255 (range [0, 1], as in the authors' code), flattened",
        "samples": 128,
        "input_dimension": 784,
        "root_seed": 20250613,
        "bias_variance": 1.0,
        "main_width": 256,
        "constant_loss": 0.45,
    }
)
# training_stats.nc's status codes (finite_ntk.papers.seed001.training_grid.STATUS_CODES).
CONVERGED, CAP, DIVERGED, EDGE = 0, 1, 2, 3
# Runs of every world that the training claims must leave out (they did not finish): at the main
# width and the deepest depth, per activation, sigma_w^2 -> (status, relative NTK change at the
# end, minimal loss over the constant output's). Both sigma_w^2 are clearly ordered for tanh and
# ReLU; their change (10 and 50 times kernel_close) would make claim 9 differ, their loss (a tenth
# of the constant output's) would make the deep ordered networks of claim 12 train, if read.
UNFINISHED_RUNS: Mapping[float, tuple[int, float, float]] = MappingProxyType(
    {0.5: (DIVERGED, 5.0, 0.1), 1.0: (EDGE, 1.0, 0.1)}
)
# The largest eigenvalue of the full NTK at initialisation (read by no check): lr x lambda / n well
# below gradient descent's limit 2, except at the edge run (at it).
LAMBDA_MAX_FULL = 1e4


def training_stats(world: World = PAPER_WORLD) -> xr.Dataset:
    """``training_stats.nc`` of ``world``: the change at the end is g; the minimal loss over
    the constant output's is shallow_loss at the shallowest depth, moving linearly with depth
    to deep_ordered_loss where chi_1 < 1 and to deep_chaotic_loss elsewhere; the paper steps
    (tau / lr) run from a tenth of the cap to past it (clipped: status cap, tau = 1 reached; below
    it status converged, an early stop), linearly in the change's rank, as the change falls
    (steps_trend -1) or grows (+1), or are
    the cap everywhere (``early_stops`` False); the change at a snapshot is the end's times the
    share of the run done by then, to the power chaotic_early_power in the chaotic phase. Every
    world has the :data:`UNFINISHED_RUNS` (a diverged run
    and one stopped at the stability edge, status 2 and 3)."""
    from scipy.stats import rankdata

    grid = {name: np.asarray(values) for name, values in TRAINING_GRID.items()}
    attrs = dict(TRAINING_ATTRS)
    depth = grid["depth"].astype(np.float64)
    chi = np.stack([_chi(a, grid["weight_variance"], attrs["bias_variance"]) for a in grid["activation"]])
    change = np.stack([growth(world, c, grid["depth"], grid["width"]) for c in chi])
    deep = (depth - depth.min()) / (depth.max() - depth.min())
    deepest = np.where(chi < 1, world.deep_ordered_loss, world.deep_chaotic_loss)[:, None, :, None]
    loss = world.shallow_loss + (deepest - world.shallow_loss) * deep
    loss = np.broadcast_to(loss, change.shape) * attrs["constant_loss"]
    # The change's rank over every cell, in [0, 1]: the steps spread evenly over their range.
    position = (rankdata(change, axis=None).reshape(change.shape) - 1) / (change.size - 1)
    cap = int(attrs["max_steps"])
    share = position if world.steps_trend > 0 else 1 - position
    steps = np.minimum(np.rint(cap * (0.1 + 1.1 * share)), cap).astype(np.int64)
    if not world.early_stops:
        steps = np.full_like(steps, cap)
    status = np.where(steps >= cap, CAP, CONVERGED).astype(np.int8)
    change, loss = change.copy(), loss.copy()
    lambda_max = np.full(change.shape, LAMBDA_MAX_FULL)
    literal = np.full(change.shape, 100.0)
    main = list(grid["width"]).index(int(attrs["main_width"]))
    for weight, (code, end_change, end_loss) in UNFINISHED_RUNS.items():
        at = (slice(None), main, list(grid["weight_variance"]).index(weight), -1)
        status[at], steps[at] = code, cap // 2
        change[at], loss[at] = end_change, end_loss * attrs["constant_loss"]
        if code == EDGE:  # lr at gradient descent's limit: 2 n / lambda_max = lr
            lambda_max[at] = 2 * attrs["samples"] / attrs["learning_rate"]
            literal[at] = 5000.0
    done = np.minimum(grid["snapshot"] / steps[..., None], 1.0)
    power = np.where(chi > 1, world.chaotic_early_power, 1.0)[:, None, :, None, None]
    done = done**power
    dims = ("activation", "width", "weight_variance", "depth")
    return xr.Dataset(
        {
            "ntk_change_end": (dims, change),
            "min_loss": (dims, loss),
            "initial_loss": (dims, np.full(change.shape, 2.0 * attrs["constant_loss"])),
            "lambda_max_full": (dims, lambda_max),
            "kernel_eigenvalue_max": (dims, lambda_max / 10),
            "kernel_eigenvalue_min": (dims, lambda_max / 1e4),
            "max_learning_rate": (dims, 2 * attrs["samples"] / lambda_max),
            "literal_steps": (dims, literal),
            "flow_steps": (dims, np.full(change.shape, 150.0)),
            "status": (dims, status),
            "steps": (dims, steps),
            "ntk_change": (dims + ("snapshot",), change[..., None] * done),
            "border_weight_variance": (
                ("activation",),
                np.array([float(mean_field.order_chaos_border(a, attrs["bias_variance"])) for a in grid["activation"]]),
            ),
        },
        coords={
            "activation": grid["activation"].astype("<U4"),
            "width": grid["width"].astype(np.int64),
            "weight_variance": grid["weight_variance"].astype(np.float64),
            "depth": grid["depth"].astype(np.int64),
            "snapshot": grid["snapshot"].astype(np.int64),
        },
        attrs=attrs,
    )


# Figure 7's band (claim 19): from where the map leaves the nearly deterministic class at the
# bias maps' width and deepest depth (the world's own transition, which claim 8 reads), BAND_WIDTH
# + band_growth x (sigma_b^2 index) of sigma_w^2 in the middle class, then the last class.
BAND_WIDTH = 0.5
BAND_RATIOS = (1.5, 10.0)  # std comparable with the mean, std larger than the mean


def _plant_band(stats: xr.Dataset, world: World) -> xr.Dataset:
    """``stats`` with the bias maps' deepest cells past the world's own transition set to the
    band of ``world`` (R and its interval and log-space statistics as :func:`phase_stats`
    writes them)."""
    stats = stats.copy(deep=True)
    width, depth = SETTINGS["bias_maps_width"], stats["depth"].values.max()
    first = 1 + SETTINGS["std_thresholds"][0] ** 2
    weights = stats["weight_variance"].values
    for activation in stats["activation"].values:
        for i, bias in enumerate(stats["bias_variance"].values):
            at = {"activation": activation, "bias_variance": bias, "width": width, "depth": depth}
            ratio = stats["second_moment_ratio"].loc[at].values
            if not (ratio >= first).any():
                continue
            start = weights[np.argmax(ratio >= first)]
            end = start + BAND_WIDTH + world.band_growth * i
            past = weights >= start
            _set_cells(stats, world, at, np.where(past, np.where(weights < end, BAND_RATIOS[0], BAND_RATIOS[1]), ratio))
    return stats


# Claim 7's band: at the largest L/M every width reaches (as claim 7 reads it), from where the
# world's map leaves the nearly deterministic class, SHARP_BAND (M_0 / M)^sharpening of sigma_w^2
# in the middle class, then the last class: narrower at larger M in the paper's world.
SHARP_BAND = 1.0


def _set_cells(stats: xr.Dataset, world: World, at: Mapping[str, Any], ratio: np.ndarray) -> None:
    """Set R of the cells ``at`` (over sigma_w^2) with its interval and log-space statistics."""
    logs = log_statistics(world, np.log(ratio))
    for name, values in (
        ("second_moment_ratio", ratio),
        ("second_moment_ratio_lo", 1 + 0.8 * (ratio - 1)),
        ("second_moment_ratio_hi", 1 + 1.25 * (ratio - 1)),
        *logs.items(),
    ):
        stats[name].loc[at] = values


def _plant_sharpening(stats: xr.Dataset, world: World) -> xr.Dataset:
    """``stats`` with claim 7's band planted at the maps' sigma_b^2 (read by claim 7's controls
    only: the planted cells break the world's smooth growth that other claims read)."""
    stats = stats.copy(deep=True)
    widths, depths = stats["width"].values, stats["depth"].values
    ratio = min(depths.max() / widths)
    first = 1 + SETTINGS["std_thresholds"][0] ** 2
    weights = stats["weight_variance"].values
    for activation in stats["activation"].values:
        for width in widths:
            depth = depths[np.argmin(np.abs(depths / width - ratio))]
            at = {
                "activation": activation,
                "bias_variance": SETTINGS["maps_bias_variance"],
                "width": width,
                "depth": depth,
            }
            line = stats["second_moment_ratio"].loc[at].values
            if not (line >= first).any():
                continue
            start = weights[np.argmax(line >= first)]
            end = start + SHARP_BAND * (widths.min() / width) ** world.sharpening
            past = weights >= start
            _set_cells(stats, world, at, np.where(past, np.where(weights < end, BAND_RATIOS[0], BAND_RATIOS[1]), line))
    return stats


# Lemma 2's kappas on a small grid (kappa.nc's variables and dimensions).
KAPPA_GRID: Mapping[str, tuple[Any, ...]] = MappingProxyType(
    {
        "activation": ("erf", "relu"),
        "phase": ("ordered", "border", "chaotic"),
        "depth": tuple(range(1, 31)),
        "input_covariance": (0.0, 0.25, 0.5, 0.75, 1.0),
    }
)


def kappa_stats(world: World = PAPER_WORLD) -> xr.Dataset:
    """``kappa.nc`` of ``world``: kappa_1 = 1 at every depth; kappa_1/kappa_2 of the ordered
    point 1 + kappa_ordered_excess + e^{-L/5}, of the border 2 + L / 10 and of the chaotic
    point 3 + L / 5 (L counted from the far end when kappa_depth_trend is -1), times
    1 + kappa_spread (c - 1/2) so that kappa_2 spreads over the input covariances c by about
    kappa_spread of its mean; covariance 1 (identical inputs) has ratio 1."""
    grid = {
        name: np.asarray(values, dtype=np.float64 if name in ("depth", "input_covariance") else None)
        for name, values in KAPPA_GRID.items()
    }
    depth, cov = grid["depth"], grid["input_covariance"][:, None]
    profile = depth if world.kappa_depth_trend > 0 else depth.min() + depth.max() - depth
    ratios = {
        "ordered": 1 + world.kappa_ordered_excess + np.exp(-depth / 5),
        "border": 2 + profile / 10,
        "chaotic": 3 + profile / 5,
    }
    ratio = np.stack([ratios[name] * (1 + world.kappa_spread * (cov - 0.5)) for name in grid["phase"]])
    ratio = np.where(cov == 1.0, 1.0, ratio)
    ratio = np.broadcast_to(ratio, (len(grid["activation"]),) + ratio.shape)
    kappa_1 = np.ones((len(grid["activation"]), len(grid["phase"]), depth.size))
    return xr.Dataset(
        {
            "kappa_1": (("activation", "phase", "depth"), kappa_1),
            "kappa_2": (("activation", "phase", "input_covariance", "depth"), kappa_1[:, :, None, :] / ratio),
            "kappa_ratio": (("activation", "phase", "input_covariance", "depth"), ratio.copy()),
        },
        coords={
            "activation": grid["activation"].astype("<U4"),
            "phase": grid["phase"].astype("<U7"),
            "depth": depth.astype(np.int64),
            "input_covariance": grid["input_covariance"],
        },
        attrs={"input_length": 1.0},
    )


def claim_inputs(world: World = PAPER_WORLD, trusted_lower_bound: bool = True, sharpening: bool = False) -> ClaimInputs:
    """Seed 001's claim inputs of ``world``: its files, the planted coverage table (the plain
    interval's lower end a trusted lower bound of R, unless ``trusted_lower_bound`` is False)
    and the config's values; with ``sharpening``, claim 7's band planted (its controls)."""
    stats = _plant_band(phase_stats(world), world)
    return ClaimInputs(
        Seed001Data(
            stats=_plant_sharpening(stats, world) if sharpening else stats,
            training=training_stats(world),
            coverage=coverage_table(lower_bound=trusted_lower_bound),
            kappa=kappa_stats(world),
            **SETTINGS,
        )
    )


# --------------------------------------------------------------------------- the controls

# Each claim's negative world: the paper's with the one knob its statement is about turned so
# that the statement is false.
NEGATIVE: Mapping[str, World] = MappingProxyType(
    {
        # 1 (both halves), 9: the ordered phase moves. Rate 3 (twice the most chaotic ReLU's 1.37):
        # std/mean 6.8 at L / M = 1.28 (threshold 0.3), R - 1 grows 8-fold from L = 8 to 64 (flat_depth
        # 1.5); change 0.2 at L / M = 16 / 256 (kernel_close 0.1).
        **{f"seed001.1.{a}.{half}": World(ordered_rate=3.0) for a in ("tanh", "relu") for half in ("small", "depth")},
        **{f"seed001.9.{a}": World(ordered_rate=3.0) for a in ("tanh", "relu")},
        # 2, 10: in the chaotic phase the variance and the change fall with depth (rho = -1).
        **{f"seed001.{n}.{a}": World(depth_trend=-1) for n in (2, 10) for a in ("tanh", "relu")},
        # 3, 11, 18: the width trend reversed, M_eff = M_0^2 / M: the variance and the change grow with M
        # (rho = +1), in the ordered phase too (its small growth, FLOOR aside, is L / M_eff).
        **{f"seed001.{n}.{a}": World(width_power=-1.0) for n in (3, 11) for a in ("tanh", "relu")},
        "seed001.18.relu": World(width_power=-1.0),
        # 7: the transition broadens as M grows: the band at fixed L/M is (M / M_0)^2 times as wide
        # (planted, _plant_sharpening; and k = 10, 2.5, 0.6 at M = 50, 100, 200).
        **{f"seed001.7.{a}": World(sharpening=-2.0) for a in ("tanh", "relu")},
        # 4: the border grows like a chaotic network: rate 3 there, std/mean 7 at L / M = 1.28 (threshold 1).
        **{f"seed001.4.{a}": World(border_rate=3.0) for a in ("tanh", "relu")},
        # 5: twenty times the chaotic rate: already at L = 1, M = 50, tanh at sigma_w^2 = 5 (chi_1 1.25) has
        # std/mean 0.39 and ReLU 0.83 (threshold 0.3): no depth is shallow enough.
        **{f"seed001.5.{a}": World(chaotic_rate=30.0) for a in ("tanh", "relu")},
        # 6: R is a function of L / sqrt(M_0 M), not L / M: the widths' curves stay apart against L / M.
        "seed001.6.collapse": World(width_power=0.5),
        # 6 (exponential): R does not grow in the chaotic phase (ln R = FLOOR at every L/M: slope 0).
        "seed001.6.exponential": World(chaotic_rate=0.0),
        # 8: tanh's border stays where the maps' sigma_b^2 puts it; ReLU's moves by 1 per unit sigma_b^2
        # (1.5 over sigma_b^2 = 0.5-2, border_moves 0.5).
        "seed001.8.tanh": World(border_shift=0.0),
        "seed001.8.relu": World(border_shift=1.0),
        # 12: the chaotic phase stops training as soon as the ordered one: the minimal loss of both
        # reaches the constant output's at the deepest depth (the ordered phase is not faster).
        **{f"seed001.12.{a}": World(deep_chaotic_loss=1.0) for a in ("tanh", "relu")},
        # 13: runs that change their kernel more take more steps (rho = +1).
        "seed001.13.steps": World(steps_trend=1),
        # 19: the band narrows as sigma_b^2 grows (rho = -1).
        **{f"seed001.19.{a}": World(band_growth=-0.2) for a in ("tanh", "relu")},
        # 20: the ordered point's kappa_1/kappa_2 stays at 3 (a well-conditioned kernel).
        **{f"seed001.20.{a}": World(kappa_ordered_excess=2.0) for a in ("erf", "relu")},
        # 21: kappa_1/kappa_2 falls with depth at the border and the chaotic point (rho = -1).
        **{
            f"seed001.21.{a}.{point}": World(kappa_depth_trend=-1)
            for a in ("erf", "relu")
            for point in ("border", "chaotic")
        },
        # 22: kappa_2 spreads over the covariances by about its mean.
        **{f"seed001.22.{a}": World(kappa_spread=1.0) for a in ("erf", "relu")},
        # 23: the border changes as a chaotic network ten times over: 20 L / M, 1.25 at L = 16 (above 1).
        **{f"seed001.23.{a}": World(border_rate=20.0) for a in ("tanh", "relu")},
        # 24: forty times the chaotic rate: at depth 1, M = 64 the most chaotic tanh (chi_1 1.17) changes
        # by 0.11, ReLU (chi_1 2.25) by 0.51 (kernel_close 0.1).
        **{f"seed001.24.{a}": World(chaotic_rate=60.0) for a in ("tanh", "relu")},
        # 25: the chaotic kernel moves as late as the ordered one (share of the run done, power 1).
        **{f"seed001.25.{a}": World(chaotic_early_power=1.0) for a in ("tanh", "relu")},
    }
)

# Worlds on which a claim can only say *not estimable*: its negative world with heavy tails
# beyond the claim's threshold R = 1 + t^2 (claims 1, 4, 5: every cell that would make it differ
# has a log K the normality test rejects and a plain interval past PLAIN_LIMIT; the others
# agree), and the paper's world with heavy tails beyond the first threshold for the claims
# that read the classes of the whole map (7, 8: the middle class and the transition cannot
# be told). Their coverage table trusts no lower bound of R (else it could decide).
_FIRST, _SECOND = (1 + t * t for t in SETTINGS["std_thresholds"])
NOT_ESTIMABLE_WORLDS: Mapping[str, World] = MappingProxyType(
    {
        **{
            f"seed001.1.{a}.small": NEGATIVE[f"seed001.1.{a}.small"]._replace(heavy_above=_FIRST)
            for a in ("tanh", "relu")
        },
        **{f"seed001.4.{a}": NEGATIVE[f"seed001.4.{a}"]._replace(heavy_above=_SECOND) for a in ("tanh", "relu")},
        **{f"seed001.5.{a}": NEGATIVE[f"seed001.5.{a}"]._replace(heavy_above=_FIRST) for a in ("tanh", "relu")},
        **{f"seed001.7.{a}": World(heavy_above=_FIRST) for a in ("tanh", "relu")},
        **{f"seed001.8.{a}": World(heavy_above=_FIRST) for a in ("tanh", "relu")},
    }
)

# Worlds on which a claim must say *n/a* (finite_ntk.claims.Control has no kind for it; the
# seed-001 training tests run them): claim 12 where no network trains, not even shallow ones
# (every minimal loss 1.2 times the constant output's, as after 1,000 steps at lr 1e-5), claim 13
# where no run stops early (every run reaches tau = 1: the step count says nothing).
NOT_AVAILABLE_WORLDS: Mapping[str, World] = MappingProxyType(
    {
        **{
            f"seed001.12.{a}": World(shallow_loss=1.2, deep_ordered_loss=1.2, deep_chaotic_loss=1.2)
            for a in ("tanh", "relu")
        },
        "seed001.13.steps": World(early_stops=False),
    }
)

# Claims that agree on any data today (their negative control is an expected failure): none.
# Claim 12 once agreed wherever no network trained (1,000 steps at lr 1e-5); it now says n/a
# there (NOT_AVAILABLE_WORLDS) and differs where the chaotic phase stops training as soon.
VACUOUS: Mapping[str, str] = MappingProxyType({})

CONTROLS: Mapping[str, Control] = MappingProxyType(
    {
        claim.key: Control(
            positive=partial(claim_inputs, PAPER_WORLD, sharpening=claim.number == 7),
            negative=partial(claim_inputs, NEGATIVE[claim.key], sharpening=claim.number == 7),
            vacuous=VACUOUS.get(claim.key, ""),
            not_estimable=(
                partial(
                    claim_inputs,
                    NOT_ESTIMABLE_WORLDS[claim.key],
                    trusted_lower_bound=False,
                    sharpening=claim.number == 7,
                )
                if claim.key in NOT_ESTIMABLE_WORLDS
                else None
            ),
        )
        for claim in CLAIMS
        if claim.key not in THEOREM3_CONTROLS
    }
    | dict(THEOREM3_CONTROLS)
)

__all__ = [
    "BORDER_WIDTH",
    "CONTROLS",
    "FLOOR",
    "NEGATIVE",
    "NOT_AVAILABLE_WORLDS",
    "NOT_ESTIMABLE_WORLDS",
    "PLAIN_LIMIT",
    "PAPER_WORLD",
    "PHASE_GRID",
    "SETTINGS",
    "SHARPNESS",
    "TRAINED_LOSS",
    "TRAINING_ATTRS",
    "TRAINING_GRID",
    "UNFINISHED_RUNS",
    "VACUOUS",
    "World",
    "claim_inputs",
    "coverage_table",
    "kappa_stats",
    "growth",
    "log_statistics",
    "phase_stats",
    "training_stats",
]
