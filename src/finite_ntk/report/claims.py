"""The quantitative claims of the report, each checked against the regenerated data.

:data:`CLAIMS` is the registry: one :class:`Claim` per row of the claims table, holding the
report's words, the number it states, the rule that decides and the check that measures.
:func:`evaluate_claims` runs every check once, in table order.

REPLICATION.md lists eight quantitative claims of seed 000 ("NTK analysis for finite width
and depth"); each is one or more rows here, keyed ``"<claim number>.<part>"``. Where the
report states a number it is quoted exactly as printed (the number of printed digits sets
the rounding tolerance); these quotes and the settings in :data:`.macros.REPORT_QUOTES` are
the only numbers of the report typed into this package. Everything else is computed from
the reduced data:

- ``ntk_stats_fnn.nc`` / ``ntk_stats_pinn.nc`` (Monte Carlo, claims 1-6): per activation and
  configuration, :math:`E[K^2]/E[K]^2` and the signed :math:`E[\\Delta K]/E[K]` with 95%
  bootstrap bounds (``*_lo``, ``*_hi``), the theory curves :math:`\\exp(5\\beta)` and
  :math:`(d\\beta/n_0)\\exp(5\\beta)\\,\\mathrm{lr}`, and the fitted :math:`C` of
  :math:`\\exp(C\\beta)` with its interval. The PINN claims use the value kernel
  :math:`K_{uu}`;
- the training netCDFs (claims 7, 8), summarised by :func:`summarise_fnn_training` and
  :func:`summarise_pinn_training`;
- seed 001's ``phase_stats.nc`` (claims 13-20, :class:`Seed001Data`), summarised by
  :mod:`.seed001`: std/mean of K(x, x) in the ordered phase, on the border and for
  shallow networks against the config's std/mean classes, the trends of R with depth and
  width, the collapse of Figure 2 against L/M, and the Monte-Carlo transition against
  sigma_b^2 (Figure 7);
- seed 002's netCDFs (claims 9-12, :class:`Seed002Data`), summarised by
  :mod:`.seed002`: the deep kernel at its largest depth, the smallest eigenvalue against
  depth, the projection term against depth, and Table 1's deviations against width.

Every check returns an :class:`Outcome` (what was measured, our value with an interval where
one exists, the verdict ``agrees``, ``differs`` or ``n/a`` and a note); ``n/a`` means the
data needed are not in this run, e.g. the smoke grid has no :math:`\\beta \\ge 0.5`. Rules:

- a *stated number* :math:`s` agrees when it lies in our 95% interval :math:`[lo, hi]`
  widened by half a unit :math:`u` of its last printed digit ("83.99": :math:`u = 0.005`),
  :math:`lo - u \\le s \\le hi + u`, so that the report's rounding is not held against it. For
  a maximum over the beta range the interval is [max lo, max hi] over configurations; for
  "stays below" claims the stated bound agrees unless our maximum is significantly above it
  (max lo :math:`> s + u`);
- a *qualitative* claim is turned into a measured quantity and a threshold of
  :data:`THRESHOLDS` (ours, not the report's; printed beside the table by
  :func:`rules_latex`).

Intervals of derived trend measures (Spearman correlations, growth over the beta range,
medians over configurations) come from a bootstrap over configurations seeded from the run's
root seed and the row key, so the table is deterministic.
"""

from __future__ import annotations

import csv
import math
import re
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

from finite_ntk.report.latex import latex_escape, latex_number, latex_plain
import finite_ntk.papers.seed001.report as phase
from finite_ntk.papers.seed001.report import Seed001Data
from finite_ntk.papers.seed002.report import kernel_limit, projection_growth, stabilisation_depth, summarise_lazy

AGREES = "agrees"
DIFFERS = "differs"
NOT_AVAILABLE = "n/a"
VERDICTS = (AGREES, DIFFERS, NOT_AVAILABLE)
NAN = float("nan")


# --------------------------------------------------------------------------- thresholds


class Threshold(NamedTuple):
    """A threshold that turns the report's qualitative words into a rule."""

    value: float
    words: str  # LaTeX: what is bounded, printed before the value in rules.tex


THRESHOLDS: Mapping[str, Threshold] = MappingProxyType({
    "near_decades": Threshold(0.5, "near $y=x$: median $|\\log_{10}(\\text{measured}/\\text{scaling})|$ at most"),
    "orders_decades": Threshold(2.0, "orders of magnitude: a factor $10^{x}$ with $x$ at least"),
    "similar_decades": Threshold(0.5, "quantitatively similar: median $|\\log_{10}(\\text{GELU}/\\text{ReLU})|$ at most"),
    "monotone_rho": Threshold(0.8, "grows monotonically: Spearman $\\rho$ with $\\beta$ at least"),
    "stable_decades": Threshold(0.5, "no significant increase: growth over the $\\beta$ range below (decades)"),
    "kernel_close": Threshold(0.1, "close kernels: relative Frobenius distance at most"),
    "fit_relative_mse": Threshold(0.1, "good fit: relative mean squared error at most"),
    "pinn_learns": Threshold(0.1, "a PINN learns: relative $L^2$ error below"),
    # Seed 002 (claims 9-12).
    "limit_equal": Threshold(0.01, "equal off-diagonal entries: largest $|\\bar\\Theta^{(L)} - 1/4|$ at the largest depth at most"),
    "limit_invertible": Threshold(0.5, "invertible limit: smallest eigenvalue of the normalised NTK matrix at the largest depth at least"),
    "stable_eigenvalue": Threshold(0.1, "stabilised: relative increase of $\\lambda_{\\min}$ per added layer below"),
    "bounded_growth": Threshold(10.0, "bounded: largest projection-term norm over depth, relative to the smallest depth, at most"),
    "vanishing_slope": Threshold(-0.25, "vanishes with width: log-log slope against width at most (aggregate: above)"),
    # Seed 001 (claims 13-25); its std/mean classes are the config's relative_std_thresholds.
    "collapse_ratio": Threshold(0.5, "curves collapse against $L/M$: spread across widths at equal $L/M$ over the spread at equal $L$ at most"),
    "decreasing_rho": Threshold(-0.8, "decreases with width: median Spearman $\\rho$ of $R$ with $M$ at most"),
    "border_moves": Threshold(0.5, "the border moves: range of the border's $\\sigma_w^2$ over the $\\sigma_b^2$ of Figure 7 at least (below it: stays)"),
    "shallow_depth": Threshold(2, "shallow networks: depth $L$ at most"),
    "untrained_loss_ratio": Threshold(0.9, "does not train: minimal loss over the best constant output's loss at least"),
})
RULES: dict[str, float] = {name: t.value for name, t in THRESHOLDS.items()}

# Claim 4 (PINN): the report sees deviations "around scaling values of order 10^0 and above".
PINN_PARITY_SPLIT = 1.0


# --------------------------------------------------------------------------- records


class FnnTrainingSummary(NamedTuple):
    """What claim 7 needs from one FNN training run."""

    width: int
    depth: int
    kernel_change: float  # |K_T - K_0|_F / |K_0|_F
    distance_infinite: float  # |K_0 - K_inf|_F / |K_inf|_F
    relative_mse: float  # mean (f - y)^2 / mean y^2 on the test grid, after training


class Seed002Data(NamedTuple):
    """Seed 002's datasets (``data/<run>/seed002/``), read by claims 9-12."""

    convergence: Mapping[str, xr.Dataset]  # convergence_<name>.nc by name (synthetic, digits)
    projection: xr.Dataset  # projection.nc
    eigenvalues: xr.Dataset  # eigenvalues.nc
    lazy: Sequence[xr.Dataset]  # lazy/w<width>.nc


class ClaimInputs(NamedTuple):
    """The data every check reads; ``None`` where this run lacks it (the rows say n/a)."""

    fnn: xr.Dataset | None = None  # ntk_stats_fnn.nc
    pinn: xr.Dataset | None = None  # ntk_stats_pinn.nc (operator "uu" is used)
    large_beta: float = 0.5  # where "large beta" starts (claims 3, 4)
    fnn_shallow: FnnTrainingSummary | None = None  # claim 7, the report's depth 1
    fnn_deep: FnnTrainingSummary | None = None  # claim 7, the report's depth 10
    pinn_errors: Mapping[str, float] = MappingProxyType({})  # claim 8: final relative L2 error by activation
    seed002: Seed002Data | None = None  # claims 9-12 (seed 002)
    seed001: Seed001Data | None = None  # claims 13-25 (seed 001)


class Outcome(NamedTuple):
    """What one check found."""

    measure: str  # what `value` is
    value: float = NAN
    lo: float = NAN
    hi: float = NAN
    verdict: str = NOT_AVAILABLE
    note: str = ""


Check = Callable[["Claim", ClaimInputs], Outcome]


@dataclass(frozen=True)
class Claim:
    """One checked statement of the report: a row of the claims table."""

    key: str  # unique row id, "<claim number>.<part>"
    subject: str  # what is measured, in our words
    quote: str  # the report's wording
    source: str  # where the report says it
    stated: str | None  # the number the report states, exactly as printed
    rule: str  # what decides the verdict, in words
    check: Check  # measures and decides

    @property
    def number(self) -> int:
        """The claim's number: 1-8 are REPLICATION.md's claims of seed 000, 9-12 seed 002's,
        13-25 seed 001's."""
        return int(self.key.partition(".")[0])

    def evaluate(self, inputs: ClaimInputs) -> ClaimResult:
        return ClaimResult(
            key=self.key, number=self.number, subject=self.subject, quote=self.quote, source=self.source,
            stated=self.stated, rule=self.rule, **self.check(self, inputs)._asdict(),
        )


@dataclass
class ClaimResult:
    """A claim with our regenerated value and the verdict: one row of claims.csv."""

    key: str
    number: int
    subject: str
    quote: str
    source: str
    stated: str | None
    measure: str
    value: float = NAN
    lo: float = NAN
    hi: float = NAN
    rule: str = ""
    verdict: str = NOT_AVAILABLE
    note: str = ""

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------- numbers


def stated_number(text: str) -> tuple[float, float]:
    """The value of a quoted number and half a unit of its last printed digit:
    ``"83.99" -> (83.99, 0.005)``, ``"100.0" -> (100.0, 0.05)``, ``"5" -> (5.0, 0.5)``."""
    match = re.fullmatch(r"\s*([-+]?\d+)(?:\.(\d+))?\s*", text)
    if not match:
        raise ValueError(f"stated value {text!r} is not a plain decimal number")
    decimals = len(match.group(2) or "")
    return float(text), 0.5 * 10.0 ** (-decimals)


def within_interval(stated: str, lo: float, hi: float) -> bool:
    """True when the stated number :math:`s` (half unit :math:`u`) has
    :math:`lo - u \\le s \\le hi + u`."""
    value, half_unit = stated_number(stated)
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo - half_unit <= value <= hi + half_unit)


def _verdict(ok: bool) -> str:
    return AGREES if ok else DIFFERS


def _rng(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) % 2**32, zlib.crc32(key.encode("utf-8"))])


def _interval(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    draws = np.asarray(draws, dtype=np.float64)
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        return NAN, NAN
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(draws, [tail, 100 - tail])
    return float(lo), float(hi)


def _bootstrap_configs(statistic: Callable[[np.ndarray], float], n: int, stats: xr.Dataset, key: str) -> tuple[float, float]:
    """Percentile interval of ``statistic(index)`` over the ``n`` configurations resampled
    with replacement; seed, resample count and confidence from the dataset's attributes."""
    rng = _rng(int(stats.attrs["root_seed"]), key)
    resamples = int(stats.attrs["bootstrap_resamples"])
    draws = np.array([statistic(rng.integers(0, n, size=n)) for _ in range(resamples)])
    return _interval(draws, float(stats.attrs["confidence"]))


# --------------------------------------------------------------------------- Monte-Carlo data


# The operator of each model's Monte Carlo the claims read (the PINN's value kernel K_uu).
OPERATOR: dict[str, str | None] = {"fnn": None, "pinn": "uu"}


@dataclass(frozen=True)
class Series:
    """One activation (and operator) of an ntk_stats dataset, sorted by beta."""

    beta: np.ndarray
    width: np.ndarray
    depth: np.ndarray
    ratio: np.ndarray  # E[K^2]/E[K]^2
    ratio_lo: np.ndarray
    ratio_hi: np.ndarray
    saturated: np.ndarray
    change: np.ndarray  # |E[dK]/E[K]|
    change_lo: np.ndarray
    change_hi: np.ndarray
    theory_ratio: np.ndarray  # exp(5 beta)
    theory_change: np.ndarray  # (d beta / n0) exp(5 beta) lr
    replicates: np.ndarray
    vanishes: bool = False


def _magnitude_interval(value: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|value| and the interval of |value| from signed bounds (0 below when they straddle 0)."""
    straddles = (lo < 0) & (hi > 0)
    mag_lo = np.where(straddles, 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    mag_hi = np.maximum(np.abs(lo), np.abs(hi))
    return np.abs(value), mag_lo, mag_hi


def series(stats: xr.Dataset, activation: str, operator: str | None = None) -> Series:
    """The statistics of one activation (and PINN operator) of an ``ntk_stats`` dataset."""
    sel: dict[str, Any] = {"activation": activation}
    if operator is not None:
        sel["operator"] = operator
    s = stats.sel(sel)
    beta = stats["beta"].values.astype(np.float64)
    order = np.argsort(beta, kind="stable")

    def get(name: str, dtype: Any = np.float64) -> np.ndarray:
        return np.asarray(s[name].values, dtype=dtype)[order]

    change, change_lo, change_hi = _magnitude_interval(get("relative_delta_k"), get("relative_delta_k_lo"), get("relative_delta_k_hi"))
    return Series(
        beta=beta[order],
        width=stats["width"].values[order],
        depth=stats["depth"].values[order],
        ratio=get("second_moment_ratio"),
        ratio_lo=get("second_moment_ratio_lo"),
        ratio_hi=get("second_moment_ratio_hi"),
        saturated=get("saturated", bool),
        change=change,
        change_lo=change_lo,
        change_hi=change_hi,
        theory_ratio=stats["theory_second_moment"].values.astype(np.float64)[order],
        theory_change=stats["theory_relative_delta_k"].values.astype(np.float64)[order],
        replicates=get("replicates"),
        vanishes="operator_vanishes" in s and bool(s["operator_vanishes"].values),
    )


def _stats(inputs: ClaimInputs, model: str, *activations: str) -> xr.Dataset | None:
    """The model's ntk_stats dataset when it holds every given activation, else None."""
    stats = inputs.fnn if model == "fnn" else inputs.pinn
    if stats is None or not set(activations) <= set(stats["activation"].values):
        return None
    return stats


def _series(inputs: ClaimInputs, model: str, activation: str) -> Series:
    stats = inputs.fnn if model == "fnn" else inputs.pinn
    return series(stats, activation, OPERATOR[model])


def _where(s: Series, i: int) -> str:
    return f"at β = {s.beta[i]:.4g} (width {int(s.width[i])}, depth {int(s.depth[i])})"


# --------------------------------------------------------------------------- claims 1, 2: E[K²]/E[K]²

RULE_AT_START = "stated value inside our 95% interval at the smallest β (± half a unit of its last digit)"
RULE_MAXIMUM = "stated value inside [max lo, max hi] over configurations (± half a unit of its last digit)"
RULE_BOUND = "agrees unless our maximum is significantly above the stated one (max lo > stated)"


def _second_moment(model: str, activation: str, kind: str) -> Check:
    """E[K^2]/E[K]^2 at the smallest beta (``kind='start'``), its maximum over the beta range
    (``'max'``), or the maximum below a stated upper bound (``'bound'``)."""
    measure = "E[K²]/E[K]² at the smallest β" if kind == "start" else "maximum of E[K²]/E[K]² over β"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if _stats(inputs, model, activation) is None:
            return Outcome(measure, note=f"no {activation} data in this run")
        s = _series(inputs, model, activation)
        if s.vanishes or np.all(np.isnan(s.ratio)):
            return Outcome(measure, note="kernel vanishes identically; the ratio is undefined")
        if kind == "start":
            value, lo, hi = s.ratio[0], s.ratio_lo[0], s.ratio_hi[0]
            return Outcome(measure, float(value), float(lo), float(hi), _verdict(within_interval(claim.stated, lo, hi)), _where(s, 0))
        i = int(np.nanargmax(s.ratio))
        value, lo, hi = s.ratio[i], float(np.nanmax(s.ratio_lo)), float(np.nanmax(s.ratio_hi))
        if kind == "max":
            ok = within_interval(claim.stated, lo, hi)
        else:
            bound, half_unit = stated_number(claim.stated)
            ok = lo <= bound + half_unit
        note = f"{_where(s, i)}; β range of this run {s.beta.min():.3g} to {s.beta.max():.3g}"
        if s.saturated[i]:
            note += f"; saturated: an estimate from {int(s.replicates[i])} samples cannot exceed {int(s.replicates[i])}"
        return Outcome(measure, float(value), float(lo), float(hi), _verdict(ok), note)

    return check


def ratio_at_start(model: str, activation: str) -> Check:
    """Claims 1, 2: E[K^2]/E[K]^2 at the smallest beta against the stated value."""
    return _second_moment(model, activation, "start")


def ratio_maximum(model: str, activation: str) -> Check:
    """Claims 1, 2: the largest E[K^2]/E[K]^2 over the beta range against the stated value."""
    return _second_moment(model, activation, "max")


def ratio_below(model: str, activation: str) -> Check:
    """Claims 1, 2: E[K^2]/E[K]^2 stays below the stated maximum."""
    return _second_moment(model, activation, "bound")


# --------------------------------------------------------------------------- claim 3: exp(Cβ)

RULE_FITTED_C = "stated C inside the 95% interval of the fitted C (± half a unit of its last digit)"
RULE_DEPARTURE = "agrees when more than half of them exclude exp(5β)"


def fitted_C(model: str) -> Check:
    """Claim 3: the C of exp(C beta) fitted to E[K^2]/E[K]^2 at small beta (ReLU)
    against the stated C."""

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        stats = _stats(inputs, model, "relu")
        if stats is None:
            return Outcome("fitted C", note="no ReLU data in this run")
        sel: dict[str, Any] = {"activation": "relu"}
        if OPERATOR[model] is not None:
            sel["operator"] = OPERATOR[model]
        value, lo, hi = (float(stats[name].sel(sel)) for name in ("fitted_C", "fitted_C_lo", "fitted_C_hi"))
        measure = f"C of exp(Cβ), least squares on log E[K²]/E[K]² for β ≤ {stats.attrs['fit_max_beta']:g}"
        if not np.isfinite(value):
            return Outcome(measure, note="no configuration in the fit range")
        return Outcome(measure, value, lo, hi, _verdict(within_interval(claim.stated, lo, hi)))

    return check


def departure(model: str) -> Check:
    """Claim 3: at :math:`\\beta \\ge` ``large_beta`` E[K^2]/E[K]^2 (ReLU) leaves
    :math:`\\exp(5\\beta)`: the fraction of those configurations whose 95% interval excludes it."""

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        large_beta = inputs.large_beta
        measure = f"fraction of configurations with β ≥ {large_beta:g} whose interval excludes exp(5β)"
        if _stats(inputs, model, "relu") is None:
            return Outcome(measure, note="no ReLU data in this run")
        s = _series(inputs, model, "relu")
        large = s.beta >= large_beta
        if not large.any():
            return Outcome(measure, note=f"no configuration with β ≥ {large_beta:g} in this run")
        outside = (s.theory_ratio[large] < s.ratio_lo[large]) | (s.theory_ratio[large] > s.ratio_hi[large])
        fraction = float(np.mean(outside))
        saturated = int(np.sum(s.saturated[large]))
        bound_below = int(np.sum(s.theory_ratio[large] > s.replicates[large]))
        note = f"{int(outside.sum())} of {int(large.sum())}"
        if saturated:
            note += f"; {saturated} saturated estimates"
        if bound_below:
            note += f"; at {bound_below} the curve exceeds the sample count, which no estimate can reach"
        return Outcome(measure, fraction, verdict=_verdict(fraction > 0.5), note=note)

    return check


# --------------------------------------------------------------------------- claim 4: Theorem 2 parity

RULE_NEAR = f"near y = x: |median| ≤ {RULES['near_decades']:g} decades"
RULE_DEVIATES = f"deviates from y = x: |median| > {RULES['near_decades']:g} decades"


def _log_ratio(s: Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log10(|E[dK]/E[K]| / scaling) and its bounds (NaN where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log10(s.change / s.theory_change)
        lo = np.log10(s.change_lo / s.theory_change)
        hi = np.log10(s.change_hi / s.theory_change)
    return value, lo, hi


def parity(model: str, split: str, near: bool) -> Check:
    """Claim 4: :math:`m = \\operatorname{median}\\log_{10}(|E[\\Delta K]/E[K]| / s)` with the
    Theorem 2 scaling :math:`s = (d\\beta/n_0)\\exp(5\\beta)\\,\\mathrm{lr}` (ReLU), over the
    configurations on one side of a split: ``split='beta'`` splits at ``large_beta``,
    ``'scaling'`` at :data:`PINN_PARITY_SPLIT` in :math:`s`. ``near``: the report states
    agreement (the small side, :math:`|m| \\le` near_decades), else deviation (the large side)."""
    side = "<" if near else "≥"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        threshold = inputs.large_beta if split == "beta" else PINN_PARITY_SPLIT
        where = f"{'β' if split == 'beta' else 'scaling'} {side} {threshold:g}"
        measure = f"median log10(|E[ΔK]/E[K]| / (dβ/n0) exp(5β) lr) over {where}, decades"
        if _stats(inputs, model, "relu") is None:
            return Outcome(measure, note="no ReLU data in this run")
        s = _series(inputs, model, "relu")
        x = s.beta if split == "beta" else s.theory_change
        chosen = (x < threshold) if near else (x >= threshold)
        value, lo, hi = _log_ratio(s)
        chosen &= np.isfinite(value)
        if not chosen.any():
            return Outcome(measure, note=f"no configuration with {where} in this run")
        median = float(np.median(value[chosen]))
        # Interval: medians of the lower and upper bounds of the chosen points.
        with np.errstate(invalid="ignore"):
            m_lo, m_hi = float(np.median(lo[chosen])), float(np.median(hi[chosen]))
        ok = abs(median) <= RULES["near_decades"] if near else abs(median) > RULES["near_decades"]
        note = f"{int(chosen.sum())} configurations; measured/scaling = 10^{median:+.2f}"
        return Outcome(measure, median, m_lo, m_hi, _verdict(ok), note)

    return check


# --------------------------------------------------------------------------- claim 5: FNN relative change

RULE_ORDERS_BELOW = f"agrees when ≥ {RULES['orders_decades']:g} decades (orders of magnitude) at every configuration"
RULE_SIMILAR = f"agrees when ≤ {RULES['similar_decades']:g} decades"
RULE_MONOTONE = f"agrees when ρ ≥ {RULES['monotone_rho']:g}"


def sigmoid_orders_below(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 5: at every configuration the sigmoid's |E[dK]/E[K]| is orders of magnitude
    below ReLU's and GELU's: :math:`\\min_{\\text{config}} \\log_{10}(\\min(|\\text{ReLU}|,
    |\\text{GELU}|) / |\\text{sigmoid}|)`."""
    measure = "min over configurations of log10(min(|ReLU|, |GELU|) / |sigmoid|), decades"
    if _stats(inputs, "fnn", "relu", "gelu", "sigmoid") is None:
        return Outcome(measure, note="needs ReLU, GELU and sigmoid")
    r, g, sg = (_series(inputs, "fnn", a) for a in ("relu", "gelu", "sigmoid"))
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.log10(np.minimum(r.change, g.change) / sg.change)
        gap_lo = np.log10(np.minimum(r.change_lo, g.change_lo) / sg.change_hi)
        gap_hi = np.log10(np.minimum(r.change_hi, g.change_hi) / sg.change_lo)
    i = int(np.nanargmin(gap))
    value = float(gap[i])
    ok = value >= RULES["orders_decades"]
    return Outcome(measure, value, float(np.nanmin(gap_lo)), float(np.nanmin(gap_hi)), _verdict(ok), f"smallest gap {_where(r, i)}")


def relu_gelu_similar(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 5: ReLU and GELU relative changes are quantitatively similar: the median over
    configurations of :math:`|\\log_{10}(|\\text{GELU}| / |\\text{ReLU}|)|`."""
    measure = "median over configurations of |log10(|GELU| / |ReLU|)|, decades"
    stats = _stats(inputs, "fnn", "relu", "gelu")
    if stats is None:
        return Outcome(measure, note="needs ReLU and GELU")
    r, g = _series(inputs, "fnn", "relu"), _series(inputs, "fnn", "gelu")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log10(g.change / r.change)
    log_ratio = log_ratio[np.isfinite(log_ratio)]  # both changes non-zero and defined
    distance = np.abs(log_ratio)
    if distance.size == 0:
        return Outcome(measure, note="no configuration with both changes non-zero")
    value = float(np.median(distance))
    lo, hi = _bootstrap_configs(lambda idx: np.median(distance[idx]), distance.size, stats, claim.key)
    note = f"GELU/ReLU = 10^{float(np.median(log_ratio)):+.2f} (median over {log_ratio.size} configurations)"
    return Outcome(measure, value, lo, hi, _verdict(value <= RULES["similar_decades"]), note)


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return NAN
    return float(spearmanr(x, y).statistic)


def monotone(model: str, activation: str) -> Check:
    """Claim 5: |E[dK]/E[K]| grows monotonically with beta: Spearman's :math:`\\rho` of
    the two over configurations."""
    measure = "Spearman rank correlation of |E[ΔK]/E[K]| with β"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        stats = _stats(inputs, model, activation)
        if stats is None:
            return Outcome(measure, note=f"no {activation} data in this run")
        s = _series(inputs, model, activation)
        ok = np.isfinite(s.change)
        beta, change = s.beta[ok], s.change[ok]
        rho = _spearman(beta, change)
        if not np.isfinite(rho):
            return Outcome(measure, note="fewer than three usable configurations")
        lo, hi = _bootstrap_configs(lambda idx: _spearman(beta[idx], change[idx]), beta.size, stats, claim.key)
        return Outcome(measure, rho, lo, hi, _verdict(rho >= RULES["monotone_rho"]), f"{beta.size} configurations")

    return check


# --------------------------------------------------------------------------- claim 6: PINN growth


def growth_decades(beta: np.ndarray, change: np.ndarray) -> float:
    """Growth of |E[dK]/E[K]| over the beta range, in decades:
    :math:`\\log_{10}(\\tilde c_{\\text{top}} / \\tilde c_{\\text{bottom}})` with
    :math:`\\tilde c` the median over the largest-beta and smallest-beta thirds of the
    configurations (non-zero, defined values only)."""
    ok = np.isfinite(change) & (change > 0)
    beta, change = beta[ok], change[ok]
    if beta.size < 3:
        return NAN
    order = np.argsort(beta, kind="stable")
    third = max(1, beta.size // 3)
    low = np.median(change[order[:third]])
    high = np.median(change[order[-third:]])
    return float(np.log10(high / low))


GROWTH_ACTIVATIONS = ("relu", "gelu", "sigmoid")
RULE_MOST_STABLE = f"most stable: growth < {RULES['stable_decades']:g} decades and the smallest of the three"
RULE_MODERATE = f"moderate: {RULES['stable_decades']:g} ≤ growth < growth of ReLU"
RULE_ORDERS = f"orders of magnitude: growth ≥ {RULES['orders_decades']:g} decades"


def _pinn_growths(inputs: ClaimInputs) -> dict[str, tuple[float, float, float]]:
    """Growth (value, lo, hi) of each activation of the PINN's K_uu."""
    stats = inputs.pinn
    out = {}
    for activation in GROWTH_ACTIVATIONS:
        s = _series(inputs, "pinn", activation)
        lo, hi = _bootstrap_configs(lambda idx: growth_decades(s.beta[idx], s.change[idx]), s.beta.size, stats, f"6/{activation}")
        out[activation] = (growth_decades(s.beta, s.change), lo, hi)
    return out


def pinn_growth(activation: str, agrees: Callable[[Mapping[str, float]], bool]) -> Check:
    """Claim 6: the growth (:func:`growth_decades`) of the PINN's relative change for
    ``activation``; ``agrees(growth by activation)`` decides, since the report ranks them."""
    measure = "growth: log10(median of the top β third / median of the bottom β third), decades"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if _stats(inputs, "pinn", *GROWTH_ACTIVATIONS) is None:
            return Outcome(measure, note="needs ReLU, GELU and sigmoid")
        growth = _pinn_growths(inputs)
        g = {a: v[0] for a, v in growth.items()}
        value, lo, hi = growth[activation]
        verdict = _verdict(agrees(g)) if np.isfinite(value) else NOT_AVAILABLE
        note = "growth " + ", ".join(f"{a}: {g[a]:.2f}" for a in GROWTH_ACTIVATIONS)
        return Outcome(measure, value, lo, hi, verdict, note)

    return check


# --------------------------------------------------------------------------- claims 7, 8: training

_FNN_MEASURES = {
    "kernel_change": "relative Frobenius change |K_T − K_0| / |K_0|",
    "distance_infinite": "relative Frobenius distance |K_0 − K_∞| / |K_∞|",
    "relative_mse": "relative MSE of the trained prediction on the test grid",
}
RULE_CLOSE = f"close: ≤ {RULES['kernel_close']:g}"
RULE_CHANGES = f"changes: > {RULES['kernel_close']:g} and more than the shallow network"
RULE_POOR_FIT = f"poor: > {RULES['fit_relative_mse']:g}"
RULE_GOOD_FIT = f"good: ≤ {RULES['fit_relative_mse']:g}"
RULE_LEARNS = f"learns: error < {RULES['pinn_learns']:g}"
RULE_NOT_LEARNS = f"does not learn: error ≥ {RULES['pinn_learns']:g}"


def fnn_training(network: str, quantity: str, agrees: Callable[[float, ClaimInputs], bool]) -> Check:
    """Claim 7: ``quantity`` (a field of :class:`FnnTrainingSummary`) of the ``network``
    (``'shallow'`` or ``'deep'``) FNN run; ``agrees(value, inputs)`` decides."""
    measure = _FNN_MEASURES[quantity]

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        summary = inputs.fnn_shallow if network == "shallow" else inputs.fnn_deep
        if summary is None:
            return Outcome(measure, note="training run not in this run's outputs")
        value = getattr(summary, quantity)
        if not np.isfinite(value):
            return Outcome(measure, note="quantity not in the training data")
        return Outcome(measure, float(value), verdict=_verdict(agrees(value, inputs)), note=f"width {summary.width}, depth {summary.depth}")

    return check


def _deep_changes_more(value: float, inputs: ClaimInputs) -> bool:
    shallow = inputs.fnn_shallow
    return value > RULES["kernel_close"] and (shallow is None or not np.isfinite(shallow.kernel_change) or value > shallow.kernel_change)


def pinn_training(activation: str, learns: bool) -> Check:
    """Claim 8: the final relative L2 error of the trained PINN of ``activation`` is below
    ``pinn_learns`` (``learns``) or not."""
    measure = "relative L2 error on the test grid after training"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        error = inputs.pinn_errors.get(activation)
        if error is None or not np.isfinite(error):
            return Outcome(measure, note="training run not in this run's outputs")
        ok = (error < RULES["pinn_learns"]) if learns else (error >= RULES["pinn_learns"])
        return Outcome(measure, float(error), verdict=_verdict(ok))

    return check


# --------------------------------------------------------------------------- claims 9-12: seed 002

RULE_LIMIT_EQUAL = f"agrees when ≤ {RULES['limit_equal']:g}"
RULE_LIMIT_INVERTIBLE = f"agrees when ≥ {RULES['limit_invertible']:g} (the limit 3/4 I + 1/4 J, J all ones, has 3/4)"
RULE_STABLE_DEPTH = f"agrees when our stabilisation depth (increase per layer < {100 * RULES['stable_eigenvalue']:g}% from there on) is at most the stated depth"
RULE_BOUNDED = f"agrees when ≤ {RULES['bounded_growth']:g}"
RULE_VANISHES = f"agrees when the slope is ≤ {RULES['vanishing_slope']:g}"
RULE_PERSISTS = f"agrees when the slope is > {RULES['vanishing_slope']:g}"


def kernel_limit_check(part: str) -> Check:
    """Claim 9: at the largest depth of Figures 4 and 5, the normalised NTK's off-diagonal
    entries are all near 1/4 (``part='equal'``) and its matrix is invertible, with the
    smallest eigenvalue near the limit's 3/4 (``'invertible'``)."""
    measure = ("largest |normalised NTK − 1/4| over the pairs of Figures 4 and 5 at the largest depth" if part == "equal"
               else "smallest eigenvalue of the normalised NTK matrix of Figures 4 and 5 at the largest depth")

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.seed002 is None:
            return Outcome(measure, note="no seed-002 data in this run")
        limit = kernel_limit(inputs.seed002.convergence)
        note = f"depth {limit.depth}; (1 − ρ) / (9 pi² / (2L²)) ≥ {limit.gap_ratio:.4g}"
        if part == "equal":
            return Outcome(measure, limit.largest_gap, verdict=_verdict(limit.largest_gap <= RULES["limit_equal"]), note=note)
        value = limit.smallest_eigenvalue
        return Outcome(measure, value, verdict=_verdict(value >= RULES["limit_invertible"]), note=note)

    return check


def eigenvalue_stabilises(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 10: the depth from which the smallest eigenvalue of the normalised NTK matrix
    (points uniform on the sphere, the largest data set of Figure 7) grows by less than
    ``stable_eigenvalue`` per added layer, against the stated depth."""
    measure = "depth from which λ_min of the normalised NTK grows by less than the threshold per layer (largest n)"
    if inputs.seed002 is None:
        return Outcome(measure, note="no seed-002 data in this run")
    found = stabilisation_depth(inputs.seed002.eigenvalues, RULES["stable_eigenvalue"])
    stated, _ = stated_number(claim.stated)
    last = int(inputs.seed002.eigenvalues["depth"].max())
    note = f"n = {found.size}; λ_min grows by {100 * found.increase_at_5:.3g}% from depth 5 to 6"
    if found.depth < 0:
        return Outcome(measure, verdict=DIFFERS, note=note + f"; not reached by depth {last}")
    return Outcome(measure, float(found.depth), verdict=_verdict(found.depth <= stated), note=note)


def projection_bounded(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 11: the projection term :math:`\\Theta(x, X)\\Theta^{-1}(I - e^{-t\\Theta})` of
    Figure 6 (unnormalised NTK on the sphere, so the stopping time grows with depth in the
    normalised kernel's units) stays bounded over depth: its largest norm over depths
    relative to the smallest depth, the worst over data sets and stopping times."""
    measure = "max over depth of the projection term's norm / its value at depth 1 (worst data set and stopping time)"
    if inputs.seed002 is None:
        return Outcome(measure, note="no seed-002 data in this run")
    growth = projection_growth(inputs.seed002.projection)
    depth = int(inputs.seed002.projection["depth"].max())
    note = f"largest norm {growth.largest:.3g}; {growth.last:.3g} at depth {depth}"
    return Outcome(measure, growth.growth, verdict=_verdict(growth.growth <= RULES["bounded_growth"]), note=note)


def lazy_slope(which: str) -> Check:
    """Claim 12: the log-log slope against width of the mean single-neuron deviation
    (``'neuron'``: vanishes, slope at most ``vanishing_slope``) or of the aggregate
    deviation of the last hidden layer (``'aggregate'``: does not vanish)."""
    measure = f"log-log slope of the {'mean single-neuron' if which == 'neuron' else 'aggregate'} deviation against width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.seed002 is None or len(inputs.seed002.lazy) < 2:
            return Outcome(measure, note="no seed-002 widths in this run")
        summary = summarise_lazy(inputs.seed002.lazy)
        slope = summary.neuron_slope if which == "neuron" else summary.aggregate_slope
        values = summary.neuron if which == "neuron" else summary.aggregate
        ok = slope.value <= RULES["vanishing_slope"] if which == "neuron" else slope.value > RULES["vanishing_slope"]
        note = f"widths {int(summary.widths[0])} to {int(summary.widths[-1])}: {values[0]:.3g} to {values[-1]:.3g}"
        return Outcome(measure, slope.value, slope.lo, slope.hi, _verdict(ok), note)

    return check


# --------------------------------------------------------------------------- claims 13-20: seed 001

NO_SEED001 = "no seed-001 data in this run"


def _seed001_cells(inputs: ClaimInputs, activation: str, bias_variance: float | None = None) -> xr.Dataset | None:
    """Seed 001's cells of one activation at ``bias_variance`` (default: the maps'), or None."""
    data = inputs.seed001
    if data is None:
        return None
    stats = data.stats
    bias = data.maps_bias_variance if bias_variance is None else bias_variance
    if activation not in stats["activation"].values or bias not in stats["bias_variance"].values:
        return None
    return stats.sel(activation=activation, bias_variance=bias)


def _std_threshold(inputs: ClaimInputs, which: int) -> float:
    return float(inputs.seed001.std_thresholds[which])


def seed001_largest_std(activation: str, cells: str, below: int) -> Check:
    """Claims 13, 16, 17: the largest std/mean = sqrt(R - 1) over the clearly ordered
    (chi_1 <= ORDERED_CHI), border (the sampled sigma_w^2 nearest it) or shallow (depth <=
    shallow_depth, every sigma_w^2) cells of the maps, every width and depth; agrees when
    at most the config's relative-std threshold number ``below`` (0: nearly deterministic,
    -1: std below the mean)."""
    what = {"ordered": f"clearly ordered (χ₁ ≤ {phase.ORDERED_CHI:g})", "border": "border", "shallow": "shallow"}[cells]
    measure = f"{activation}: largest std/mean = √(R − 1) over the {what} cells of the maps"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        data = _seed001_cells(inputs, activation)
        if data is None:
            return Outcome(measure, note=NO_SEED001)
        if cells == "ordered":
            mask = phase.chi_mask(data, "ordered")
        elif cells == "border":
            mask = phase.border_mask(data)
        else:
            mask = data["depth"] <= RULES["shallow_depth"]
        found = phase.largest_relative_std(data, mask)
        if found.cells == 0:
            return Outcome(measure, note="no such cells in this run")
        bound = _std_threshold(inputs, below)
        note = f"at {found.where}; {found.cells} cells; threshold {bound:g}"
        return Outcome(measure, found.value, found.lo, found.hi, _verdict(found.value <= bound), note)

    return check


def seed001_trend(activation: str, cells: str, along: str) -> Check:
    """Claims 14, 15: Spearman's rho of R against depth (grows: median at least
    monotone_rho) or width (decreases: median at most decreasing_rho), over the lines of
    the clearly chaotic (chi_1 >= CHAOTIC_CHI) or ordered cells of the maps; saturated
    estimates left out."""
    what = (f"clearly chaotic (χ₁ ≥ {phase.CHAOTIC_CHI:g})" if cells == "chaotic"
            else f"clearly ordered (χ₁ ≤ {phase.ORDERED_CHI:g})")
    measure = f"{activation}: median Spearman ρ of R with {'depth L' if along == 'depth' else 'width M'} over the {what} lines of the maps"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        data = _seed001_cells(inputs, activation)
        if data is None:
            return Outcome(measure, note=NO_SEED001)
        rhos = phase.rank_correlations(data, phase.chi_mask(data, cells), along)
        if rhos.size == 0:
            return Outcome(measure, note="no line with three unsaturated points in this run")
        value = float(np.median(rhos))
        draws = np.median(_rng(int(inputs.seed001.stats.attrs.get("root_seed", 0)), claim.key).choice(rhos, (2000, rhos.size)), axis=1)
        lo, hi = _interval(draws, 0.95)
        ok = value >= RULES["monotone_rho"] if along == "depth" else value <= RULES["decreasing_rho"]
        return Outcome(measure, value, lo, hi, _verdict(ok), f"{rhos.size} lines")

    return check


def seed001_collapse(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 18: at Figure 2's chaotic point (the largest sigma_w^2 of its points), the
    curves of log10 R for the widths lie closer together against L/M than against L."""
    measure = "Figure 2, chaotic point: spread of log₁₀ R across widths at equal L/M over that at equal L"
    data = inputs.seed001
    if data is None:
        return Outcome(measure, note=NO_SEED001)
    weight, bias = max(data.curves_points)
    stats = data.stats
    if (data.curves_activation not in stats["activation"].values or bias not in stats["bias_variance"].values
            or "weight_variance" not in stats.coords or weight not in stats["weight_variance"].values):
        return Outcome(measure, note=f"Figure 2's point ({weight:g}, {bias:g}) is not in this run")
    found = phase.collapse(stats, data.curves_activation, weight, bias)
    if not np.isfinite(found.ratio):
        return Outcome(measure, note="fewer than two widths with unsaturated points")
    note = (f"{data.curves_activation} at (σw², σb²) = ({weight:g}, {bias:g}): {found.spread_ratio:.3g} against "
            f"{found.spread_depth:.3g} decades")
    return Outcome(measure, found.ratio, verdict=_verdict(found.ratio <= RULES["collapse_ratio"]), note=note)


def seed001_sharpens(activation: str) -> Check:
    """Claim 19: the transition sharpens as M grows: the fraction of map cells in the
    middle class (std/mean between the two thresholds) falls with the width."""
    measure = f"{activation}: Spearman ρ of the middle class's share of the map with width M"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        data = _seed001_cells(inputs, activation)
        if data is None:
            return Outcome(measure, note=NO_SEED001)
        fractions = phase.class_fraction(data, _std_threshold(inputs, 0), _std_threshold(inputs, -1))
        widths = data["width"].values
        ok = np.isfinite(fractions)
        rho = phase.spearman(widths[ok], fractions[ok])
        note = ", ".join(f"M = {int(w)}: {f:.2f}" for w, f in zip(widths[ok], fractions[ok]))
        if not np.isfinite(rho):
            return Outcome(measure, note="fewer than three widths" + (f" ({note})" if note else ""))
        return Outcome(measure, rho, verdict=_verdict(rho <= RULES["decreasing_rho"]), note=note)

    return check


def seed001_border_moves(activation: str, moves: bool) -> Check:
    """Claim 20: across Figure 7's sigma_b^2 (sigma_b^2 > 0), the range of the Monte-Carlo
    transition (the smallest sigma_w^2 whose std/mean at the deepest depth reaches the
    first threshold) is at least ``border_moves`` for tanh (the border moves) and below it
    for ReLU (it stays); the mean-field borders are in the note."""
    measure = f"{activation}: range over σb² > 0 of the σw² where the Figure 7 map leaves the nearly deterministic class"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        data = inputs.seed001
        if data is None or activation not in data.stats["activation"].values:
            return Outcome(measure, note=NO_SEED001)
        stats = data.stats.sel(activation=activation)
        if data.bias_maps_width not in stats["width"].values:
            return Outcome(measure, note=f"no width {data.bias_maps_width} in this run")
        biases = [float(b) for b in stats["bias_variance"].values if b > 0]
        found = {
            b: phase.empirical_transition(stats.sel(bias_variance=b, width=data.bias_maps_width), _std_threshold(inputs, 0))
            for b in biases
        }
        found = {b: t for b, t in found.items() if np.isfinite(t)}
        if len(found) < 2:
            return Outcome(measure, note="fewer than two σb² > 0 with a transition on the grid")
        spread = max(found.values()) - min(found.values())
        theory = ", ".join(f"{b:g}: {float(stats['border_weight_variance'].sel(bias_variance=b)):.3g}" for b in found)
        note = "transition at " + ", ".join(f"σb² = {b:g}: {t:g}" for b, t in found.items()) + f"; mean-field border {theory}"
        ok = spread >= RULES["border_moves"] if moves else spread < RULES["border_moves"]
        return Outcome(measure, spread, verdict=_verdict(ok), note=note)

    return check


# --------------------------------------------------------------------------- claims 21-25: seed 001 in training

NO_SEED001_TRAINING = "no seed-001 training data in this run"


def _training(inputs: ClaimInputs, activation: str) -> xr.Dataset | None:
    data = inputs.seed001
    if data is None or data.training is None or activation not in data.training["activation"].values:
        return None
    return data.training


def seed001_training_change(activation: str, which: str) -> Check:
    """Claims 21-23 on the relative NTK change at the end of training: the largest over
    the clearly ordered cells at the main width (``'ordered'``: small, at most kernel_close),
    the median Spearman rho with depth over the clearly chaotic sigma_w^2 at the main width
    (``'chaotic'``: grows, at least monotone_rho), or with width over every (sigma_w^2,
    depth) (``'width'``: falls, at most decreasing_rho). Diverged runs are left out and counted."""
    measure = {
        "ordered": f"{activation}: largest relative NTK change at the end, clearly ordered cells, main width",
        "chaotic": f"{activation}: median Spearman ρ of the relative NTK change with depth, clearly chaotic σw², main width",
        "width": f"{activation}: median Spearman ρ of the relative NTK change with width M at fixed (σw², L)",
    }[which]

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        stats = training.sel(activation=activation)
        change = stats["ntk_change_end"].where(stats["status"] != 2)
        diverged = int((stats["status"] == 2).sum())
        main = int(training.attrs["main_width"])
        if which == "ordered":
            mask = phase.training_phase_mask(training, "ordered").sel(activation=activation)
            cells = change.sel(width=main).where(mask)
            if int(cells.notnull().sum()) == 0:
                return Outcome(measure, note="no clearly ordered cell in this run")
            at = {dim: int(i) for dim, i in cells.argmax(...).items()}
            cell = cells.isel(at)
            value = float(cell)
            note = f"at σw² = {float(cell['weight_variance']):g}, depth {int(cell['depth'])}; {diverged} diverged runs"
            return Outcome(measure, value, verdict=_verdict(value <= RULES["kernel_close"]), note=note)
        if which == "chaotic":
            mask = phase.training_phase_mask(training, "chaotic").sel(activation=activation)
            lines = change.sel(width=main).where(mask).transpose("weight_variance", "depth")
            rhos = np.array([phase.spearman(training["depth"].values, row) for row in lines.values])
        else:
            lines = change.stack(line=("weight_variance", "depth")).transpose("line", "width")
            rhos = np.array([phase.spearman(training["width"].values, row) for row in lines.values])
        rhos = rhos[np.isfinite(rhos)]
        if rhos.size == 0:
            return Outcome(measure, note="no line with three trained points in this run")
        value = float(np.median(rhos))
        ok = value >= RULES["monotone_rho"] if which == "chaotic" else value <= RULES["decreasing_rho"]
        return Outcome(measure, value, verdict=_verdict(ok), note=f"{rhos.size} lines; {diverged} diverged runs")

    return check


def seed001_untrainable(activation: str) -> Check:
    """Claim 24: networks deep in the ordered phase do not train: the median over the clearly
    ordered sigma_w^2 of the minimal loss at the deepest depth and the main width, over the
    loss of the best constant output (``constant_loss``: a network that ignores its inputs
    reaches no lower); agrees when at least untrained_loss_ratio. The note gives the same
    at the shallowest depth and for the clearly chaotic sigma_w^2."""
    measure = f"{activation}: median min loss / best constant output's loss at the deepest depth, clearly ordered σw², main width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        stats = training.sel(activation=activation, width=int(training.attrs["main_width"]))
        ratio = stats["min_loss"] / float(training.attrs["constant_loss"])

        def median(phase_name: str, depth: int) -> float:
            mask = phase.training_phase_mask(training, phase_name).sel(activation=activation)
            values = ratio.where(mask).isel(depth=depth).dropna("weight_variance").values
            return float(np.median(values)) if values.size else NAN

        value = median("ordered", -1)
        if not np.isfinite(value):
            return Outcome(measure, note="no clearly ordered cell in this run")
        note = (f"depth {int(training['depth'][-1])}; at depth {int(training['depth'][0])}: {median('ordered', 0):.3g}; "
                f"clearly chaotic at depth {int(training['depth'][-1])}: {median('chaotic', -1):.3g}; "
                f"{int(training.attrs['max_steps'])} steps at most")
        return Outcome(measure, value, verdict=_verdict(value >= RULES["untrained_loss_ratio"]), note=note)

    return check


def seed001_steps_against_change(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 25: networks that take more steps change their kernel less: Spearman's rho of
    the step count with the relative NTK change at the end over every trained, not diverged
    cell of the main width; n/a when every run stopped at the cap (no early stop)."""
    measure = "Spearman ρ of the number of steps with the relative NTK change at the end (main width)"
    data = inputs.seed001
    if data is None or data.training is None:
        return Outcome(measure, note=NO_SEED001_TRAINING)
    training = data.training.sel(width=int(data.training.attrs["main_width"]))
    ok = (training["status"] >= 0) & (training["status"] != 2)
    steps = training["steps"].where(ok).values.ravel()
    change = training["ntk_change_end"].where(ok).values.ravel()
    keep = np.isfinite(steps) & np.isfinite(change)
    steps, change = steps[keep], change[keep]
    if steps.size < 3 or np.ptp(steps) == 0:
        return Outcome(measure, note=f"every run took the same number of steps ({int(steps[0]) if steps.size else 0}): "
                                     "no run stopped early in this run's protocol")
    rho = phase.spearman(steps, change)
    return Outcome(measure, rho, verdict=_verdict(rho <= RULES["decreasing_rho"]), note=f"{steps.size} runs")


# --------------------------------------------------------------------------- the registry

# The report's statements, in table order. Numbers in `stated` are quotes of seed 000 and
# of seed 002 (claim 10's "a depth of 5"); nothing else here is. The report's "erf" activation is our `sigmoid` (sigmoid-like erf).
CLAIMS: tuple[Claim, ...] = (
    # 1. FNN second moment (Section 5.1.2).
    Claim("1.relu.start", "FNN, ReLU: E[K²]/E[K]² at the smallest β", "increased from approximately 1.00", "Sec. 5.1.2",
          "1.00", RULE_AT_START, ratio_at_start("fnn", "relu")),
    Claim("1.relu.max", "FNN, ReLU: largest E[K²]/E[K]² over the β range", "... to 83.99", "Sec. 5.1.2",
          "83.99", RULE_MAXIMUM, ratio_maximum("fnn", "relu")),
    Claim("1.gelu.start", "FNN, GELU: E[K²]/E[K]² at the smallest β", "from 1.00", "Sec. 5.1.2",
          "1.00", RULE_AT_START, ratio_at_start("fnn", "gelu")),
    Claim("1.gelu.max", "FNN, GELU: largest E[K²]/E[K]² over the β range", "... to 100.0", "Sec. 5.1.2",
          "100.0", RULE_MAXIMUM, ratio_maximum("fnn", "gelu")),
    Claim("1.sigmoid.max", "FNN, sigmoid: E[K²]/E[K]² stays below the stated maximum", "with a maximum of only 1.03", "Sec. 5.1.2",
          "1.03", RULE_BOUND, ratio_below("fnn", "sigmoid")),
    # 2. PINN second moment (Section 5.2.2); the PINN Monte Carlo measures K_uu.
    Claim("2.relu.start", "PINN, ReLU: E[K_uu²]/E[K_uu]² at the smallest β", "increased from approximately 1.00", "Sec. 5.2.2",
          "1.00", RULE_AT_START, ratio_at_start("pinn", "relu")),
    Claim("2.relu.max", "PINN, ReLU: largest E[K_uu²]/E[K_uu]² over the β range", "to a maximum of 83.99", "Sec. 5.2.2",
          "83.99", RULE_MAXIMUM, ratio_maximum("pinn", "relu")),
    Claim("2.gelu.start", "PINN, GELU: E[K_uu²]/E[K_uu]² at the smallest β", "an increase from 1.00", "Sec. 5.2.2",
          "1.00", RULE_AT_START, ratio_at_start("pinn", "gelu")),
    Claim("2.gelu.max", "PINN, GELU: largest E[K_uu²]/E[K_uu]² over the β range", "to a peak of 12.95", "Sec. 5.2.2",
          "12.95", RULE_MAXIMUM, ratio_maximum("pinn", "gelu")),
    Claim("2.sigmoid.max", "PINN, sigmoid: E[K_uu²]/E[K_uu]² stays below the stated maximum", "a maximum value of only 1.027", "Sec. 5.2.2",
          "1.027", RULE_BOUND, ratio_below("pinn", "sigmoid")),
    # 3. Theorem 1 at small and large beta (Sections 5.1.1, 5.2.1; footnote 3).
    Claim("3.fnn.C", "FNN, ReLU: C of exp(Cβ) fitted at small β", "C ≈ 5.0 for ReLU networks", "Sec. 5.1.1, fn. 3",
          "5.0", RULE_FITTED_C, fitted_C("fnn")),
    Claim("3.fnn.departure", "FNN, ReLU: E[K²]/E[K]² departs from exp(5β) at large β", "as β increases further, a divergence ... is observed", "Sec. 5.1.1",
          None, RULE_DEPARTURE, departure("fnn")),
    Claim("3.pinn.C", "PINN, ReLU: C of exp(Cβ) fitted at small β (K_uu)", "closely follows ... exp(Cβ)", "Sec. 5.2.1",
          "5.0", RULE_FITTED_C, fitted_C("pinn")),
    Claim("3.pinn.departure", "PINN, ReLU: E[K_uu²]/E[K_uu]² departs from exp(5β) at large β", "as β increases, some divergence ... emerges", "Sec. 5.2.1",
          None, RULE_DEPARTURE, departure("pinn")),
    # 4. Theorem 2 parity (Figures 1b, 3b).
    Claim("4.fnn.small", "FNN, ReLU: |E[ΔK]/E[K]| against the Theorem 2 scaling at small β", "supports the theoretical scaling's accuracy", "Sec. 5.1.1",
          None, RULE_NEAR, parity("fnn", "beta", near=True)),
    Claim("4.fnn.large", "FNN, ReLU: the same at large β", "for large β ... systematically diverge from the y = x line", "Sec. 5.1.1",
          None, RULE_DEVIATES, parity("fnn", "beta", near=False)),
    Claim("4.pinn.small", "PINN, ReLU: |E[ΔK_uu]/E[K_uu]| against the scaling, scaling below 1", "closely track the theoretical prediction", "Sec. 5.2.1",
          None, RULE_NEAR, parity("pinn", "scaling", near=True)),
    Claim("4.pinn.large", "PINN, ReLU: the same for scaling values of 1 and above", "systematic deviations ... around scaling values of order 10^0 and above", "Sec. 5.2.1",
          None, RULE_DEVIATES, parity("pinn", "scaling", near=False)),
    # 5. FNN relative change across activations (Figure 2b).
    Claim("5.sigmoid", "FNN: |E[ΔK]/E[K]| of sigmoid below ReLU and GELU at every β", "for any given value of β, the NTK evolves by several orders of magnitude less", "Sec. 5.1.2",
          None, RULE_ORDERS_BELOW, sigmoid_orders_below),
    Claim("5.similar", "FNN: |E[ΔK]/E[K]| of GELU against ReLU", "ReLU and GeLU are quantitatively very similar", "Sec. 5.1.2",
          None, RULE_SIMILAR, relu_gelu_similar),
    Claim("5.monotone.relu", "FNN, ReLU: |E[ΔK]/E[K]| grows with β", "increases monotonically with β", "Sec. 5.1.2",
          None, RULE_MONOTONE, monotone("fnn", "relu")),
    Claim("5.monotone.gelu", "FNN, GELU: |E[ΔK]/E[K]| grows with β", "increases monotonically with β", "Sec. 5.1.2",
          None, RULE_MONOTONE, monotone("fnn", "gelu")),
    Claim("5.monotone.sigmoid", "FNN, sigmoid: |E[ΔK]/E[K]| grows with β", "increases monotonically with β", "Sec. 5.1.2",
          None, RULE_MONOTONE, monotone("fnn", "sigmoid")),
    # 6. PINN relative change across activations (Figure 4b).
    Claim("6.gelu", "PINN, GELU: growth of |E[ΔK_uu]/E[K_uu]| over the β range", "the most stable ... no significant increase", "Sec. 5.2.2",
          None, RULE_MOST_STABLE, pinn_growth("gelu", lambda g: g["gelu"] < RULES["stable_decades"] and g["gelu"] <= min(g["relu"], g["sigmoid"]))),
    Claim("6.sigmoid", "PINN, sigmoid: growth of |E[ΔK_uu]/E[K_uu]| over the β range", "a moderate increase", "Sec. 5.2.2",
          None, RULE_MODERATE, pinn_growth("sigmoid", lambda g: RULES["stable_decades"] <= g["sigmoid"] < g["relu"])),
    Claim("6.relu", "PINN, ReLU: growth of |E[ΔK_uu]/E[K_uu]| over the β range", "increasing by several orders of magnitude", "Sec. 5.2.2",
          None, RULE_ORDERS, pinn_growth("relu", lambda g: g["relu"] >= RULES["orders_decades"])),
    # 7. FNN training, width 512, depth 1 and 10 (Appendix G, Figures 9, 10).
    Claim("7.d1.change", "FNN, shallow (depth 1): NTK change in training", "does not change after training", "App. G, Fig. 9",
          None, RULE_CLOSE, fnn_training("shallow", "kernel_change", lambda v, _: v <= RULES["kernel_close"])),
    Claim("7.d1.infinite", "FNN, shallow: NTK at init against the infinite-width NTK", "closely resembles the infinite width NTK", "App. G, Fig. 9",
          None, RULE_CLOSE, fnn_training("shallow", "distance_infinite", lambda v, _: v <= RULES["kernel_close"])),
    Claim("7.d1.fit", "FNN, shallow: fit of the sine target", "is not fitted well", "App. G, Fig. 9",
          None, RULE_POOR_FIT, fnn_training("shallow", "relative_mse", lambda v, _: v > RULES["fit_relative_mse"])),
    Claim("7.d10.change", "FNN, deep (depth 10): NTK change in training", "this changes after network is trained", "App. G, Fig. 10",
          None, RULE_CHANGES, fnn_training("deep", "kernel_change", _deep_changes_more)),
    Claim("7.d10.fit", "FNN, deep: fit of the sine target", "is fitted well", "App. G, Fig. 10",
          None, RULE_GOOD_FIT, fnn_training("deep", "relative_mse", lambda v, _: v <= RULES["fit_relative_mse"])),
    # 8. PINN training (Appendices D.1.2, E).
    Claim("8.erf", "PINN, erf: relative L2 error of the trained solution", "effective learning of the PDE solution", "App. E, Fig. 7",
          None, RULE_LEARNS, pinn_training("sigmoid", learns=True)),
    Claim("8.relu", "PINN, ReLU: relative L2 error of the trained solution", "the network did not train successfully", "App. D.1.2",
          None, RULE_NOT_LEARNS, pinn_training("relu", learns=False)),
    # Seed 002, "Revisiting the NTK: the role of large width and depth" (its symbols were
    # lost in extraction; the quotes keep the words that survive).
    # 9. Theorem 2: the normalised NTK tends to an invertible matrix with equal off-diagonal entries.
    Claim("9.equal", "Seed 002: normalised NTK off the diagonal at large depth (synthetic and digit points)",
          "the (normalized) infinite-width NTK approaches an invertible matrix", "Seed 002, Sec. 2.3, Thm. 2",
          None, RULE_LIMIT_EQUAL, kernel_limit_check("equal")),
    Claim("9.invertible", "Seed 002: smallest eigenvalue of the normalised NTK matrix at large depth",
          "the (normalized) infinite-width NTK approaches an invertible matrix", "Seed 002, Sec. 2.3, Thm. 2",
          None, RULE_LIMIT_INVERTIBLE, kernel_limit_check("invertible")),
    # 10. Figure 7: the smallest eigenvalue against depth.
    Claim("10.depth", "Seed 002: depth at which λ_min of the normalised NTK (points uniform on the sphere) stabilises",
          "For large values of n, a depth of 5 stabilizes the smallest eigenvalue", "Seed 002, Sec. 6.4, Fig. 7",
          "5", RULE_STABLE_DEPTH, eigenvalue_stabilises),
    # 11. Figure 6 and Theorem 3: the projection term with a bounded stopping time.
    Claim("11.bounded", "Seed 002: norm of the NTK predictor's projection term against depth, bounded stopping times",
          "it is possible to control the norm of the projection term using a proper stopping time and scaling the depth appropriately",
          "Seed 002, Sec. 6.4, Fig. 6", None, RULE_BOUNDED, projection_bounded),
    # 12. Table 1 (scaled): the last hidden layer's deviation from initialisation.
    Claim("12.neuron", "Seed 002, Table 1 scaled: single-neuron deviation of the last hidden layer as width grows",
          "the individual neuron deviations are close to their initial value", "Seed 002, Sec. 5, Table 1",
          None, RULE_VANISHES, lazy_slope("neuron")),
    Claim("12.aggregate", "Seed 002, Table 1 scaled: aggregate deviation of the last hidden layer as width grows",
          "the total aggregate deviation of the full hidden layer ... does not converge to 0", "Seed 002, Sec. 5, Table 1",
          None, RULE_PERSISTS, lazy_slope("aggregate")),
    # Seed 001, Seleznova & Kutyniok, at initialisation (Section 3, Figures 1, 2, 7).
    # 13. Figure 1: the ordered phase.
    Claim("13.tanh", "Seed 001, tanh: std/mean of K(x,x) in the ordered phase, every depth",
          "when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
          "Seed 001, Sec. 3, Fig. 1a", None, "agrees when at most the first std/mean threshold", seed001_largest_std("tanh", "ordered", 0)),
    Claim("13.relu", "Seed 001, ReLU: std/mean of K(x,x) in the ordered phase, every depth",
          "when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
          "Seed 001, Sec. 3, Fig. 1b", None, "agrees when at most the first std/mean threshold", seed001_largest_std("relu", "ordered", 0)),
    # 14. Figure 1: the chaotic phase grows with depth.
    Claim("14.tanh", "Seed 001, tanh: R against depth in the chaotic phase",
          "for large σw² (chaotic phase) the variance grows significantly with L", "Seed 001, Sec. 3, Fig. 1a",
          None, RULE_MONOTONE, seed001_trend("tanh", "chaotic", "depth")),
    Claim("14.relu", "Seed 001, ReLU: R against depth in the chaotic phase",
          "for large σw² (chaotic phase) the variance grows significantly with L", "Seed 001, Sec. 3, Fig. 1b",
          None, RULE_MONOTONE, seed001_trend("relu", "chaotic", "depth")),
    # 15. Fixed depth, growing width: the variance decreases.
    Claim("15.chaotic", "Seed 001, ReLU: R against width at fixed depth, chaotic phase",
          "when depth L is fixed and width M increases, the NTK variance decreases in the chaotic phase", "Seed 001, Sec. 3",
          None, f"agrees when ρ ≤ {RULES['decreasing_rho']:g}", seed001_trend("relu", "chaotic", "width")),
    # 16. The border.
    Claim("16.tanh", "Seed 001, tanh: std/mean of K(x,x) on the border, every depth",
          "At the EOC, the variance of the NTK is a fraction of its mean even for very deep networks", "Seed 001, Sec. 3",
          None, "agrees when below the second std/mean threshold (std below the mean)", seed001_largest_std("tanh", "border", -1)),
    Claim("16.relu", "Seed 001, ReLU: std/mean of K(x,x) on the border, every depth",
          "At the EOC, the variance of the NTK is a fraction of its mean even for very deep networks", "Seed 001, Sec. 3",
          None, "agrees when below the second std/mean threshold (std below the mean)", seed001_largest_std("relu", "border", -1)),
    # 17. Shallow networks.
    Claim("17.tanh", "Seed 001, tanh: std/mean of K(x,x) of shallow networks, every σw²",
          "the NTK variance is small for sufficiently shallow NNs with any σw² value", "Seed 001, Sec. 3",
          None, "agrees when at most the first std/mean threshold", seed001_largest_std("tanh", "shallow", 0)),
    Claim("17.relu", "Seed 001, ReLU: std/mean of K(x,x) of shallow networks, every σw²",
          "the NTK variance is small for sufficiently shallow NNs with any σw² value", "Seed 001, Sec. 3",
          None, "agrees when at most the first std/mean threshold", seed001_largest_std("relu", "shallow", 0)),
    # 18. Figure 2: collapse against L/M.
    Claim("18.collapse", "Seed 001, Figure 2: R of several widths against L/M in the chaotic phase",
          "in the chaotic phase (σw² = 3) the ratio grows exponentially as a function of L/M", "Seed 001, Sec. 3, Fig. 2",
          None, f"agrees when ≤ {RULES['collapse_ratio']:g}", seed001_collapse),
    # 19. The transition sharpens with width.
    Claim("19.tanh", "Seed 001, tanh: share of the middle class (std comparable with the mean) against width",
          "as M grows, the vertical red region gets narrower, i.e. the transition becomes sharper", "Seed 001, Sec. 3, Fig. 1a",
          None, f"agrees when ρ ≤ {RULES['decreasing_rho']:g}", seed001_sharpens("tanh")),
    Claim("19.relu", "Seed 001, ReLU: share of the middle class (std comparable with the mean) against width",
          "as M grows, the vertical red region gets narrower, i.e. the transition becomes sharper", "Seed 001, Sec. 3, Fig. 1b",
          None, f"agrees when ρ ≤ {RULES['decreasing_rho']:g}", seed001_sharpens("relu")),
    # 20. Figure 7: the border and sigma_b^2.
    Claim("20.tanh", "Seed 001, tanh: where the map leaves the deterministic class, against σb² (Figure 7)",
          "For tanh networks the location of the border between phases depends on σb²", "Seed 001, App. C, Fig. 7a",
          None, f"agrees when the range is ≥ {RULES['border_moves']:g}", seed001_border_moves("tanh", moves=True)),
    Claim("20.relu", "Seed 001, ReLU: where the map leaves the deterministic class, against σb² (Figure 7)",
          "while for ReLU networks it is the same for all the σb² values", "Seed 001, App. C, Fig. 7b",
          None, f"agrees when the range is < {RULES['border_moves']:g}", seed001_border_moves("relu", moves=False)),
    # Seed 001 in training (Section 4, Figures 3, 4, 8-11).
    Claim("21.tanh", "Seed 001, tanh: relative NTK change in training, ordered phase",
          "In the ordered phase, the relative change in the NTK matrix norm is small throughout training for any depth",
          "Seed 001, Sec. 4, Fig. 3a", None, f"agrees when ≤ {RULES['kernel_close']:g}", seed001_training_change("tanh", "ordered")),
    Claim("21.relu", "Seed 001, ReLU: relative NTK change in training, ordered phase",
          "In the ordered phase, the relative change in the NTK matrix norm is small throughout training for any depth",
          "Seed 001, Sec. 4, Fig. 4a", None, f"agrees when ≤ {RULES['kernel_close']:g}", seed001_training_change("relu", "ordered")),
    Claim("22.tanh", "Seed 001, tanh: relative NTK change against depth, chaotic phase",
          "in the chaotic phase ... the NTK changes significantly during training ... grows with L", "Seed 001, Sec. 4, Fig. 3a",
          None, RULE_MONOTONE, seed001_training_change("tanh", "chaotic")),
    Claim("22.relu", "Seed 001, ReLU: relative NTK change against depth, chaotic phase",
          "in the chaotic phase ... the NTK changes significantly during training ... grows with L", "Seed 001, Sec. 4, Fig. 4a",
          None, RULE_MONOTONE, seed001_training_change("relu", "chaotic")),
    Claim("23.tanh", "Seed 001, tanh: relative NTK change against width at fixed (σw², L)",
          "wider networks change less", "Seed 001, App. D, Fig. 10",
          None, f"agrees when ρ ≤ {RULES['decreasing_rho']:g}", seed001_training_change("tanh", "width")),
    Claim("23.relu", "Seed 001, ReLU: relative NTK change against width at fixed (σw², L)",
          "wider networks change less", "Seed 001, App. D, Fig. 11",
          None, f"agrees when ρ ≤ {RULES['decreasing_rho']:g}", seed001_training_change("relu", "width")),
    Claim("24.tanh", "Seed 001, tanh: loss reached by deep networks in the ordered phase",
          "Networks become untrainable with depth much faster in the ordered phase than in the chaotic phase", "Seed 001, Sec. 4, Fig. 3b",
          None, f"agrees when ≥ {RULES['untrained_loss_ratio']:g}", seed001_untrainable("tanh")),
    Claim("24.relu", "Seed 001, ReLU: loss reached by deep networks in the ordered phase",
          "Networks become untrainable with depth much faster in the ordered phase than in the chaotic phase", "Seed 001, Sec. 4, Fig. 4b",
          None, f"agrees when ≥ {RULES['untrained_loss_ratio']:g}", seed001_untrainable("relu")),
    Claim("25.steps", "Seed 001: NTK change against the number of training steps",
          "networks that need more iterations to train mostly show small changes in the NTK", "Seed 001, Sec. 4",
          None, f"agrees when ρ ≤ {RULES['decreasing_rho']:g}", seed001_steps_against_change),
)


def evaluate_claims(
    fnn: xr.Dataset | None = None,
    pinn: xr.Dataset | None = None,
    large_beta: float = 0.5,
    fnn_shallow: FnnTrainingSummary | None = None,
    fnn_deep: FnnTrainingSummary | None = None,
    pinn_errors: Mapping[str, float] | None = None,
    seed002: Seed002Data | None = None,
    seed001: Seed001Data | None = None,
) -> list[ClaimResult]:
    """Every claim of :data:`CLAIMS` checked on the given data (fields of
    :class:`ClaimInputs`), in table order."""
    inputs = ClaimInputs(fnn, pinn, large_beta, fnn_shallow, fnn_deep, MappingProxyType(dict(pinn_errors or {})), seed002, seed001)
    return [claim.evaluate(inputs) for claim in CLAIMS]


def verdict_counts(results: Iterable[ClaimResult]) -> dict[str, int]:
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] += 1
    return counts


# --------------------------------------------------------------------------- training outputs


def summarise_fnn_training(ds: xr.Dataset) -> FnnTrainingSummary:
    """Claim 7's numbers from a ``training/fnn_w<width>_d<depth>.nc`` dataset: the kernel
    change at the last snapshot, the initial kernel's distance from the infinite-width one,
    and the relative MSE :math:`\\overline{(f - y)^2} / \\overline{y^2}` of the last
    prediction on the test grid."""
    prediction = ds["prediction"].isel(step=-1).values.astype(np.float64)
    target = ds["target"].values.astype(np.float64)
    return FnnTrainingSummary(
        width=int(ds.attrs["width"]),
        depth=int(ds.attrs["depth"]),
        kernel_change=float(ds["relative_change"].isel(step=-1)),
        distance_infinite=float(ds["relative_distance_infinite"].isel(step=0)),
        relative_mse=float(np.mean((prediction - target) ** 2) / np.mean(target**2)),
    )


def summarise_pinn_training(ds: xr.Dataset) -> float:
    """Final relative L2 error of a trained PINN on its test grid."""
    return float(ds["relative_l2_error"].isel(step=-1))


class TrainingRun(NamedTuple):
    """A training output of one network, described by its attributes."""

    file: str
    model: str
    activation: str
    width: int
    depth: int


def training_runs(attrs: Mapping[str, Mapping[str, Any]]) -> list[TrainingRun]:
    """The one-network training runs among the training outputs, from ``{file: attributes}``.
    ``ntk_init.nc`` spans a grid of widths and depths and carries neither; it is left out."""
    return [
        TrainingRun(file, str(a["model"]), str(a["activation"]), int(a["width"]), int(a["depth"]))
        for file, a in attrs.items()
        if "width" in a and "depth" in a
    ]


class TrainingPick(NamedTuple):
    """The training outputs claims 7 and 8 read (file names; None where absent)."""

    shallow: str | None
    deep: str | None
    pinn: dict[str, str]  # activation -> file


def pick_training_runs(
    runs: Sequence[TrainingRun],
    shallow: Sequence[int] | None,
    deep: Sequence[int] | None,
    pinn_architecture: Sequence[int] | None,
) -> TrainingPick:
    """The FNN runs of the (width, depth) of ``shallow`` and ``deep`` (the config's Figure 9
    and 10 architectures) and the PINN run of each activation at ``pinn_architecture``
    (the config's Figure 6/7 architecture)."""

    def find(model: str, architecture: Sequence[int] | None) -> list[TrainingRun]:
        wanted = None if architecture is None else tuple(int(n) for n in architecture)
        return [r for r in runs if r.model == model and (r.width, r.depth) == wanted]

    def fnn_file(architecture: Sequence[int] | None) -> str | None:
        found = find("fnn", architecture)
        return found[0].file if found else None

    return TrainingPick(fnn_file(shallow), fnn_file(deep), {r.activation: r.file for r in find("pinn", pinn_architecture)})


# --------------------------------------------------------------------------- output


def _interval_text(r: ClaimResult) -> str:
    if math.isnan(r.lo) and math.isnan(r.hi):
        return ""
    return f" [{latex_number(r.lo)}, {latex_number(r.hi)}]"


def claims_latex(results: Sequence[ClaimResult], caption: str = "Quantitative claims of the report against the regenerated data.", label: str = "tab:claims") -> str:
    """The claims table as a LaTeX ``longtable`` (booktabs, array)."""
    verdict_macro = {AGREES: r"\verdictagrees", DIFFERS: r"\verdictdiffers", NOT_AVAILABLE: r"\verdictna"}
    header = r"Claim & What is measured; the report's words & Stated & Regenerated [95\% interval]; rule & Verdict \\"
    lines = [
        "% Generated by finite_ntk.claims from the reduced data; do not edit.",
        r"\providecommand{\verdictagrees}{agrees}\providecommand{\verdictdiffers}{\textbf{differs}}\providecommand{\verdictna}{n/a}",
        r"\begin{footnotesize}",
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.07\linewidth}>{\raggedright\arraybackslash}p{0.28\linewidth}"
        r">{\raggedright\arraybackslash}p{0.06\linewidth}>{\raggedright\arraybackslash}p{0.34\linewidth}"
        r">{\raggedright\arraybackslash}p{0.15\linewidth}@{}}",
        rf"\caption{{{caption}}}\label{{{label}}}\\",
        r"\toprule",
        header,
        r"\midrule\endfirsthead",
        r"\toprule",
        header,
        r"\midrule\endhead",
        r"\bottomrule\endlastfoot",
    ]
    previous = None
    for r in results:
        if previous is not None and r.number != previous:
            lines.append(r"\midrule")
        previous = r.number
        stated = latex_escape(r.stated) if r.stated is not None else "--"
        what = f"{latex_escape(r.subject)}. \\emph{{``{latex_escape(r.quote)}''}} ({latex_escape(r.source)})"
        regenerated = f"{latex_number(r.value)}{_interval_text(r)}: {latex_escape(r.measure)}. \\emph{{Rule:}} {latex_escape(r.rule)}."
        verdict = verdict_macro[r.verdict] + (f" \\newline {{\\scriptsize {latex_escape(r.note)}}}" if r.note else "")
        number, _, part = r.key.partition(".")
        part = latex_escape(part).replace(".", ".\\allowbreak ")
        key = f"\\textbf{{{number}}}\\newline{{\\scriptsize {part}}}"
        lines.append(f"{key} & {what} & {stated} & {regenerated} & {verdict} \\\\")
    lines += [r"\end{longtable}", r"\end{footnotesize}", ""]
    return "\n".join(lines)


def rules_latex() -> str:
    """The :data:`THRESHOLDS` as a LaTeX itemize: each one's words and value."""
    items = "\n".join(f"  \\item {t.words} {latex_plain(t.value)}" for t in THRESHOLDS.values())
    return "% Generated by finite_ntk.claims; do not edit.\n\\begin{itemize}\\setlength\\itemsep{0pt}\n" + items + "\n\\end{itemize}\n"


CSV_FIELDS = ("key", "number", "subject", "quote", "source", "stated", "measure", "value", "lo", "hi", "rule", "verdict", "note")


def write_claims_csv(results: Sequence[ClaimResult], path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in results:
            row = r.as_row()
            row["stated"] = "" if r.stated is None else r.stated
            for name in ("value", "lo", "hi"):
                row[name] = "" if math.isnan(row[name]) else repr(float(row[name]))
            writer.writerow(row)


def read_claims_csv(path: str | Path) -> list[ClaimResult]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        values = {name: float(row[name]) if row[name] else NAN for name in ("value", "lo", "hi")}
        out.append(
            ClaimResult(
                key=row["key"], number=int(row["number"]), subject=row["subject"], quote=row["quote"], source=row["source"],
                stated=row["stated"] or None, measure=row["measure"], rule=row["rule"], verdict=row["verdict"], note=row["note"],
                **values,
            )
        )
    return out


def claims_dataset(results: Sequence[ClaimResult], attrs: Mapping[str, Any] | None = None) -> xr.Dataset:
    """The claims table as an xarray Dataset over dimension ``claim`` (the row keys)."""
    keys = [r.key for r in results]
    data = {
        "number": ("claim", np.array([r.number for r in results], dtype=np.int32)),
        "value": ("claim", np.array([r.value for r in results], dtype=np.float64)),
        "lo": ("claim", np.array([r.lo for r in results], dtype=np.float64)),
        "hi": ("claim", np.array([r.hi for r in results], dtype=np.float64)),
    }
    for name in ("subject", "quote", "source", "measure", "rule", "verdict", "note"):
        data[name] = ("claim", np.array([getattr(r, name) for r in results], dtype=object))
    data["stated"] = ("claim", np.array(["" if r.stated is None else r.stated for r in results], dtype=object))
    return xr.Dataset(data, coords={"claim": np.array(keys, dtype=object)}, attrs=dict(attrs or {}, rules=repr(RULES)))


__all__ = [
    "AGREES", "DIFFERS", "NOT_AVAILABLE", "VERDICTS", "CLAIMS", "THRESHOLDS", "RULES", "Claim", "ClaimInputs", "ClaimResult",
    "Outcome", "Threshold", "Seed001Data", "Seed002Data", "FnnTrainingSummary", "TrainingRun", "TrainingPick", "evaluate_claims", "verdict_counts",
    "claims_latex", "rules_latex", "write_claims_csv", "read_claims_csv", "claims_dataset", "summarise_fnn_training",
    "summarise_pinn_training", "training_runs", "pick_training_runs", "stated_number", "within_interval", "growth_decades", "series",
]
