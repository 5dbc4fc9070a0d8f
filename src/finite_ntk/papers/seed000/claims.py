"""Seed 000's claims ("NTK analysis for finite width and depth"), checked against the
regenerated data.

:data:`CLAIMS` is the registry: one :class:`~finite_ntk.claims.Claim` per row of the claims
table, holding the report's words, the number it states, the rule that decides and the
check that measures. docs/replication.md lists eight quantitative claims of seed 000; each
is one or more rows here, keyed ``"seed000.<claim number>.<part>"``. Where the report states
a number it is quoted exactly as printed (the number of printed digits sets the rounding
tolerance); these quotes and the settings in :data:`finite_ntk.papers.seed000.report.REPORT_QUOTES`
are the only numbers of the report typed into this package. Everything else is computed
from the reduced data, read by :func:`load_claim_inputs` into :class:`ClaimInputs`:

- ``ntk_stats_fnn.nc`` / ``ntk_stats_pinn.nc`` (Monte Carlo, claims 1-6): per activation and
  configuration, :math:`E[K^2]/E[K]^2` and the signed :math:`E[\\Delta K]/E[K]` with 95%
  bootstrap bounds (``*_lo``, ``*_hi``), the theory curves :math:`\\exp(5\\beta)` and
  :math:`(d\\beta/n_0)\\exp(5\\beta)\\,\\mathrm{lr}`, and the fitted :math:`C` of
  :math:`\\exp(C\\beta)` with its interval. The PINN claims use the value kernel
  :math:`K_{uu}`;
- the training netCDFs (claims 7, 8), summarised by :func:`summarise_fnn_training` and
  :func:`summarise_pinn_training`.

Rules (:mod:`finite_ntk.claims`): a stated number agrees when it lies in our 95% interval
widened by half a unit of its last printed digit; for a maximum over the beta range the
interval is [max lo, max hi] over configurations; for "stays below" claims the stated bound
agrees unless our maximum is significantly above it (max lo :math:`> s + u`). A qualitative
claim is a measured quantity against a threshold of :data:`THRESHOLDS`. Intervals of
derived trend measures (Spearman correlations, growth over the beta range, medians over
configurations) come from a bootstrap over configurations seeded from the run's root seed
and the claim's stream, so the table is deterministic; ``n/a`` means the data needed are
not in this run, e.g. the smoke grid has no :math:`\\beta \\ge 0.5`.

Claims 1-3 read :math:`E[K^2]/E[K]^2`, which is heavy-tailed: through the estimate
:func:`finite_ntk.coverage.select_ratio_estimate` trusts at each configuration (the plain
ratio, else R_log, where their coverage was measured to hold), and say *not estimable* where
no estimate is trusted and the trusted ones cannot decide. The rows ``*.exact`` and
``*.C_exact`` read the exact finite-width ratio of the ReLU network
(:mod:`finite_ntk.finite_width_theory`) instead: no sampling error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

from finite_ntk.claims import (
    NAN,
    NOT_AVAILABLE,
    NOT_ESTIMABLE,
    Claim,
    ClaimResult,
    Outcome,
    Threshold,
    bootstrap_configs,
    evaluate,
    stated_number,
    verdict_of,
    within_interval,
)
from finite_ntk.coverage import (
    ESTIMATOR_CODES,
    TRUSTED_COVERAGE,
    select_ratio_estimate,
    trusted_limit,
)
from finite_ntk.papers.seed000.reductions import theory_fitted_C
from finite_ntk.stats import spearman

PAPER = "seed000"
log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- thresholds


THRESHOLDS: Mapping[str, Threshold] = MappingProxyType(
    {
        "near_decades": Threshold(0.5, "near $y=x$: median $|\\log_{10}(\\text{measured}/\\text{scaling})|$ at most"),
        "orders_decades": Threshold(2.0, "orders of magnitude: a factor $10^{x}$ with $x$ at least"),
        "similar_decades": Threshold(
            0.5, "quantitatively similar: median $|\\log_{10}(\\text{GELU}/\\text{ReLU})|$ at most"
        ),
        "monotone_rho": Threshold(0.8, "grows monotonically: Spearman $\\rho$ with $\\beta$ at least"),
        "stable_decades": Threshold(0.5, "no significant increase: growth over the $\\beta$ range below (decades)"),
        "kernel_close": Threshold(0.1, "close kernels: relative Frobenius distance at most"),
        "fit_relative_mse": Threshold(0.1, "good fit: relative mean squared error at most"),
        "pinn_learns": Threshold(0.1, "a PINN learns: relative $L^2$ error below"),
    }
)
RULES: dict[str, float] = {name: t.value for name, t in THRESHOLDS.items()}

# Claim 4 (PINN): the report sees deviations "around scaling values of order 10^0 and above".
PINN_PARITY_SPLIT = 1.0


# --------------------------------------------------------------------------- inputs


class FnnTrainingSummary(NamedTuple):
    """What claim 7 needs from one FNN training run."""

    width: int
    depth: int
    kernel_change: float  # |K_T - K_0|_F / |K_0|_F
    distance_infinite: float  # |K_0 - K_inf|_F / |K_inf|_F
    relative_mse: float  # mean (f - y)^2 / mean y^2 on the test grid, after training


class ClaimInputs(NamedTuple):
    """The data seed 000's checks read; ``None`` where this run lacks it (the rows say n/a)."""

    fnn: xr.Dataset | None = None  # ntk_stats_fnn.nc
    pinn: xr.Dataset | None = None  # ntk_stats_pinn.nc (operator "uu" is used)
    large_beta: float = 0.5  # where "large beta" starts (claims 3, 4)
    fnn_shallow: FnnTrainingSummary | None = None  # claim 7, the report's depth 1
    fnn_deep: FnnTrainingSummary | None = None  # claim 7, the report's depth 10
    pinn_errors: Mapping[str, float] = MappingProxyType({})  # claim 8: final relative L2 error by activation
    # Claims 1-3: the coverage table (finite_ntk.coverage) that says which estimate of
    # E[K^2]/E[K]^2 is trusted at the run's replicate count; None: none is (not estimable).
    coverage: xr.Dataset | None = None
    significance: float = 0.05  # normality test of log K (config heavy_tails.significance)
    min_coverage: float = TRUSTED_COVERAGE  # config heavy_tails.min_coverage


Check = Callable[[Claim[ClaimInputs], ClaimInputs], Outcome]


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
    log_ratio: np.ndarray  # R_log = exp(Var log K) / (1 - p0)
    log_ratio_lo: np.ndarray  # its chi-square interval
    log_ratio_hi: np.ndarray
    normality: np.ndarray  # p-value of the normality test of log K
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

    change, change_lo, change_hi = _magnitude_interval(
        get("relative_delta_k"), get("relative_delta_k_lo"), get("relative_delta_k_hi")
    )
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
        log_ratio=get("log_normal_ratio"),
        log_ratio_lo=get("log_normal_ratio_lo"),
        log_ratio_hi=get("log_normal_ratio_hi"),
        normality=get("normality_pvalue"),
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

# K is heavy-tailed: the plain ratio of N replicates cannot exceed N and under-estimates
# E[K^2]/E[K]^2 long before (finite_ntk.heavy_tails). Every verdict on it reads, per
# configuration, the estimate finite_ntk.coverage.select_ratio_estimate trusts: the plain
# ratio where its interval's coverage was measured to hold at this N, else R_log where the
# normality test of log K does not reject, else none ("not estimable at this N"). A claim
# over k configurations tests normality at significance / k (Bonferroni), so that k tests
# do not reject one by chance.
ESTIMATOR_WORDS = {ESTIMATOR_CODES["plain"]: "plain ratio", ESTIMATOR_CODES["log_normal"]: "R_log"}
TRUSTED = (
    "the trusted estimate (the plain ratio where its measured coverage holds, else R_log where its measured "
    "coverage holds and the normality test of log K does not reject)"
)
RULE_AT_START = (
    f"stated value inside the 95% interval of {TRUSTED} at the smallest β (± half a unit of its last digit); "
    "not estimable when neither is trusted"
)
RULE_MAXIMUM = (
    f"stated value inside [max lo, max hi] over configurations of {TRUSTED} (± half a unit of its last digit); "
    "differs if a trusted lower bound already exceeds it, else not estimable while a configuration has no "
    "trusted estimate"
)
RULE_BOUND = (
    f"agrees unless a lower bound of {TRUSTED} is above the stated maximum; not estimable while a "
    "configuration has no trusted estimate"
)


def _trusted(s: Series, inputs: ClaimInputs, family: int) -> dict[str, np.ndarray]:
    """The trusted estimate of every configuration of ``s`` (finite_ntk.coverage), the
    normality test at ``inputs.significance / family``."""
    replicates = int(np.min(s.replicates))
    if inputs.coverage is None:
        plain_limit = log_limit = 1.0
    else:
        plain_limit = trusted_limit(inputs.coverage, replicates, "plain_bootstrap", inputs.min_coverage)
        log_limit = trusted_limit(inputs.coverage, replicates, "log_chi_square", inputs.min_coverage)
    return select_ratio_estimate(
        s.ratio,
        s.ratio_lo,
        s.ratio_hi,
        s.log_ratio,
        s.log_ratio_lo,
        s.log_ratio_hi,
        s.normality,
        plain_limit=plain_limit,
        log_limit=log_limit,
        significance=inputs.significance / max(family, 1),
    )


def _untrusted_note(s: Series, inputs: ClaimInputs, chosen: np.ndarray, family: int) -> str:
    """Why the configurations ``chosen`` (a boolean mask) have no trusted estimate; ``family``
    as in :func:`_trusted`."""
    replicates = int(np.min(s.replicates))
    if inputs.coverage is None:
        return "no coverage table in this run: no estimate of E[K²]/E[K]² is trusted"
    plain_limit = trusted_limit(inputs.coverage, replicates, "plain_bootstrap", inputs.min_coverage)
    log_limit = trusted_limit(inputs.coverage, replicates, "log_chi_square", inputs.min_coverage)
    with np.errstate(invalid="ignore"):
        rejected = int(np.sum(chosen & (s.normality < inputs.significance / max(family, 1))))
    return (
        f"{int(chosen.sum())} of {chosen.size} configurations not estimable at N = {replicates}: measured "
        f"coverage trusts the plain ratio up to R = {plain_limit:g} and R_log up to R = {log_limit:g}, and the "
        f"normality test of log K rejects at {rejected} of them"
    )


def _second_moment(model: str, activation: str, kind: str) -> Check:
    """E[K^2]/E[K]^2 at the smallest beta (``kind='start'``), its maximum over the beta range
    (``'max'``), or the maximum below a stated upper bound (``'bound'``), read from the
    trusted estimate of each configuration (:func:`_trusted`)."""
    measure = "E[K²]/E[K]² at the smallest β" if kind == "start" else "maximum of E[K²]/E[K]² over β"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if _stats(inputs, model, activation) is None:
            return Outcome(measure, note=f"no {activation} data in this run")
        s = _series(inputs, model, activation)
        if s.vanishes or np.all(np.isnan(s.ratio)):
            return Outcome(measure, note="kernel vanishes identically; the ratio is undefined")
        if kind == "start":
            est = _trusted(s, inputs, family=1)
            code = int(est["estimator"][0])
            if code == ESTIMATOR_CODES["none"]:
                note = f"{_where(s, 0)}; {_untrusted_note(s, inputs, np.arange(s.beta.size) == 0, 1)}"
                return Outcome(measure, verdict=NOT_ESTIMABLE, note=note)
            value, lo, hi = (float(est[name][0]) for name in ("value", "lo", "hi"))
            ok = within_interval(claim.stated, lo, hi)
            return Outcome(measure, value, lo, hi, verdict_of(ok), f"{_where(s, 0)}; {ESTIMATOR_WORDS[code]}")
        est = _trusted(s, inputs, family=s.beta.size)
        trusted = est["estimator"] != ESTIMATOR_CODES["none"]
        bound, half_unit = stated_number(claim.stated)
        plain_i = int(np.nanargmax(s.ratio))
        context = f"plain ratio's maximum {s.ratio[plain_i]:.4g} {_where(s, plain_i)}"
        if s.saturated[plain_i]:
            context += f" (saturated: it cannot exceed {int(s.replicates[plain_i])})"
        if not trusted.any():
            return Outcome(
                measure, verdict=NOT_ESTIMABLE, note=f"{_untrusted_note(s, inputs, ~trusted, s.beta.size)}; {context}"
            )
        values = np.where(trusted, est["value"], np.nan)
        i = int(np.nanargmax(values))
        value, lo, hi = float(values[i]), float(np.nanmax(est["lo"][trusted])), float(np.nanmax(est["hi"][trusted]))
        used = ", ".join(
            f"{ESTIMATOR_WORDS[c]} at {int(np.sum(est['estimator'] == c))}"
            for c in ESTIMATOR_WORDS
            if (est["estimator"] == c).any()
        )
        note = f"{_where(s, i)} ({used} configurations); β range {s.beta.min():.3g} to {s.beta.max():.3g}; {context}"
        if lo > bound + half_unit:
            return Outcome(measure, value, lo, hi, verdict_of(False), note)
        if not trusted.all():
            return Outcome(
                measure, value, lo, hi, NOT_ESTIMABLE, f"{_untrusted_note(s, inputs, ~trusted, s.beta.size)}; {note}"
            )
        ok = within_interval(claim.stated, lo, hi) if kind == "max" else True
        return Outcome(measure, value, lo, hi, verdict_of(ok), note)

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

RULE_FITTED_C = (
    "stated C inside the 95% interval of C fitted on ln R_log (± half a unit of its last digit); not "
    "estimable where the normality test of log K rejects at a fitted point (Bonferroni over the points)"
)
RULE_DEPARTURE = (
    f"agrees when more than half of them exclude exp(5β), read from {TRUSTED}; not estimable while the "
    "configurations without a trusted estimate could tip it"
)


def fitted_C(model: str) -> Check:
    """Claim 3: C of exp(C beta) fitted to ln R_log at small beta (ReLU,
    :func:`finite_ntk.papers.seed000.reductions.fit_log_normal_rate`) against the stated C.
    The plain ratio's fit, biased low by the heavy tail, is given in the note."""

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        stats = _stats(inputs, model, "relu")
        if stats is None:
            return Outcome("fitted C", note="no ReLU data in this run")
        sel: dict[str, Any] = {"activation": "relu"}
        if OPERATOR[model] is not None:
            sel["operator"] = OPERATOR[model]
        fit_max_beta = stats.attrs["fit_max_beta"]
        measure = f"C of exp(Cβ), least squares on ln R_log for β ≤ {fit_max_beta:g}"
        names = ("fitted_C_log_normal", "fitted_C_log_normal_lo", "fitted_C_log_normal_hi")
        value, lo, hi = (float(stats[name].sel(sel)) for name in names)
        if not np.isfinite(value):
            return Outcome(measure, note="no configuration in the fit range")
        s = _series(inputs, model, "relu")
        fitted = s.beta <= fit_max_beta
        note = f"plain ratio's fit: C = {float(stats['fitted_C'].sel(sel)):.3g}"
        theory_C = theory_fitted_C(stats)
        if np.isfinite(theory_C):
            note += f"; the exact finite-width theory on the same configurations: C = {theory_C:.3g}"
        with np.errstate(invalid="ignore"):
            rejected = fitted & ~(s.normality >= inputs.significance / int(fitted.sum()))
        if rejected.any():
            note = (
                f"the normality test of log K rejects at {int(rejected.sum())} of {int(fitted.sum())} fitted "
                f"points (Bonferroni at {inputs.significance:g}): R_log is not trusted; {note}"
            )
            return Outcome(measure, value, lo, hi, NOT_ESTIMABLE, note)
        return Outcome(measure, value, lo, hi, verdict_of(within_interval(claim.stated, lo, hi)), note)

    return check


def departure(model: str) -> Check:
    """Claim 3: at :math:`\\beta \\ge` ``large_beta`` E[K^2]/E[K]^2 (ReLU) leaves
    :math:`\\exp(5\\beta)`: the fraction of those configurations whose trusted 95% interval
    excludes it. Configurations without a trusted estimate count for neither side: the
    verdict is *not estimable* when they could tip the majority."""

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        large_beta = inputs.large_beta
        measure = f"fraction of configurations with β ≥ {large_beta:g} whose trusted interval excludes exp(5β)"
        if _stats(inputs, model, "relu") is None:
            return Outcome(measure, note="no ReLU data in this run")
        s = _series(inputs, model, "relu")
        large = s.beta >= large_beta
        if not large.any():
            return Outcome(measure, note=f"no configuration with β ≥ {large_beta:g} in this run")
        est = _trusted(s, inputs, family=int(large.sum()))
        trusted = large & (est["estimator"] != ESTIMATOR_CODES["none"])
        outside = trusted & ((s.theory_ratio < est["lo"]) | (s.theory_ratio > est["hi"]))
        total, untrusted = int(large.sum()), int((large & ~trusted).sum())
        fraction = float(outside.sum() / total)
        note = f"{int(outside.sum())} of {total} exclude it; {untrusted} without a trusted estimate"
        if outside.sum() > total / 2:
            return Outcome(measure, fraction, verdict=verdict_of(True), note=note)
        if outside.sum() + untrusted > total / 2:
            return Outcome(measure, fraction, verdict=NOT_ESTIMABLE, note=f"{note}: they could tip the majority")
        return Outcome(measure, fraction, verdict=verdict_of(False), note=note)

    return check


# --------------------------------------------------------------------------- claims 1-3: the exact theory

# For the ReLU network of the Monte Carlo, E[K^2]/E[K]^2 is known exactly at every width and
# depth (finite_ntk.finite_width_theory): no sampling error, so these rows need no estimator.
# Not data of the run but a computation, like seed 001's mean-field border: they say what a
# Monte Carlo with enough draws would find at the run's configurations.
RULE_EXACT_MAXIMUM = (
    "stated value equal to the exact maximum over the run's configurations (± half a unit of its last digit)"
)
RULE_EXACT_C = "stated C equal to the C fitted, as the data are, to the exact ratio (± half a unit of its last digit)"


def _exact_theory(inputs: ClaimInputs, model: str) -> tuple[xr.Dataset | None, str]:
    """The model's ntk_stats with a usable exact theory, or None and why not."""
    stats = _stats(inputs, model, "relu")
    if stats is None:
        return None, "no ReLU data in this run"
    theory = stats.get("theory_second_moment_finite_width")
    if theory is None or not np.isfinite(theory.values).any():
        return None, "the exact theory does not apply to this run's network (finite_ntk.finite_width_theory)"
    return stats, ""


def exact_maximum(model: str) -> Check:
    """Claims 1, 2: the largest exact E[K^2]/E[K]^2 of the ReLU network over the run's
    configurations against the stated maximum."""
    measure = "maximum over β of the exact E[K²]/E[K]² of the ReLU network (finite width)"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        stats, why = _exact_theory(inputs, model)
        if stats is None:
            return Outcome(measure, note=why)
        s = _series(inputs, model, "relu")
        theory = stats["theory_second_moment_finite_width"].values.astype(np.float64)[
            np.argsort(stats["beta"].values, kind="stable")
        ]
        i = int(np.nanargmax(theory))
        value = float(theory[i])
        note = f"{_where(s, i)}; exp(5β) there: {s.theory_ratio[i]:.4g}"
        return Outcome(measure, value, value, value, verdict_of(within_interval(claim.stated, value, value)), note)

    return check


def exact_C(model: str) -> Check:
    """Claim 3: C of exp(C beta) fitted to the exact ratio on the run's fitted configurations
    (:func:`finite_ntk.papers.seed000.reductions.theory_fitted_C`) against the stated C."""

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        stats, why = _exact_theory(inputs, model)
        measure = "C of exp(Cβ) fitted to the exact E[K²]/E[K]² of the ReLU network"
        if stats is None:
            return Outcome(measure, note=why)
        measure += f" for β ≤ {stats.attrs['fit_max_beta']:g}"
        value = theory_fitted_C(stats)
        if not np.isfinite(value):
            return Outcome(measure, note="no configuration in the fit range")
        return Outcome(measure, value, value, value, verdict_of(within_interval(claim.stated, value, value)))

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
        return Outcome(measure, median, m_lo, m_hi, verdict_of(ok), note)

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
    lo, hi = float(np.nanmin(gap_lo)), float(np.nanmin(gap_hi))
    return Outcome(measure, value, lo, hi, verdict_of(ok), f"smallest gap {_where(r, i)}")


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
    lo, hi = bootstrap_configs(lambda idx: np.median(distance[idx]), distance.size, stats, claim.stream)
    note = f"GELU/ReLU = 10^{float(np.median(log_ratio)):+.2f} (median over {log_ratio.size} configurations)"
    return Outcome(measure, value, lo, hi, verdict_of(value <= RULES["similar_decades"]), note)


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
        rho = spearman(beta, change)
        if not np.isfinite(rho):
            return Outcome(measure, note="fewer than three usable configurations")
        lo, hi = bootstrap_configs(lambda idx: spearman(beta[idx], change[idx]), beta.size, stats, claim.stream)
        return Outcome(measure, rho, lo, hi, verdict_of(rho >= RULES["monotone_rho"]), f"{beta.size} configurations")

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
        lo, hi = bootstrap_configs(
            lambda idx: growth_decades(s.beta[idx], s.change[idx]), s.beta.size, stats, f"6/{activation}"
        )
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
        verdict = verdict_of(agrees(g)) if np.isfinite(value) else NOT_AVAILABLE
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
        note = f"width {summary.width}, depth {summary.depth}"
        return Outcome(measure, float(value), verdict=verdict_of(agrees(value, inputs)), note=note)

    return check


def _deep_changes_more(value: float, inputs: ClaimInputs) -> bool:
    shallow = inputs.fnn_shallow
    return value > RULES["kernel_close"] and (
        shallow is None or not np.isfinite(shallow.kernel_change) or value > shallow.kernel_change
    )


def pinn_training(activation: str, learns: bool) -> Check:
    """Claim 8: the final relative L2 error of the trained PINN of ``activation`` is below
    ``pinn_learns`` (``learns``) or not."""
    measure = "relative L2 error on the test grid after training"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        error = inputs.pinn_errors.get(activation)
        if error is None or not np.isfinite(error):
            return Outcome(measure, note="training run not in this run's outputs")
        ok = (error < RULES["pinn_learns"]) if learns else (error >= RULES["pinn_learns"])
        return Outcome(measure, float(error), verdict=verdict_of(ok))

    return check


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

    pinn = {r.activation: r.file for r in find("pinn", pinn_architecture)}
    return TrainingPick(fnn_file(shallow), fnn_file(deep), pinn)


# --------------------------------------------------------------------------- the registry

# The report's statements, in table order. Numbers in `stated` are quotes of seed 000;
# nothing else here is. The report's "erf" activation is our `sigmoid` (sigmoid-like erf).
# The bootstrap streams keep the keys the claims had before keys carried their paper.
CLAIMS: tuple[Claim[ClaimInputs], ...] = (
    # 1. FNN second moment (Section 5.1.2).
    Claim(
        key="seed000.1.relu.start",
        subject="FNN, ReLU: E[K²]/E[K]² at the smallest β",
        quote="increased from approximately 1.00",
        source="Sec. 5.1.2",
        stated="1.00",
        rule=RULE_AT_START,
        check=ratio_at_start("fnn", "relu"),
    ),
    Claim(
        key="seed000.1.relu.max",
        subject="FNN, ReLU: largest E[K²]/E[K]² over the β range",
        quote="... to 83.99",
        source="Sec. 5.1.2",
        stated="83.99",
        rule=RULE_MAXIMUM,
        check=ratio_maximum("fnn", "relu"),
    ),
    Claim(
        key="seed000.1.relu.exact",
        subject="FNN, ReLU: the exact finite-width maximum of E[K²]/E[K]² over the β range",
        quote="... to 83.99",
        source="Sec. 5.1.2",
        stated="83.99",
        rule=RULE_EXACT_MAXIMUM,
        check=exact_maximum("fnn"),
    ),
    Claim(
        key="seed000.1.gelu.start",
        subject="FNN, GELU: E[K²]/E[K]² at the smallest β",
        quote="from 1.00",
        source="Sec. 5.1.2",
        stated="1.00",
        rule=RULE_AT_START,
        check=ratio_at_start("fnn", "gelu"),
    ),
    Claim(
        key="seed000.1.gelu.max",
        subject="FNN, GELU: largest E[K²]/E[K]² over the β range",
        quote="... to 100.0",
        source="Sec. 5.1.2",
        stated="100.0",
        rule=RULE_MAXIMUM,
        check=ratio_maximum("fnn", "gelu"),
    ),
    Claim(
        key="seed000.1.sigmoid.max",
        subject="FNN, sigmoid: E[K²]/E[K]² stays below the stated maximum",
        quote="with a maximum of only 1.03",
        source="Sec. 5.1.2",
        stated="1.03",
        rule=RULE_BOUND,
        check=ratio_below("fnn", "sigmoid"),
    ),
    # 2. PINN second moment (Section 5.2.2); the PINN Monte Carlo measures K_uu.
    Claim(
        key="seed000.2.relu.start",
        subject="PINN, ReLU: E[K_uu²]/E[K_uu]² at the smallest β",
        quote="increased from approximately 1.00",
        source="Sec. 5.2.2",
        stated="1.00",
        rule=RULE_AT_START,
        check=ratio_at_start("pinn", "relu"),
    ),
    Claim(
        key="seed000.2.relu.max",
        subject="PINN, ReLU: largest E[K_uu²]/E[K_uu]² over the β range",
        quote="to a maximum of 83.99",
        source="Sec. 5.2.2",
        stated="83.99",
        rule=RULE_MAXIMUM,
        check=ratio_maximum("pinn", "relu"),
    ),
    Claim(
        key="seed000.2.relu.exact",
        subject="PINN, ReLU: the exact finite-width maximum of E[K_uu²]/E[K_uu]² over the β range",
        quote="to a maximum of 83.99",
        source="Sec. 5.2.2",
        stated="83.99",
        rule=RULE_EXACT_MAXIMUM,
        check=exact_maximum("pinn"),
    ),
    Claim(
        key="seed000.2.gelu.start",
        subject="PINN, GELU: E[K_uu²]/E[K_uu]² at the smallest β",
        quote="an increase from 1.00",
        source="Sec. 5.2.2",
        stated="1.00",
        rule=RULE_AT_START,
        check=ratio_at_start("pinn", "gelu"),
    ),
    Claim(
        key="seed000.2.gelu.max",
        subject="PINN, GELU: largest E[K_uu²]/E[K_uu]² over the β range",
        quote="to a peak of 12.95",
        source="Sec. 5.2.2",
        stated="12.95",
        rule=RULE_MAXIMUM,
        check=ratio_maximum("pinn", "gelu"),
    ),
    Claim(
        key="seed000.2.sigmoid.max",
        subject="PINN, sigmoid: E[K_uu²]/E[K_uu]² stays below the stated maximum",
        quote="a maximum value of only 1.027",
        source="Sec. 5.2.2",
        stated="1.027",
        rule=RULE_BOUND,
        check=ratio_below("pinn", "sigmoid"),
    ),
    # 3. Theorem 1 at small and large beta (Sections 5.1.1, 5.2.1; footnote 3).
    Claim(
        key="seed000.3.fnn.C",
        subject="FNN, ReLU: C of exp(Cβ) fitted at small β",
        quote="C ≈ 5.0 for ReLU networks",
        source="Sec. 5.1.1, fn. 3",
        stated="5.0",
        rule=RULE_FITTED_C,
        check=fitted_C("fnn"),
    ),
    Claim(
        key="seed000.3.fnn.C_exact",
        subject="FNN, ReLU: C of exp(Cβ) of the exact finite-width ratio at small β",
        quote="C ≈ 5.0 for ReLU networks",
        source="Sec. 5.1.1, fn. 3",
        stated="5.0",
        rule=RULE_EXACT_C,
        check=exact_C("fnn"),
    ),
    Claim(
        key="seed000.3.fnn.departure",
        subject="FNN, ReLU: E[K²]/E[K]² departs from exp(5β) at large β",
        quote="as β increases further, a divergence ... is observed",
        source="Sec. 5.1.1",
        stated=None,
        rule=RULE_DEPARTURE,
        check=departure("fnn"),
    ),
    Claim(
        key="seed000.3.pinn.C",
        subject="PINN, ReLU: C of exp(Cβ) fitted at small β (K_uu)",
        quote="closely follows ... exp(Cβ)",
        source="Sec. 5.2.1",
        stated="5.0",
        rule=RULE_FITTED_C,
        check=fitted_C("pinn"),
    ),
    Claim(
        key="seed000.3.pinn.C_exact",
        subject="PINN, ReLU: C of exp(Cβ) of the exact finite-width ratio at small β (K_uu)",
        quote="closely follows ... exp(Cβ)",
        source="Sec. 5.2.1",
        stated="5.0",
        rule=RULE_EXACT_C,
        check=exact_C("pinn"),
    ),
    Claim(
        key="seed000.3.pinn.departure",
        subject="PINN, ReLU: E[K_uu²]/E[K_uu]² departs from exp(5β) at large β",
        quote="as β increases, some divergence ... emerges",
        source="Sec. 5.2.1",
        stated=None,
        rule=RULE_DEPARTURE,
        check=departure("pinn"),
    ),
    # 4. Theorem 2 parity (Figures 1b, 3b).
    Claim(
        key="seed000.4.fnn.small",
        subject="FNN, ReLU: |E[ΔK]/E[K]| against the Theorem 2 scaling at small β",
        quote="supports the theoretical scaling's accuracy",
        source="Sec. 5.1.1",
        stated=None,
        rule=RULE_NEAR,
        check=parity("fnn", "beta", near=True),
    ),
    Claim(
        key="seed000.4.fnn.large",
        subject="FNN, ReLU: the same at large β",
        quote="for large β ... systematically diverge from the y = x line",
        source="Sec. 5.1.1",
        stated=None,
        rule=RULE_DEVIATES,
        check=parity("fnn", "beta", near=False),
    ),
    Claim(
        key="seed000.4.pinn.small",
        subject="PINN, ReLU: |E[ΔK_uu]/E[K_uu]| against the scaling, scaling below 1",
        quote="closely track the theoretical prediction",
        source="Sec. 5.2.1",
        stated=None,
        rule=RULE_NEAR,
        check=parity("pinn", "scaling", near=True),
    ),
    Claim(
        key="seed000.4.pinn.large",
        subject="PINN, ReLU: the same for scaling values of 1 and above",
        quote="systematic deviations ... around scaling values of order 10^0 and above",
        source="Sec. 5.2.1",
        stated=None,
        rule=RULE_DEVIATES,
        check=parity("pinn", "scaling", near=False),
    ),
    # 5. FNN relative change across activations (Figure 2b).
    Claim(
        key="seed000.5.sigmoid",
        subject="FNN: |E[ΔK]/E[K]| of sigmoid below ReLU and GELU at every β",
        quote="for any given value of β, the NTK evolves by several orders of magnitude less",
        source="Sec. 5.1.2",
        stated=None,
        rule=RULE_ORDERS_BELOW,
        check=sigmoid_orders_below,
    ),
    Claim(
        key="seed000.5.similar",
        subject="FNN: |E[ΔK]/E[K]| of GELU against ReLU",
        quote="ReLU and GeLU are quantitatively very similar",
        source="Sec. 5.1.2",
        stated=None,
        rule=RULE_SIMILAR,
        check=relu_gelu_similar,
        bootstrap_id="5.similar",
    ),
    Claim(
        key="seed000.5.monotone.relu",
        subject="FNN, ReLU: |E[ΔK]/E[K]| grows with β",
        quote="increases monotonically with β",
        source="Sec. 5.1.2",
        stated=None,
        rule=RULE_MONOTONE,
        check=monotone("fnn", "relu"),
        bootstrap_id="5.monotone.relu",
    ),
    Claim(
        key="seed000.5.monotone.gelu",
        subject="FNN, GELU: |E[ΔK]/E[K]| grows with β",
        quote="increases monotonically with β",
        source="Sec. 5.1.2",
        stated=None,
        rule=RULE_MONOTONE,
        check=monotone("fnn", "gelu"),
        bootstrap_id="5.monotone.gelu",
    ),
    Claim(
        key="seed000.5.monotone.sigmoid",
        subject="FNN, sigmoid: |E[ΔK]/E[K]| grows with β",
        quote="increases monotonically with β",
        source="Sec. 5.1.2",
        stated=None,
        rule=RULE_MONOTONE,
        check=monotone("fnn", "sigmoid"),
        bootstrap_id="5.monotone.sigmoid",
    ),
    # 6. PINN relative change across activations (Figure 4b).
    Claim(
        key="seed000.6.gelu",
        subject="PINN, GELU: growth of |E[ΔK_uu]/E[K_uu]| over the β range",
        quote="the most stable ... no significant increase",
        source="Sec. 5.2.2",
        stated=None,
        rule=RULE_MOST_STABLE,
        check=pinn_growth(
            "gelu", lambda g: g["gelu"] < RULES["stable_decades"] and g["gelu"] <= min(g["relu"], g["sigmoid"])
        ),
    ),
    Claim(
        key="seed000.6.sigmoid",
        subject="PINN, sigmoid: growth of |E[ΔK_uu]/E[K_uu]| over the β range",
        quote="a moderate increase",
        source="Sec. 5.2.2",
        stated=None,
        rule=RULE_MODERATE,
        check=pinn_growth("sigmoid", lambda g: RULES["stable_decades"] <= g["sigmoid"] < g["relu"]),
    ),
    Claim(
        key="seed000.6.relu",
        subject="PINN, ReLU: growth of |E[ΔK_uu]/E[K_uu]| over the β range",
        quote="increasing by several orders of magnitude",
        source="Sec. 5.2.2",
        stated=None,
        rule=RULE_ORDERS,
        check=pinn_growth("relu", lambda g: g["relu"] >= RULES["orders_decades"]),
    ),
    # 7. FNN training, width 512, depth 1 and 10 (Appendix G, Figures 9, 10).
    Claim(
        key="seed000.7.d1.change",
        subject="FNN, shallow (depth 1): NTK change in training",
        quote="does not change after training",
        source="App. G, Fig. 9",
        stated=None,
        rule=RULE_CLOSE,
        check=fnn_training("shallow", "kernel_change", lambda v, _: v <= RULES["kernel_close"]),
    ),
    Claim(
        key="seed000.7.d1.infinite",
        subject="FNN, shallow: NTK at init against the infinite-width NTK",
        quote="closely resembles the infinite width NTK",
        source="App. G, Fig. 9",
        stated=None,
        rule=RULE_CLOSE,
        check=fnn_training("shallow", "distance_infinite", lambda v, _: v <= RULES["kernel_close"]),
    ),
    Claim(
        key="seed000.7.d1.fit",
        subject="FNN, shallow: fit of the sine target",
        quote="is not fitted well",
        source="App. G, Fig. 9",
        stated=None,
        rule=RULE_POOR_FIT,
        check=fnn_training("shallow", "relative_mse", lambda v, _: v > RULES["fit_relative_mse"]),
    ),
    Claim(
        key="seed000.7.d10.change",
        subject="FNN, deep (depth 10): NTK change in training",
        quote="this changes after network is trained",
        source="App. G, Fig. 10",
        stated=None,
        rule=RULE_CHANGES,
        check=fnn_training("deep", "kernel_change", _deep_changes_more),
    ),
    Claim(
        key="seed000.7.d10.fit",
        subject="FNN, deep: fit of the sine target",
        quote="is fitted well",
        source="App. G, Fig. 10",
        stated=None,
        rule=RULE_GOOD_FIT,
        check=fnn_training("deep", "relative_mse", lambda v, _: v <= RULES["fit_relative_mse"]),
    ),
    # 8. PINN training (Appendices D.1.2, E).
    Claim(
        key="seed000.8.erf",
        subject="PINN, erf: relative L2 error of the trained solution",
        quote="effective learning of the PDE solution",
        source="App. E, Fig. 7",
        stated=None,
        rule=RULE_LEARNS,
        check=pinn_training("sigmoid", learns=True),
    ),
    Claim(
        key="seed000.8.relu",
        subject="PINN, ReLU: relative L2 error of the trained solution",
        quote="the network did not train successfully",
        source="App. D.1.2",
        stated=None,
        rule=RULE_NOT_LEARNS,
        check=pinn_training("relu", learns=False),
    ),
)


# --------------------------------------------------------------------------- reading the data


def _load(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def _load_stats(paths: Sequence[str | Path]) -> dict[str, xr.Dataset]:
    """``{model: dataset}`` of ``ntk_stats_<model>.nc`` files (the model from the attributes)."""
    out = {}
    for path in paths:
        ds = _load(path)
        out[str(ds.attrs["model"])] = ds
    return out


def load_claim_inputs(files: Mapping[str, Sequence[str]], config: Mapping[str, Any]) -> ClaimInputs:
    """Seed 000's :class:`ClaimInputs` from its netCDF files and the config.

    ``files``: ``stats`` (the ``ntk_stats_<model>.nc`` files), ``training`` (every training
    output: ``fnn_*.nc``, ``pinn_*.nc``, ``ntk_init.nc``), ``coverage`` (the coverage table of
    finite_ntk.coverage; without it no estimate of E[K^2]/E[K]^2 is trusted); a missing key
    reads as no files (those rows say n/a). Claim 7 reads the FNN runs of the config's
    ``training.fnn.figures.seed000fig9`` (shallow) and ``seed000fig10`` (deep) architectures,
    claim 8 the PINN run of each activation at ``training.pinn.figure.architecture``;
    ``monte_carlo.large_beta`` is where large beta starts."""
    stats = _load_stats(files.get("stats", ()))
    coverage_files = files.get("coverage", ())
    coverage = _load(coverage_files[0]) if coverage_files else None
    heavy_tails = config.get("heavy_tails", {})
    datasets = {Path(path).name: _load(path) for path in files.get("training", ())}
    training_config = config.get("training", {})
    figures = training_config.get("fnn", {}).get("figures", {})
    picked = pick_training_runs(
        training_runs({name: ds.attrs for name, ds in datasets.items()}),
        shallow=figures.get("seed000fig9"),
        deep=figures.get("seed000fig10"),
        pinn_architecture=training_config.get("pinn", {}).get("figure", {}).get("architecture"),
    )
    log.info("training runs used for claims 7 and 8: %s", picked)
    return ClaimInputs(
        fnn=stats.get("fnn"),
        pinn=stats.get("pinn"),
        large_beta=float(config["monte_carlo"]["large_beta"]),
        fnn_shallow=summarise_fnn_training(datasets[picked.shallow]) if picked.shallow else None,
        fnn_deep=summarise_fnn_training(datasets[picked.deep]) if picked.deep else None,
        pinn_errors=MappingProxyType(
            {activation: summarise_pinn_training(datasets[name]) for activation, name in picked.pinn.items()}
        ),
        coverage=coverage,
        significance=float(heavy_tails.get("significance", 0.05)),
        min_coverage=float(heavy_tails.get("min_coverage", TRUSTED_COVERAGE)),
    )


# Claims 1-6 read the Monte Carlo only: the ones shown for the precise run.
MONTE_CARLO_CLAIMS = range(1, 7)


def precise_results(files: Mapping[str, Sequence[str]], config: Mapping[str, Any]) -> list[ClaimResult]:
    """Claims 1-6 (the Monte-Carlo claims) on the precise run's statistics, ``files["precise"]``
    (its ``ntk_stats_<model>.nc``); empty when there is no precise run."""
    paths = files.get("precise", ())
    if not paths:
        return []
    inputs = load_claim_inputs({"stats": paths, "coverage": files.get("coverage", ())}, config)
    return [r for r in evaluate(CLAIMS, inputs) if r.number in MONTE_CARLO_CLAIMS]


__all__ = [
    "PAPER",
    "CLAIMS",
    "THRESHOLDS",
    "RULES",
    "PINN_PARITY_SPLIT",
    "MONTE_CARLO_CLAIMS",
    "ClaimInputs",
    "FnnTrainingSummary",
    "TrainingRun",
    "TrainingPick",
    "Series",
    "series",
    "growth_decades",
    "summarise_fnn_training",
    "summarise_pinn_training",
    "training_runs",
    "pick_training_runs",
    "load_claim_inputs",
    "precise_results",
]
