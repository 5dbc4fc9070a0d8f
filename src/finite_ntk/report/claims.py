"""The quantitative claims of the report, checked against the regenerated data.

REPLICATION.md lists eight quantitative claims of seed 000 ("NTK analysis for finite width
and depth"). :data:`CLAIMS` holds each of them once: the claim number, what is measured, the
report's wording and, where the report gives one, the number it states, quoted exactly as
printed (the number of printed digits sets the rounding tolerance). These quotes are the only
numbers of the report typed into this package. Everything else is computed here from the
reduced data:

- ``ntk_stats_fnn.nc`` / ``ntk_stats_pinn.nc`` (Monte Carlo, claims 1-6): per activation and
  configuration, E[K^2]/E[K]^2 and the signed E[dK]/E[K] with 95% bootstrap bounds
  (``*_lo``, ``*_hi``), the theory curves and the fitted C with its interval;
- the training netCDFs (claims 7, 8), summarised by :func:`summarise_fnn_training` and
  :func:`summarise_pinn_training`.

Every check returns a :class:`ClaimResult`: the stated value, our value with an interval
(where one exists), the rule in words and a verdict ``agrees``, ``differs`` or ``n/a``
(the data needed are not in this run, e.g. the smoke grid has no beta >= 0.5). The rules:

- a *stated number* agrees when it lies inside our 95% interval, widened by half a unit of
  its last printed digit ("83.99" by 0.005) so that the report's rounding is not held against
  it. For a maximum over the beta range the interval is [max lo, max hi] over configurations;
  for "stays below" claims the stated bound agrees unless our maximum is significantly above
  it (its lower bound exceeds the stated value);
- a *qualitative* claim is turned into a measured quantity and a threshold, both in the
  rule text; the thresholds are the :data:`RULES` below and are printed with the table.

Intervals of derived trend measures (Spearman correlations, growth over the beta range,
medians over configurations) come from a seeded bootstrap over configurations, seeded from
the run's root seed, so the table is deterministic.
"""

from __future__ import annotations

import csv
import math
import re
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from .latex import latex_escape, latex_number, latex_plain

AGREES = "agrees"
DIFFERS = "differs"
NOT_AVAILABLE = "n/a"
VERDICTS = (AGREES, DIFFERS, NOT_AVAILABLE)


@dataclass(frozen=True)
class Claim:
    """One checked statement of the report (a row of the claims table)."""

    key: str  # unique row id, "<claim number>.<part>"
    number: int  # the claim's number in REPLICATION.md (1-8)
    subject: str  # what is measured, in our words
    quote: str  # the report's wording
    source: str  # where the report says it
    stated: str | None = None  # the number the report states, exactly as printed


# The report's statements. Numbers in `stated` are quotes of seed 000; nothing else here is.
CLAIMS: tuple[Claim, ...] = (
    # 1. FNN second moment (Section 5.1.2).
    Claim("1.relu.start", 1, "FNN, ReLU: E[K²]/E[K]² at the smallest β", "increased from approximately 1.00", "Sec. 5.1.2", "1.00"),
    Claim("1.relu.max", 1, "FNN, ReLU: largest E[K²]/E[K]² over the β range", "... to 83.99", "Sec. 5.1.2", "83.99"),
    Claim("1.gelu.start", 1, "FNN, GELU: E[K²]/E[K]² at the smallest β", "from 1.00", "Sec. 5.1.2", "1.00"),
    Claim("1.gelu.max", 1, "FNN, GELU: largest E[K²]/E[K]² over the β range", "... to 100.0", "Sec. 5.1.2", "100.0"),
    Claim("1.sigmoid.max", 1, "FNN, sigmoid: E[K²]/E[K]² stays below the stated maximum", "with a maximum of only 1.03", "Sec. 5.1.2", "1.03"),
    # 2. PINN second moment (Section 5.2.2); the PINN Monte Carlo measures K_uu.
    Claim("2.relu.start", 2, "PINN, ReLU: E[K_uu²]/E[K_uu]² at the smallest β", "increased from approximately 1.00", "Sec. 5.2.2", "1.00"),
    Claim("2.relu.max", 2, "PINN, ReLU: largest E[K_uu²]/E[K_uu]² over the β range", "to a maximum of 83.99", "Sec. 5.2.2", "83.99"),
    Claim("2.gelu.start", 2, "PINN, GELU: E[K_uu²]/E[K_uu]² at the smallest β", "an increase from 1.00", "Sec. 5.2.2", "1.00"),
    Claim("2.gelu.max", 2, "PINN, GELU: largest E[K_uu²]/E[K_uu]² over the β range", "to a peak of 12.95", "Sec. 5.2.2", "12.95"),
    Claim("2.sigmoid.max", 2, "PINN, sigmoid: E[K_uu²]/E[K_uu]² stays below the stated maximum", "a maximum value of only 1.027", "Sec. 5.2.2", "1.027"),
    # 3. Theorem 1 at small and large beta (Sections 5.1.1, 5.2.1; footnote 3).
    Claim("3.fnn.C", 3, "FNN, ReLU: C of exp(Cβ) fitted at small β", "C ≈ 5.0 for ReLU networks", "Sec. 5.1.1, fn. 3", "5.0"),
    Claim("3.fnn.departure", 3, "FNN, ReLU: E[K²]/E[K]² departs from exp(5β) at large β", "as β increases further, a divergence ... is observed", "Sec. 5.1.1"),
    Claim("3.pinn.C", 3, "PINN, ReLU: C of exp(Cβ) fitted at small β (K_uu)", "closely follows ... exp(Cβ)", "Sec. 5.2.1", "5.0"),
    Claim("3.pinn.departure", 3, "PINN, ReLU: E[K_uu²]/E[K_uu]² departs from exp(5β) at large β", "as β increases, some divergence ... emerges", "Sec. 5.2.1"),
    # 4. Theorem 2 parity (Figures 1b, 3b).
    Claim("4.fnn.small", 4, "FNN, ReLU: |E[ΔK]/E[K]| against the Theorem 2 scaling at small β", "supports the theoretical scaling's accuracy", "Sec. 5.1.1"),
    Claim("4.fnn.large", 4, "FNN, ReLU: the same at large β", "for large β ... systematically diverge from the y = x line", "Sec. 5.1.1"),
    Claim("4.pinn.small", 4, "PINN, ReLU: |E[ΔK_uu]/E[K_uu]| against the scaling, scaling below 1", "closely track the theoretical prediction", "Sec. 5.2.1"),
    Claim("4.pinn.large", 4, "PINN, ReLU: the same for scaling values of 1 and above", "systematic deviations ... around scaling values of order 10^0 and above", "Sec. 5.2.1"),
    # 5. FNN relative change across activations (Figure 2b).
    Claim("5.sigmoid", 5, "FNN: |E[ΔK]/E[K]| of sigmoid below ReLU and GELU at every β", "for any given value of β, the NTK evolves by several orders of magnitude less", "Sec. 5.1.2"),
    Claim("5.similar", 5, "FNN: |E[ΔK]/E[K]| of GELU against ReLU", "ReLU and GeLU are quantitatively very similar", "Sec. 5.1.2"),
    Claim("5.monotone.relu", 5, "FNN, ReLU: |E[ΔK]/E[K]| grows with β", "increases monotonically with β", "Sec. 5.1.2"),
    Claim("5.monotone.gelu", 5, "FNN, GELU: |E[ΔK]/E[K]| grows with β", "increases monotonically with β", "Sec. 5.1.2"),
    Claim("5.monotone.sigmoid", 5, "FNN, sigmoid: |E[ΔK]/E[K]| grows with β", "increases monotonically with β", "Sec. 5.1.2"),
    # 6. PINN relative change across activations (Figure 4b).
    Claim("6.gelu", 6, "PINN, GELU: growth of |E[ΔK_uu]/E[K_uu]| over the β range", "the most stable ... no significant increase", "Sec. 5.2.2"),
    Claim("6.sigmoid", 6, "PINN, sigmoid: growth of |E[ΔK_uu]/E[K_uu]| over the β range", "a moderate increase", "Sec. 5.2.2"),
    Claim("6.relu", 6, "PINN, ReLU: growth of |E[ΔK_uu]/E[K_uu]| over the β range", "increasing by several orders of magnitude", "Sec. 5.2.2"),
    # 7. FNN training, width 512, depth 1 and 10 (Appendix G, Figures 9, 10).
    Claim("7.d1.change", 7, "FNN, shallow (depth 1): NTK change in training", "does not change after training", "App. G, Fig. 9"),
    Claim("7.d1.infinite", 7, "FNN, shallow: NTK at init against the infinite-width NTK", "closely resembles the infinite width NTK", "App. G, Fig. 9"),
    Claim("7.d1.fit", 7, "FNN, shallow: fit of the sine target", "is not fitted well", "App. G, Fig. 9"),
    Claim("7.d10.change", 7, "FNN, deep (depth 10): NTK change in training", "this changes after network is trained", "App. G, Fig. 10"),
    Claim("7.d10.fit", 7, "FNN, deep: fit of the sine target", "is fitted well", "App. G, Fig. 10"),
    # 8. PINN training (Appendices D.1.2, E).
    Claim("8.erf", 8, "PINN, erf: relative L2 error of the trained solution", "effective learning of the PDE solution", "App. E, Fig. 7"),
    Claim("8.relu", 8, "PINN, ReLU: relative L2 error of the trained solution", "the network did not train successfully", "App. D.1.2"),
)
CLAIMS_BY_KEY: dict[str, Claim] = {claim.key: claim for claim in CLAIMS}

# Claim 4 (PINN): the report sees deviations "around scaling values of order 10^0 and above".
PINN_PARITY_SPLIT = 1.0

# Thresholds that turn the report's qualitative words into rules. They are ours, not the
# report's, and the report prints them beside the claims table.
RULES: dict[str, float] = {
    # "near y = x": median |log10(measured / scaling)| at most this many decades.
    "near_decades": 0.5,
    # "orders of magnitude": a factor of at least 10^this.
    "orders_decades": 2.0,
    # "quantitatively similar": median |log10(GELU / ReLU)| at most this many decades.
    "similar_decades": 0.5,
    # "grows monotonically with beta": Spearman rank correlation with beta at least this.
    "monotone_rho": 0.8,
    # "no significant increase": growth over the beta range below this many decades.
    "stable_decades": 0.5,
    # "close" kernels: relative Frobenius distance at most this.
    "kernel_close": 0.1,
    # a fit is "good" below, "poor" above this relative mean squared error.
    "fit_relative_mse": 0.1,
    # a PINN "learns" the solution below this relative L2 error.
    "pinn_learns": 0.1,
}


@dataclass
class ClaimResult:
    """A claim with our regenerated value and the verdict."""

    key: str
    number: int
    subject: str
    quote: str
    source: str
    stated: str | None
    measure: str  # what `value` is
    value: float = float("nan")
    lo: float = float("nan")
    hi: float = float("nan")
    rule: str = ""
    verdict: str = NOT_AVAILABLE
    note: str = ""

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


def _result(key: str, measure: str, rule: str, **values: Any) -> ClaimResult:
    claim = CLAIMS_BY_KEY[key]
    return ClaimResult(
        key=claim.key, number=claim.number, subject=claim.subject, quote=claim.quote, source=claim.source,
        stated=claim.stated, measure=measure, rule=rule, **values,
    )


def _not_available(key: str, measure: str, rule: str, why: str) -> ClaimResult:
    return _result(key, measure, rule, verdict=NOT_AVAILABLE, note=why)


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
    """True when the stated number lies in [lo, hi] widened by its rounding."""
    value, half_unit = stated_number(stated)
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo - half_unit <= value <= hi + half_unit)


def _rng(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) % 2**32, zlib.crc32(key.encode("utf-8"))])


def _interval(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    draws = np.asarray(draws, dtype=np.float64)
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        return float("nan"), float("nan")
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(draws, [tail, 100 - tail])
    return float(lo), float(hi)


def _bootstrap_configs(
    statistic, n: int, seed: int, key: str, resamples: int, confidence: float
) -> tuple[float, float]:
    """Percentile interval of ``statistic(index)`` over configurations resampled with
    replacement (a seeded bootstrap over the grid)."""
    rng = _rng(seed, key)
    draws = np.array([statistic(rng.integers(0, n, size=n)) for _ in range(resamples)])
    return _interval(draws, confidence)


# --------------------------------------------------------------------------- data access


@dataclass(frozen=True)
class Series:
    """One activation (and operator) of an ntk_stats dataset, sorted by beta."""

    beta: np.ndarray
    width: np.ndarray
    depth: np.ndarray
    ratio: np.ndarray
    ratio_lo: np.ndarray
    ratio_hi: np.ndarray
    saturated: np.ndarray
    change: np.ndarray  # |E[dK]/E[K]|
    change_lo: np.ndarray
    change_hi: np.ndarray
    theory_ratio: np.ndarray
    theory_change: np.ndarray
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
    if operator is not None and "operator" in stats.dims:
        sel["operator"] = operator
    s = stats.sel(sel)
    beta = stats["beta"].values.astype(np.float64)
    order = np.argsort(beta, kind="stable")

    def get(name: str) -> np.ndarray:
        return np.asarray(s[name].values, dtype=np.float64)[order]

    change, change_lo, change_hi = _magnitude_interval(get("relative_delta_k"), get("relative_delta_k_lo"), get("relative_delta_k_hi"))
    vanishes = False
    if "operator_vanishes" in s:
        vanishes = bool(s["operator_vanishes"].values)
    replicates = (
        np.asarray(s["replicates"].values, dtype=np.float64)[order]
        if "replicates" in s
        else np.full(beta.shape, float(stats.attrs.get("replicates", np.nan)))
    )
    saturated = np.asarray(s["saturated"].values, dtype=bool)[order] if "saturated" in s else np.zeros(beta.shape, bool)
    return Series(
        beta=beta[order],
        width=stats["width"].values[order],
        depth=stats["depth"].values[order],
        ratio=get("second_moment_ratio"),
        ratio_lo=get("second_moment_ratio_lo"),
        ratio_hi=get("second_moment_ratio_hi"),
        saturated=saturated,
        change=change,
        change_lo=change_lo,
        change_hi=change_hi,
        theory_ratio=stats["theory_second_moment"].values.astype(np.float64)[order],
        theory_change=stats["theory_relative_delta_k"].values.astype(np.float64)[order],
        replicates=replicates,
        vanishes=vanishes,
    )


def _seed(stats: xr.Dataset) -> int:
    return int(stats.attrs.get("root_seed", 0))


def _resamples(stats: xr.Dataset) -> int:
    return int(stats.attrs.get("bootstrap_resamples", 1000))


def _confidence(stats: xr.Dataset) -> float:
    return float(stats.attrs.get("confidence", 0.95))


def _has(stats: xr.Dataset | None, activation: str) -> bool:
    return stats is not None and activation in list(stats["activation"].values)


def _where(s: Series, i: int) -> str:
    return f"at β = {s.beta[i]:.4g} (width {int(s.width[i])}, depth {int(s.depth[i])})"


# --------------------------------------------------------------------------- claims 1, 2


def check_second_moment(key: str, stats: xr.Dataset | None, activation: str, kind: str, operator: str | None = None) -> ClaimResult:
    """Claims 1 and 2: E[K^2]/E[K]^2 at the smallest beta (``kind='start'``), its maximum
    over the beta range (``'max'``) or a stated upper bound (``'bound'``)."""
    stated = CLAIMS_BY_KEY[key].stated
    rules = {
        "start": "stated value inside our 95% interval at the smallest β (± half a unit of its last digit)",
        "max": "stated value inside [max lo, max hi] over configurations (± half a unit of its last digit)",
        "bound": "agrees unless our maximum is significantly above the stated one (max lo > stated)",
    }
    measures = {"start": "E[K²]/E[K]² at the smallest β", "max": "maximum of E[K²]/E[K]² over β", "bound": "maximum of E[K²]/E[K]² over β"}
    rule, measure = rules[kind], measures[kind]
    if not _has(stats, activation):
        return _not_available(key, measure, rule, f"no {activation} data in this run")
    s = series(stats, activation, operator)
    if s.vanishes or np.all(np.isnan(s.ratio)):
        return _not_available(key, measure, rule, "kernel vanishes identically; the ratio is undefined")
    if kind == "start":
        i = 0
        value, lo, hi = s.ratio[i], s.ratio_lo[i], s.ratio_hi[i]
        verdict = AGREES if within_interval(stated, lo, hi) else DIFFERS
        note = _where(s, i)
    else:
        i = int(np.nanargmax(s.ratio))
        value, lo, hi = s.ratio[i], float(np.nanmax(s.ratio_lo)), float(np.nanmax(s.ratio_hi))
        if kind == "max":
            verdict = AGREES if within_interval(stated, lo, hi) else DIFFERS
        else:
            bound, half_unit = stated_number(stated)
            verdict = AGREES if lo <= bound + half_unit else DIFFERS
        note = f"{_where(s, i)}; β range of this run {s.beta.min():.3g} to {s.beta.max():.3g}"
        if s.saturated[i]:
            note += f"; saturated: an estimate from {int(s.replicates[i])} samples cannot exceed {int(s.replicates[i])}"
    return _result(key, measure, rule, value=float(value), lo=float(lo), hi=float(hi), verdict=verdict, note=note)


# --------------------------------------------------------------------------- claim 3


def check_fitted_C(key: str, stats: xr.Dataset | None, operator: str | None = None) -> ClaimResult:
    """Claim 3: the C fitted at small beta (ReLU) against the report's C = 5."""
    rule = "stated C inside the 95% interval of the fitted C (± half a unit of its last digit)"
    if not _has(stats, "relu"):
        return _not_available(key, "fitted C", rule, "no ReLU data in this run")
    sel: dict[str, Any] = {"activation": "relu"}
    if operator is not None and "operator" in stats["fitted_C"].dims:
        sel["operator"] = operator
    value = float(stats["fitted_C"].sel(sel))
    lo = float(stats["fitted_C_lo"].sel(sel))
    hi = float(stats["fitted_C_hi"].sel(sel))
    fit_max = stats.attrs.get("fit_max_beta")
    measure = "C of exp(Cβ), least squares on log E[K²]/E[K]²" + (f" for β ≤ {fit_max:g}" if fit_max is not None else "")
    if not np.isfinite(value):
        return _not_available(key, measure, rule, "no configuration in the fit range")
    verdict = AGREES if within_interval(CLAIMS_BY_KEY[key].stated, lo, hi) else DIFFERS
    return _result(key, measure, rule, value=value, lo=lo, hi=hi, verdict=verdict)


def check_departure(key: str, stats: xr.Dataset | None, large_beta: float, operator: str | None = None) -> ClaimResult:
    """Claim 3: at beta >= ``large_beta`` the second moment leaves exp(5 beta): the fraction
    of those configurations whose 95% interval excludes exp(5 beta)."""
    measure = f"fraction of configurations with β ≥ {large_beta:g} whose interval excludes exp(5β)"
    rule = "agrees when more than half of them exclude exp(5β)"
    if not _has(stats, "relu"):
        return _not_available(key, measure, rule, "no ReLU data in this run")
    s = series(stats, "relu", operator)
    large = s.beta >= large_beta
    if not large.any():
        return _not_available(key, measure, rule, f"no configuration with β ≥ {large_beta:g} in this run")
    outside = (s.theory_ratio[large] < s.ratio_lo[large]) | (s.theory_ratio[large] > s.ratio_hi[large])
    fraction = float(np.mean(outside))
    saturated = int(np.sum(s.saturated[large]))
    bound_below = int(np.sum(s.theory_ratio[large] > s.replicates[large]))
    note = f"{int(outside.sum())} of {int(large.sum())}"
    if saturated:
        note += f"; {saturated} saturated estimates"
    if bound_below:
        note += f"; at {bound_below} the curve exceeds the sample count, which no estimate can reach"
    return _result(key, measure, rule, value=fraction, verdict=AGREES if fraction > 0.5 else DIFFERS, note=note)


# --------------------------------------------------------------------------- claim 4


def _log_ratio(s: Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log10(|E[dK]/E[K]| / scaling) and its bounds (NaN where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log10(s.change / s.theory_change)
        lo = np.log10(s.change_lo / s.theory_change)
        hi = np.log10(s.change_hi / s.theory_change)
    return value, lo, hi


def check_parity(
    key: str, stats: xr.Dataset | None, select: str, threshold: float, expect_near: bool, operator: str | None = None
) -> ClaimResult:
    """Claim 4: the Theorem 2 parity. ``select`` is ``'beta'`` (split at ``threshold`` in
    beta) or ``'scaling'`` (split at ``threshold`` in the scaling value); ``expect_near``
    says whether the report states agreement (small side) or deviation (large side)."""
    near = RULES["near_decades"]
    split = f"β {'<' if expect_near else '≥'} {threshold:g}" if select == "beta" else f"scaling {'<' if expect_near else '≥'} {threshold:g}"
    measure = f"median log10(|E[ΔK]/E[K]| / (dβ/n0) exp(5β) lr) over {split}, decades"
    rule = (
        f"near y = x: |median| ≤ {near:g} decades" if expect_near else f"deviates from y = x: |median| > {near:g} decades"
    )
    if not _has(stats, "relu"):
        return _not_available(key, measure, rule, "no ReLU data in this run")
    s = series(stats, "relu", operator)
    x = s.beta if select == "beta" else s.theory_change
    chosen = (x < threshold) if expect_near else (x >= threshold)
    value, lo, hi = _log_ratio(s)
    chosen &= np.isfinite(value)
    if not chosen.any():
        return _not_available(key, measure, rule, f"no configuration with {split} in this run")
    median = float(np.median(value[chosen]))
    # Interval: medians of the lower and upper bounds of the chosen points.
    with np.errstate(invalid="ignore"):
        m_lo, m_hi = float(np.median(lo[chosen])), float(np.median(hi[chosen]))
    ok = abs(median) <= near if expect_near else abs(median) > near
    note = f"{int(chosen.sum())} configurations; measured/scaling = 10^{median:+.2f}"
    return _result(key, measure, rule, value=median, lo=m_lo, hi=m_hi, verdict=AGREES if ok else DIFFERS, note=note)


# --------------------------------------------------------------------------- claim 5


def check_sigmoid_smaller(key: str, stats: xr.Dataset | None) -> ClaimResult:
    """Claim 5: at every configuration the sigmoid relative change is orders of magnitude
    below ReLU and GELU: min over configurations of log10(min(ReLU, GELU) / sigmoid)."""
    decades = RULES["orders_decades"]
    measure = "min over configurations of log10(min(|ReLU|, |GELU|) / |sigmoid|), decades"
    rule = f"agrees when ≥ {decades:g} decades (orders of magnitude) at every configuration"
    if not all(_has(stats, a) for a in ("relu", "gelu", "sigmoid")):
        return _not_available(key, measure, rule, "needs ReLU, GELU and sigmoid")
    r, g, sg = (series(stats, a) for a in ("relu", "gelu", "sigmoid"))
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.log10(np.minimum(r.change, g.change) / sg.change)
        gap_lo = np.log10(np.minimum(r.change_lo, g.change_lo) / sg.change_hi)
        gap_hi = np.log10(np.minimum(r.change_hi, g.change_hi) / sg.change_lo)
    i = int(np.nanargmin(gap))
    value = float(gap[i])
    note = f"smallest gap {_where(r, i)}"
    return _result(
        key, measure, rule, value=value, lo=float(np.nanmin(gap_lo)), hi=float(np.nanmin(gap_hi)),
        verdict=AGREES if value >= decades else DIFFERS, note=note,
    )


def check_similar(key: str, stats: xr.Dataset | None) -> ClaimResult:
    """Claim 5: ReLU and GELU relative changes are quantitatively similar."""
    limit = RULES["similar_decades"]
    measure = "median over configurations of |log10(|GELU| / |ReLU|)|, decades"
    rule = f"agrees when ≤ {limit:g} decades"
    if not all(_has(stats, a) for a in ("relu", "gelu")):
        return _not_available(key, measure, rule, "needs ReLU and GELU")
    r, g = series(stats, "relu"), series(stats, "gelu")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log10(g.change / r.change)
    log_ratio = log_ratio[np.isfinite(log_ratio)]  # both changes non-zero and defined
    distance = np.abs(log_ratio)
    if distance.size == 0:
        return _not_available(key, measure, rule, "no configuration with both changes non-zero")
    value = float(np.median(distance))
    lo, hi = _bootstrap_configs(lambda idx: np.median(distance[idx]), distance.size, _seed(stats), key, _resamples(stats), _confidence(stats))
    note = f"GELU/ReLU = 10^{float(np.median(log_ratio)):+.2f} (median over {log_ratio.size} configurations)"
    return _result(key, measure, rule, value=value, lo=lo, hi=hi, verdict=AGREES if value <= limit else DIFFERS, note=note)


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


def check_monotone(key: str, stats: xr.Dataset | None, activation: str, operator: str | None = None) -> ClaimResult:
    """Claim 5: |E[dK]/E[K]| grows monotonically with beta (Spearman rank correlation)."""
    rho_min = RULES["monotone_rho"]
    measure = "Spearman rank correlation of |E[ΔK]/E[K]| with β"
    rule = f"agrees when ρ ≥ {rho_min:g}"
    if not _has(stats, activation):
        return _not_available(key, measure, rule, f"no {activation} data in this run")
    s = series(stats, activation, operator)
    ok = np.isfinite(s.change)
    beta, change = s.beta[ok], s.change[ok]
    rho = _spearman(beta, change)
    if not np.isfinite(rho):
        return _not_available(key, measure, rule, "fewer than three usable configurations")
    lo, hi = _bootstrap_configs(lambda idx: _spearman(beta[idx], change[idx]), beta.size, _seed(stats), key, _resamples(stats), _confidence(stats))
    return _result(key, measure, rule, value=rho, lo=lo, hi=hi, verdict=AGREES if rho >= rho_min else DIFFERS, note=f"{beta.size} configurations")


# --------------------------------------------------------------------------- claim 6


def growth_decades(beta: np.ndarray, change: np.ndarray) -> float:
    """log10 of the median |E[dK]/E[K]| of the largest-beta third of the configurations
    over that of the smallest-beta third."""
    ok = np.isfinite(change) & (change > 0)
    beta, change = beta[ok], change[ok]
    if beta.size < 3:
        return float("nan")
    order = np.argsort(beta, kind="stable")
    third = max(1, beta.size // 3)
    low = np.median(change[order[:third]])
    high = np.median(change[order[-third:]])
    return float(np.log10(high / low))


def _growth_with_interval(stats: xr.Dataset, activation: str, key: str, operator: str | None) -> tuple[float, float, float]:
    s = series(stats, activation, operator)
    value = growth_decades(s.beta, s.change)
    lo, hi = _bootstrap_configs(
        lambda idx: growth_decades(s.beta[idx], s.change[idx]), s.beta.size, _seed(stats), f"{key}/{activation}",
        _resamples(stats), _confidence(stats),
    )
    return value, lo, hi


def check_pinn_growth(stats: xr.Dataset | None, operator: str = "uu") -> list[ClaimResult]:
    """Claim 6: growth of the PINN relative change over beta per activation: GELU no
    significant increase and the smallest growth, sigmoid moderate, ReLU by orders of
    magnitude. Growth = :func:`growth_decades`."""
    stable, orders = RULES["stable_decades"], RULES["orders_decades"]
    measure = "growth: log10(median of the top β third / median of the bottom β third), decades"
    rules = {
        "6.gelu": f"most stable: growth < {stable:g} decades and the smallest of the three",
        "6.sigmoid": f"moderate: {stable:g} ≤ growth < growth of ReLU",
        "6.relu": f"orders of magnitude: growth ≥ {orders:g} decades",
    }
    if not all(_has(stats, a) for a in ("relu", "gelu", "sigmoid")):
        return [_not_available(k, measure, rules[k], "needs ReLU, GELU and sigmoid") for k in ("6.gelu", "6.sigmoid", "6.relu")]
    growth = {a: _growth_with_interval(stats, a, "6", operator) for a in ("relu", "gelu", "sigmoid")}
    g = {a: v[0] for a, v in growth.items()}
    verdicts = {
        "6.gelu": g["gelu"] < stable and g["gelu"] <= min(g["relu"], g["sigmoid"]),
        "6.sigmoid": stable <= g["sigmoid"] < g["relu"],
        "6.relu": g["relu"] >= orders,
    }
    results = []
    for key, activation in (("6.gelu", "gelu"), ("6.sigmoid", "sigmoid"), ("6.relu", "relu")):
        value, lo, hi = growth[activation]
        note = ", ".join(f"{a}: {g[a]:.2f}" for a in ("relu", "gelu", "sigmoid"))
        verdict = NOT_AVAILABLE if not np.isfinite(value) else (AGREES if verdicts[key] else DIFFERS)
        results.append(_result(key, measure, rules[key], value=value, lo=lo, hi=hi, verdict=verdict, note=f"growth {note}"))
    return results


# --------------------------------------------------------------------------- claims 7, 8

# Variable names of the training netCDFs (issue 4 contract), first match wins.
_NTK_NAMES = ("ntk", "ntk_empirical", "empirical_ntk", "kernel", "k")
_NTK_INFINITE_NAMES = ("ntk_infinite", "infinite_ntk", "kernel_infinite", "k_infinite")
_CHANGE_NAMES = ("relative_change", "ntk_relative_change", "relative_ntk_change")
_PREDICTION_NAMES = ("prediction", "prediction_test", "predictions", "test_prediction")
_TARGET_NAMES = ("target", "target_test", "test_target", "truth")
_ERROR_NAMES = ("relative_l2_error", "rel_l2_error", "relative_error", "l2_error")


def _first(ds: xr.Dataset, names: Sequence[str]) -> xr.DataArray | None:
    for name in names:
        if name in ds.variables:
            return ds[name]
    return None


def _last_along(array: xr.DataArray, dim: str) -> xr.DataArray:
    return array.isel({dim: -1}) if dim in array.dims else array


@dataclass(frozen=True)
class FnnTrainingSummary:
    """What claim 7 needs from one FNN training run."""

    width: int
    depth: int
    kernel_change: float  # |K_T - K_0|_F / |K_0|_F
    distance_infinite: float  # |K_0 - K_inf|_F / |K_inf|_F
    relative_mse: float  # mean (f - y)^2 / mean y^2 on the test grid, after training


def summarise_fnn_training(ds: xr.Dataset) -> FnnTrainingSummary:
    """Summary of a ``training/fnn_w<width>_d<depth>.nc`` dataset (dims ``step``, ``i``,
    ``j``): relative kernel change at the last snapshot, distance of the initial kernel from
    the infinite-width kernel, relative MSE of the final prediction."""
    ntk = _first(ds, _NTK_NAMES)
    infinite = _first(ds, _NTK_INFINITE_NAMES)
    nan = float("nan")
    k0 = kT = None
    if ntk is not None and "step" in ntk.dims:
        k0 = ntk.isel(step=0).values.astype(np.float64)
        kT = ntk.isel(step=-1).values.astype(np.float64)
    change_var = _first(ds, _CHANGE_NAMES)
    if change_var is not None:
        kernel_change = float(_last_along(change_var, "step"))
    elif k0 is not None:
        kernel_change = float(np.linalg.norm(kT - k0) / np.linalg.norm(k0))
    else:
        kernel_change = nan
    if infinite is not None and k0 is not None:
        kinf = infinite.values.astype(np.float64)
        distance = float(np.linalg.norm(k0 - kinf) / np.linalg.norm(kinf))
    else:
        distance = nan
    prediction, target = _first(ds, _PREDICTION_NAMES), _first(ds, _TARGET_NAMES)
    if prediction is not None and target is not None:
        pred = _last_along(prediction, "step").values.astype(np.float64)
        y = target.values.astype(np.float64)
        relative_mse = float(np.mean((pred - y) ** 2) / np.mean(y**2))
    else:
        relative_mse = nan
    return FnnTrainingSummary(
        width=int(ds.attrs.get("width", -1)), depth=int(ds.attrs.get("depth", -1)),
        kernel_change=kernel_change, distance_infinite=distance, relative_mse=relative_mse,
    )


def summarise_pinn_training(ds: xr.Dataset) -> float:
    """Final relative L2 error of a trained PINN on its test grid."""
    error = _first(ds, _ERROR_NAMES)
    if error is not None:
        return float(_last_along(error, "step").values.ravel()[-1])
    prediction, target = _first(ds, _PREDICTION_NAMES), _first(ds, ("exact", "exact_solution", *_TARGET_NAMES))
    if prediction is None or target is None:
        return float("nan")
    pred = _last_along(prediction, "step").values.astype(np.float64)
    exact = target.values.astype(np.float64)
    return float(np.linalg.norm(pred - exact) / np.linalg.norm(exact))


_NAME_PATTERN = re.compile(r"(?P<model>fnn|pinn)_(?:(?P<activation>[a-z]+)_)?w(?P<width>\d+)_d(?P<depth>\d+)")
# The report's architectures for claim 7 (Appendix G: width 512, depth 1 and depth 10).
CLAIM7_ARCHITECTURES = {"shallow": (512, 1), "deep": (512, 10)}
SMOOTH_PINN_ACTIVATIONS = ("erf", "sigmoid", "tanh", "gelu")


def describe_training_file(name: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Model, activation, width and depth of a training output, from its attributes where
    present, else from its file name (``fnn_w512_d1.nc``, ``pinn_erf_w64_d4.nc``)."""
    match = _NAME_PATTERN.search(Path(name).stem)
    info: dict[str, Any] = {"file": name}
    if match:
        info.update({k: v for k, v in match.groupdict().items() if v is not None})
    for key in ("model", "activation", "width", "depth"):
        if key in attrs:
            info[key] = attrs[key]
    for key in ("width", "depth"):
        if key in info:
            info[key] = int(info[key])
    return info


def pick_training_runs(
    runs: Sequence[Mapping[str, Any]],
    shallow: Sequence[int] | None = None,
    deep: Sequence[int] | None = None,
    pinn_architecture: Sequence[int] | None = None,
) -> dict[str, str | None]:
    """Which training outputs claims 7 and 8 use.

    ``shallow``/``deep``: the FNN runs of the given (width, depth), by default the report's
    (512, 1) and (512, 10) (the config's Figure 9 and 10 architectures are passed here);
    where absent, the FNN run of smallest depth and the one of largest depth among those of
    the same width (ReLU preferred). ``pinn_smooth``/``pinn_relu``: the PINN runs with a
    smooth (erf-type) and with the ReLU activation, of ``pinn_architecture`` where given.
    Values are the ``file`` entries."""
    wanted = {
        "shallow": tuple(shallow or CLAIM7_ARCHITECTURES["shallow"]),
        "deep": tuple(deep or CLAIM7_ARCHITECTURES["deep"]),
    }
    fnn = [r for r in runs if r.get("model") == "fnn" and "depth" in r and "width" in r]
    relu_fnn = [r for r in fnn if r.get("activation", "relu") == "relu"] or fnn
    picked: dict[str, str | None] = {"shallow": None, "deep": None, "pinn_smooth": None, "pinn_relu": None}
    for role, architecture in wanted.items():
        exact = [r for r in relu_fnn if (r["width"], r["depth"]) == architecture]
        if exact:
            picked[role] = exact[0]["file"]
    if relu_fnn and (picked["shallow"] is None or picked["deep"] is None):
        first = min(relu_fnn, key=lambda r: (r["depth"], -r["width"]))
        same_width = [r for r in relu_fnn if r["width"] == first["width"] and r["depth"] > first["depth"]]
        last = max(same_width or relu_fnn, key=lambda r: (r["depth"], -r["width"]))
        if picked["shallow"] is None:
            picked["shallow"] = first["file"]
        if picked["deep"] is None and last is not first:
            picked["deep"] = last["file"]
    pinn = [r for r in runs if r.get("model") == "pinn"]
    if pinn_architecture is not None:
        pinn = [r for r in pinn if (r.get("width"), r.get("depth")) == tuple(pinn_architecture)] or pinn
    smooth = [r for r in pinn if r.get("activation") in SMOOTH_PINN_ACTIVATIONS]
    relu = [r for r in pinn if r.get("activation") == "relu"]
    picked["pinn_smooth"] = smooth[0]["file"] if smooth else None
    picked["pinn_relu"] = relu[0]["file"] if relu else None
    return picked


def check_fnn_training(shallow: FnnTrainingSummary | None, deep: FnnTrainingSummary | None) -> list[ClaimResult]:
    """Claim 7: the shallow network keeps its kernel (close to the initial and to the
    infinite-width kernel) and fits poorly; the deep one changes its kernel and fits well."""
    close, fit = RULES["kernel_close"], RULES["fit_relative_mse"]
    specs = {
        "7.d1.change": ("relative Frobenius change |K_T − K_0| / |K_0|", f"close: ≤ {close:g}"),
        "7.d1.infinite": ("relative Frobenius distance |K_0 − K_∞| / |K_∞|", f"close: ≤ {close:g}"),
        "7.d1.fit": ("relative MSE of the trained prediction on the test grid", f"poor: > {fit:g}"),
        "7.d10.change": ("relative Frobenius change |K_T − K_0| / |K_0|", f"changes: > {close:g} and more than the shallow network"),
        "7.d10.fit": ("relative MSE of the trained prediction on the test grid", f"good: ≤ {fit:g}"),
    }
    results = []
    for key, (measure, rule) in specs.items():
        summary = shallow if ".d1." in key else deep
        if summary is None:
            results.append(_not_available(key, measure, rule, "training run not in this run's outputs"))
            continue
        if key.endswith("change"):
            value = summary.kernel_change
        elif key.endswith("infinite"):
            value = summary.distance_infinite
        else:
            value = summary.relative_mse
        if not np.isfinite(value):
            results.append(_not_available(key, measure, rule, "quantity not in the training data"))
            continue
        if key == "7.d1.change" or key == "7.d1.infinite":
            ok = value <= close
        elif key == "7.d1.fit":
            ok = value > fit
        elif key == "7.d10.change":
            ok = value > close and (shallow is None or not np.isfinite(shallow.kernel_change) or value > shallow.kernel_change)
        else:
            ok = value <= fit
        note = f"width {summary.width}, depth {summary.depth}"
        results.append(_result(key, measure, rule, value=float(value), verdict=AGREES if ok else DIFFERS, note=note))
    return results


def check_pinn_training(erf_error: float | None, relu_error: float | None) -> list[ClaimResult]:
    """Claim 8: the erf PINN learns the Poisson solution, the ReLU PINN does not."""
    limit = RULES["pinn_learns"]
    measure = "relative L2 error on the test grid after training"
    out = []
    for key, error, rule, good in (
        ("8.erf", erf_error, f"learns: error < {limit:g}", True),
        ("8.relu", relu_error, f"does not learn: error ≥ {limit:g}", False),
    ):
        if error is None or not np.isfinite(error):
            out.append(_not_available(key, measure, rule, "training run not in this run's outputs"))
            continue
        ok = (error < limit) if good else (error >= limit)
        out.append(_result(key, measure, rule, value=float(error), verdict=AGREES if ok else DIFFERS))
    return out


# --------------------------------------------------------------------------- all claims


def evaluate_claims(
    fnn: xr.Dataset | None,
    pinn: xr.Dataset | None,
    large_beta: float = 0.5,
    fnn_shallow: FnnTrainingSummary | None = None,
    fnn_deep: FnnTrainingSummary | None = None,
    pinn_erf_error: float | None = None,
    pinn_relu_error: float | None = None,
) -> list[ClaimResult]:
    """Every row of :data:`CLAIMS`, in table order."""
    results: list[ClaimResult] = []
    for number, stats, operator in ((1, fnn, None), (2, pinn, "uu")):
        for activation in ("relu", "gelu", "sigmoid"):
            for kind in ("start", "max"):
                key = f"{number}.{activation}.{kind}"
                if key in CLAIMS_BY_KEY:
                    results.append(check_second_moment(key, stats, activation, "bound" if activation == "sigmoid" else kind, operator))
    results.append(check_fitted_C("3.fnn.C", fnn))
    results.append(check_departure("3.fnn.departure", fnn, large_beta))
    results.append(check_fitted_C("3.pinn.C", pinn, "uu"))
    results.append(check_departure("3.pinn.departure", pinn, large_beta, "uu"))
    results.append(check_parity("4.fnn.small", fnn, "beta", large_beta, True))
    results.append(check_parity("4.fnn.large", fnn, "beta", large_beta, False))
    results.append(check_parity("4.pinn.small", pinn, "scaling", PINN_PARITY_SPLIT, True, "uu"))
    results.append(check_parity("4.pinn.large", pinn, "scaling", PINN_PARITY_SPLIT, False, "uu"))
    results.append(check_sigmoid_smaller("5.sigmoid", fnn))
    results.append(check_similar("5.similar", fnn))
    for activation in ("relu", "gelu", "sigmoid"):
        results.append(check_monotone(f"5.monotone.{activation}", fnn, activation))
    results.extend(check_pinn_growth(pinn, "uu"))
    results.extend(check_fnn_training(fnn_shallow, fnn_deep))
    results.extend(check_pinn_training(pinn_erf_error, pinn_relu_error))
    order = {claim.key: i for i, claim in enumerate(CLAIMS)}
    return sorted(results, key=lambda r: order[r.key])


def verdict_counts(results: Iterable[ClaimResult]) -> dict[str, int]:
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] += 1
    return counts


# --------------------------------------------------------------------------- output

def _interval_text(r: ClaimResult) -> str:
    if math.isnan(r.lo) and math.isnan(r.hi):
        return ""
    return f" [{latex_number(r.lo)}, {latex_number(r.hi)}]"


def claims_latex(results: Sequence[ClaimResult], caption: str = "Quantitative claims of the report against the regenerated data.", label: str = "tab:claims") -> str:
    """The claims table as a LaTeX ``longtable`` (booktabs, array)."""
    verdict_macro = {AGREES: r"\verdictagrees", DIFFERS: r"\verdictdiffers", NOT_AVAILABLE: r"\verdictna"}
    lines = [
        "% Generated by finite_ntk.claims from the reduced data; do not edit.",
        r"\providecommand{\verdictagrees}{agrees}\providecommand{\verdictdiffers}{\textbf{differs}}\providecommand{\verdictna}{n/a}",
        r"\begin{footnotesize}",
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.07\linewidth}>{\raggedright\arraybackslash}p{0.28\linewidth}"
        r">{\raggedright\arraybackslash}p{0.06\linewidth}>{\raggedright\arraybackslash}p{0.34\linewidth}"
        r">{\raggedright\arraybackslash}p{0.15\linewidth}@{}}",
        rf"\caption{{{caption}}}\label{{{label}}}\\",
        r"\toprule",
        r"Claim & What is measured; the report's words & Stated & Regenerated [95\% interval]; rule & Verdict \\",
        r"\midrule\endfirsthead",
        r"\toprule",
        r"Claim & What is measured; the report's words & Stated & Regenerated [95\% interval]; rule & Verdict \\",
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
    """The thresholds of :data:`RULES` as a LaTeX itemize."""
    words = {
        "near_decades": "near $y=x$: median $|\\log_{10}(\\text{measured}/\\text{scaling})|$ at most",
        "orders_decades": "orders of magnitude: a factor $10^{x}$ with $x$ at least",
        "similar_decades": "quantitatively similar: median $|\\log_{10}(\\text{GELU}/\\text{ReLU})|$ at most",
        "monotone_rho": "grows monotonically: Spearman $\\rho$ with $\\beta$ at least",
        "stable_decades": "no significant increase: growth over the $\\beta$ range below (decades)",
        "kernel_close": "close kernels: relative Frobenius distance at most",
        "fit_relative_mse": "good fit: relative mean squared error at most",
        "pinn_learns": "a PINN learns: relative $L^2$ error below",
    }
    items = "\n".join(f"  \\item {words[name]} {latex_plain(value)}" for name, value in RULES.items())
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
        values = {name: float(row[name]) if row[name] else float("nan") for name in ("value", "lo", "hi")}
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
    "AGREES", "DIFFERS", "NOT_AVAILABLE", "CLAIMS", "RULES", "Claim", "ClaimResult", "FnnTrainingSummary",
    "evaluate_claims", "claims_latex", "rules_latex", "write_claims_csv", "read_claims_csv", "claims_dataset",
    "summarise_fnn_training", "summarise_pinn_training", "stated_number", "within_interval", "verdict_counts",
    "latex_escape", "latex_number", "growth_decades", "series",
]
