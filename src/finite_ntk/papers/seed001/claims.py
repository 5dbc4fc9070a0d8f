"""Seed 001's claims (Seleznova & Kutyniok, "Analyzing Finite Neural Networks: Can We Trust
NTK Theory?"), checked against the regenerated data.

:data:`CLAIMS` holds one :class:`~finite_ntk.claims.Claim` per row, keyed
``"seed001.<claim number>.<part>"`` (rows 13-25 of the claims table before keys carried
their paper: old number minus 12). The paper states no number we check; each statement is
a measured quantity against a threshold of :data:`THRESHOLDS` or against the config's
std/mean classes (``seed001.relative_std_thresholds``). Where the threshold is this
project's reading, the claim is read at every width (:func:`_across_widths`: the row differs
when a width does, and its note shows where the verdict flips). The measures are computed by
:mod:`finite_ntk.papers.seed001.report` from ``phase_stats.nc``, ``training_stats.nc`` and
``kappa.nc`` (``data/<run>/seed001/``, read by :func:`load_claim_inputs` into
:class:`~finite_ntk.papers.seed001.report.Seed001Data`):

- at initialisation (claims 1-8 and 18-19, Section 3, Appendix C, Figures 1, 2, 7): std/mean
  :math:`= \\sqrt{R - 1}` of :math:`K(x, x)` in the ordered phase (both halves: small, and
  not growing with depth), on the border and for shallow networks against the std/mean
  classes, the trends of :math:`R` with depth and width in both phases, the collapse of
  Figure 2 against :math:`L/M` and the slope of :math:`\\ln R` in it, the band between the
  classes against width at fixed :math:`L/M` and against :math:`\\sigma_b^2`, and the
  Monte-Carlo transition against :math:`\\sigma_b^2` (Figure 7);
- in training (claims 9-13 and 23-25, Section 4, Figures 3, 4, 8-11): the relative NTK change
  at the end of training (the runs that reached the training time or stopped early by the
  paper's rule) against phase, depth and width, near the border, for shallow chaotic networks
  and how early it comes, the depth from which ordered and chaotic networks stop training
  (once shallow ones train), and the step count of the runs that stopped early against the
  change;
- Lemma 2's kappas (claims 20-22, Figures 5, 6): the conditioning of the infinite-width NTK
  by phase and against depth, and the spread of kappa_2 over the inputs' covariance;
- Section 5's Theorem 3 (claims 14-17): :mod:`finite_ntk.papers.seed001.theorem3_claims`.

Which R a map claim reads (claims 1-8). K(x, x) is heavy-tailed: the plain ratio of the
replicates under-estimates R where R is large, and its bootstrap interval under-covers there.
Each cell's R is its selected estimate (:func:`finite_ntk.papers.seed001.report.with_estimates`,
:func:`finite_ntk.coverage.select_ratio_estimate`, with the run's coverage table
``heavy_tails/coverage.nc`` and the config's ``heavy_tails.significance`` and
``min_coverage``): the plain ratio where its interval's coverage was measured to hold at the
run's N, the log-normal plug-in R_log where log K passes the normality test, none elsewhere.
Where a claim's measure needs cells with none, its row says *not estimable* and counts them,
unless the estimable cells decide whatever R the others have (a largest value already above
its threshold; a band or a transition that every possible place of theirs leaves on one
side of the rule). A cell without an estimate keeps a lower bound of R where the coverage
table trusts one (``lower_bound``: the plain interval's lower end): it can show that a cell
is above a threshold, never below. The trends (claims 2, 3) and the collapse (6) read each line over its
estimable cells, as they read the unsaturated ones before. Without a coverage table the rows
say n/a.

Rules and formats: :mod:`finite_ntk.claims`. Intervals of the median Spearman correlations
come from a bootstrap over lines seeded from the run's root seed and the claim's stream.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

import finite_ntk.papers.seed001.report as phase
from finite_ntk.claims import (
    AGREES,
    DIFFERS,
    NAN,
    NOT_AVAILABLE,
    NOT_ESTIMABLE,
    Claim,
    Outcome,
    Threshold,
    claim_rng,
    draws_interval,
    verdict_of,
)
from finite_ntk.papers.seed001.report import Seed001Data
from finite_ntk.stats import spearman

PAPER = "seed001"


# --------------------------------------------------------------------------- thresholds

# The std/mean classes are the config's relative_std_thresholds. "monotone_rho" and
# "kernel_close" read as seed 000's thresholds of the same names do.
THRESHOLDS: Mapping[str, Threshold] = MappingProxyType(
    {
        "monotone_rho": Threshold(0.8, "grows monotonically: Spearman $\\rho$ with $\\beta$ at least"),
        "kernel_close": Threshold(0.1, "close kernels: relative Frobenius distance at most"),
        "collapse_ratio": Threshold(
            0.5,
            "curves collapse against $L/M$: spread across widths at equal $L/M$ over the spread at equal $L$ at most",
        ),
        "exponential_r2": Threshold(
            0.9, "exponential in $L/M$: share of the variance of $\\ln R$ a line in $L/M$ explains at least"
        ),
        "exponential_span": Threshold(0.25, "exponential in $L/M$: the fitted cells reach $L/M$ of at least"),
        "decreasing_rho": Threshold(-0.8, "decreases with width: median Spearman $\\rho$ of $R$ with $M$ at most"),
        "border_moves": Threshold(
            0.5,
            "the border moves: range of the border's $\\sigma_w^2$ over the $\\sigma_b^2$ of Figure 7 at least "
            "(below it: stays)",
        ),
        "flat_depth": Threshold(
            1.5,
            "does not increase with depth: median over the ordered lines of $(R(L_{\\max}) - 1) / "
            "(R(L_{\\max}/8) - 1)$ at most",
        ),
        "untrained_loss_ratio": Threshold(
            0.9, "does not train: minimal loss over the best constant output's loss at least"
        ),
        "trained_loss_ratio": Threshold(0.5, "trains: minimal loss over the best constant output's loss below"),
        "conditioning_gap": Threshold(
            2.0,
            "well- against ill-conditioned: chaotic over ordered $\\kappa_1/\\kappa_2$ at the deepest depth at least",
        ),
        "small_spread": Threshold(0.3, "small against its mean: (max $-$ min) / mean over the covariances at most"),
        "min_lines": Threshold(2, "a trend over lines: lines with three finished runs at least"),
        "min_early_stops": Threshold(
            5, "steps against the NTK change: runs that stopped early (the paper's rule) at least"
        ),
    }
)
RULES: dict[str, float] = {name: t.value for name, t in THRESHOLDS.items()}
RULE_MONOTONE = f"agrees when ρ ≥ {RULES['monotone_rho']:g}"
# Claims whose threshold is this project's reading (the paper states none) are read at every
# width, and the note shows where the verdict flips: the row differs when some width differs.
_EVERY_WIDTH = "read at every width; differs when some width differs, not estimable when some width cannot be read"
RULE_PER_WIDTH_SMALL = (
    f"{_EVERY_WIDTH}; a width agrees when its largest std/mean is at most the first std/mean threshold"
)
RULE_PER_WIDTH_BELOW_MEAN = (
    f"{_EVERY_WIDTH}; a width agrees when its largest std/mean is below the second threshold (1)"
)
RULE_FLAT_DEPTH = f"{_EVERY_WIDTH}; a width agrees when the median ratio is at most {RULES['flat_depth']:g}"
RULE_SHALLOW = (
    f"{_EVERY_WIDTH}; a width agrees when every σw² is at most the first std/mean threshold at the shallowest "
    "depth (L* ≥ that depth)"
)

# The training rows' rules (claims 9-13). "Finished": the runs that reached the training time
# (tau = 1) or stopped early by the paper's rule; diverged runs and those stopped at the
# stability edge are left out.
_FINISHED = (
    "over the runs that reached the training time or stopped early (not diverged, not stopped at the stability edge)"
)
RULE_CHANGE_SMALL = f"{_FINISHED}; agrees when ≤ {RULES['kernel_close']:g}"
RULE_CHANGE_GROWS = f"{_FINISHED}; agrees when ρ ≥ {RULES['monotone_rho']:g}"
RULE_CHANGE_FALLS = f"{_FINISHED}; agrees when ρ ≤ {RULES['decreasing_rho']:g}"
RULE_UNTRAINABLE = (
    f"n/a unless shallow networks train (median ratio at the shallowest depth < {RULES['trained_loss_ratio']:g} in "
    f"both phases); a phase does not train from depth L when its median ratio is ≥ "
    f"{RULES['untrained_loss_ratio']:g} at L and every deeper depth; agrees when the clearly ordered σw² stop "
    "training at some depth of the grid and the clearly chaotic ones at a larger depth or never"
)
RULE_SHARPENS = (
    f"band widths at the largest L/M every width reaches; agrees when ρ ≤ {RULES['decreasing_rho']:g}; decided over "
    "every place the not-estimable cells leave the band's edges, else not estimable"
)
RULE_BAND = (
    f"agrees when ρ ≥ {RULES['monotone_rho']:g} (a band that does not change with σb² differs); decided over "
    "every place the not-estimable cells leave the band's edges, else not estimable"
)
RULE_CONDITIONING = (
    f"agrees when the ordered excess is ≤ {RULES['kernel_close']:g} and chaotic over ordered κ₁/κ₂ is ≥ "
    f"{RULES['conditioning_gap']:g}, at every input covariance below 1"
)
RULE_BORDER_CHANGE = f"{_FINISHED}; agrees when the ratio is > 1 and the border's largest change < 1"
RULE_SHALLOW_CHANGE = f"{_FINISHED}; {_EVERY_WIDTH}; a width agrees when ≤ {RULES['kernel_close']:g}"
RULE_STEPS = (
    f"over the runs that stopped early (n/a with fewer than {RULES['min_early_stops']:g}); "
    f"agrees when ρ ≤ {RULES['decreasing_rho']:g}"
)


# --------------------------------------------------------------------------- inputs


class ClaimInputs(NamedTuple):
    """What seed 001's checks read; ``None`` where this run lacks it (the rows say n/a)."""

    data: Seed001Data | None = None
    theorem3: xr.Dataset | None = None  # theorem3.nc: Section 5, claims 14-17 (theorem3_claims)


Check = Callable[[Claim[ClaimInputs], ClaimInputs], Outcome]


# --------------------------------------------------------------------------- claims 1-8: at initialisation

NO_SEED001 = "no seed-001 data in this run"
NO_COVERAGE = "no coverage table of the estimates of R in this run (heavy_tails)"


def _estimated(inputs: ClaimInputs) -> tuple[xr.Dataset, phase.Selections] | str:
    """Seed 001's statistics with each cell's selected estimate of R
    (:func:`~finite_ntk.papers.seed001.report.with_estimates`) and the selection's settings,
    or the note of an n/a row."""
    data = inputs.data
    if data is None:
        return NO_SEED001
    if data.coverage is None:
        return NO_COVERAGE
    selection = phase.ratio_selection(data.stats, data.coverage, data.significance, data.min_coverage)
    return phase.with_estimates(data.stats, selection), selection


def _seed001_cells(
    inputs: ClaimInputs, activation: str, bias_variance: float | None = None
) -> tuple[xr.Dataset, phase.Selections] | str:
    """Seed 001's cells of one activation at ``bias_variance`` (default: the maps'), with
    their estimates and the selection; or the note of an n/a row."""
    found = _estimated(inputs)
    if isinstance(found, str):
        return found
    stats, selection = found
    bias = inputs.data.maps_bias_variance if bias_variance is None else bias_variance
    if activation not in stats["activation"].values or bias not in stats["bias_variance"].values:
        return NO_SEED001
    return stats.sel(activation=activation, bias_variance=bias), selection


def _std_threshold(inputs: ClaimInputs, which: int) -> float:
    return float(inputs.data.std_thresholds[which])


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _reasons(data: xr.Dataset, mask: xr.DataArray, selections: phase.Selections, rows: Sequence[AtWidth]) -> str:
    """Why cells could not be read, once for the row, when some width is not estimable."""
    if not any(row.verdict == NOT_ESTIMABLE for row in rows):
        return ""
    return phase.not_estimable_note(data, mask & xr.ones_like(data["second_moment_ratio"], dtype=bool), selections)


class AtWidth(NamedTuple):
    """One width's reading of a map claim whose threshold is this project's: the reader sees
    where the verdict flips."""

    width: int
    value: float
    verdict: str  # agrees, differs, not estimable, n/a (no such cells at this width)
    detail: str = ""


def _across_widths(measure: str, rows: Sequence[AtWidth], note: str = "") -> Outcome:
    """The row of a claim read at every width: *differs* when some width differs, else *not
    estimable* when some width cannot be read, else *agrees* when every width with data
    agrees (*n/a* when none has). The value is the first differing width's, else the widest
    width's with a value; the note gives every width's value and verdict."""
    rows = [row for row in rows if row.verdict != NOT_AVAILABLE]
    if not rows:
        return Outcome(measure, note=_join("no such cells in this run", note))
    verdicts = [row.verdict for row in rows]
    verdict = DIFFERS if DIFFERS in verdicts else NOT_ESTIMABLE if NOT_ESTIMABLE in verdicts else AGREES
    valued = [row for row in rows if np.isfinite(row.value)]
    chosen = next((row for row in rows if row.verdict == DIFFERS), valued[-1] if valued else None)
    shown = "; ".join(
        f"M = {row.width}: "
        + (f"{row.value:.3g} " if np.isfinite(row.value) else "")
        + f"{row.verdict}"
        + (f" ({row.detail})" if row.detail else "")
        for row in rows
    )
    value = chosen.value if chosen is not None and verdict != NOT_ESTIMABLE else NAN
    return Outcome(measure, value, verdict=verdict, note=_join(shown, note))


def _largest_std_at(data: xr.Dataset, mask: xr.DataArray, selections: phase.Selections, bound: float) -> AtWidth:
    """The largest std/mean over the cells of one width where ``mask`` holds, against
    ``bound``: decided by the estimable cells alone when every cell is estimable or one of
    them (or a not-estimable cell's trusted lower bound) already exceeds the bound."""
    width = int(data["width"])
    mask = mask & phase.sampled_mask(data)
    if int(mask.sum()) == 0:
        return AtWidth(width, NAN, NOT_AVAILABLE)
    largest = phase.largest_relative_std(data, mask)
    unknown = _short(phase.not_estimable_note(data, mask, selections))
    if not unknown:
        ok = largest.value <= bound
        return AtWidth(width, largest.value, verdict_of(ok), "" if ok else f"at {_cell(largest.where)}")
    if largest.cells and largest.value > bound:
        return AtWidth(width, largest.value, DIFFERS, _join(f"at {_cell(largest.where)}", unknown))
    floor = data[phase.LOWER_BOUND].where(mask & phase.not_estimable_mask(data))
    if floor.notnull().any():
        at = floor.isel({dim: int(i) for dim, i in floor.argmax(...).items()})
        value = float(phase.relative_std(at))
        if value > bound:
            where = f"σw² = {float(at['weight_variance']):g}, depth {int(at['depth'])}"
            return AtWidth(width, value, DIFFERS, _join(f"lower bound of R at {where}", unknown))
    return AtWidth(width, NAN, NOT_ESTIMABLE, unknown)


def _cell(where: str) -> str:
    """'σw² = 1, depth 64' out of largest_relative_std's 'width 50, σw² = 1, depth 64'."""
    return where.split(", ", 1)[1] if where.startswith("width ") else where


def _short(unknown: str) -> str:
    """The count of a not-estimable note without its reasons ('' stays '')."""
    return unknown.split(": ", 1)[0]


def seed001_largest_std(activation: str, cells: str, below: int) -> Check:
    """Claims 1 (small part) and 4: at each width, the largest std/mean = sqrt(R - 1) over
    the clearly ordered (chi_1 <= ORDERED_CHI) or border (the sampled sigma_w^2 nearest it)
    cells of the maps, every depth, against the config's relative-std threshold number
    ``below`` (0: nearly deterministic, -1: std below the mean); the row differs when some
    width does (:func:`_across_widths`). Each cell's R is its selected estimate; a width with
    not-estimable cells is decided only when an estimable cell, or a not-estimable cell's
    trusted lower bound of R, already exceeds the threshold."""
    what = {"ordered": f"clearly ordered (χ₁ ≤ {phase.ORDERED_CHI:g})", "border": "border"}[cells]
    measure = f"{activation}: largest std/mean = √(R − 1) over the {what} cells of the maps, at each width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selections = found
        mask = phase.chi_mask(data, "ordered") if cells == "ordered" else phase.border_mask(data)
        bound = _std_threshold(inputs, below)
        rows = [_largest_std_at(data.sel(width=w), mask, selections, bound) for w in data["width"].values]
        why = _reasons(data, mask, selections, rows)
        return _across_widths(measure, rows, _join(f"threshold {bound:g}", why))

    return check


def seed001_flat_with_depth(activation: str) -> Check:
    """Claim 1 (depth part): in the ordered phase the variance does not increase with depth.
    At each width, over the clearly ordered sigma_w^2 of the maps, the excess of R over 1
    at the deepest depth over its excess at the depth nearest an eighth of it,
    (R(L_max) - 1) / (R(L_max / 8) - 1): 1 for a flat line, e^{c L_max} for a chaotic one;
    the median over the lines whose two cells are estimable (the others left out and
    counted), against flat_depth. A width none of whose lines can be read is not
    estimable."""
    measure = f"{activation}: median over the clearly ordered σw² of (R(L_max) − 1) / (R(L_max/8) − 1), at each width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selections = found
        mask = phase.chi_mask(data, "ordered")
        rows = []
        for width in data["width"].values:
            cells = data.sel(width=width)
            sampled = cells["second_moment_ratio"].dropna("depth", how="all")["depth"].values
            if sampled.size < 2:
                rows.append(AtWidth(int(width), NAN, NOT_AVAILABLE))
                continue
            deepest = int(sampled.max())
            reference = int(sampled[np.argmin(np.abs(sampled - deepest / 8))])
            excess = (cells[phase.ESTIMATE] - 1).where(mask)
            growth = (excess.sel(depth=deepest) / excess.sel(depth=reference)).dropna("weight_variance")
            lines = int(mask.sum())
            if growth.size == 0:
                unknown = _short(phase.not_estimable_note(cells.sel(depth=[reference, deepest]), mask, selections))
                rows.append(AtWidth(int(width), NAN, NOT_ESTIMABLE if unknown else NOT_AVAILABLE, unknown))
                continue
            value = float(growth.median())
            left = f"{lines - growth.size} of {lines} lines not estimable" if growth.size < lines else ""
            detail = _join(f"L = {reference} to {deepest}", left)
            rows.append(AtWidth(int(width), value, verdict_of(value <= RULES["flat_depth"]), detail))
        why = _reasons(data, mask, selections, rows)
        return _across_widths(measure, rows, _join(f"threshold {RULES['flat_depth']:g}", why))

    return check


def seed001_shallow_depth(activation: str) -> Check:
    """Claim 5: the variance is small for sufficiently shallow networks with any sigma_w^2.
    At each width, the shallowest-first run of depths at which every sigma_w^2 of the maps
    (ordered, border and chaotic) is nearly deterministic (std/mean at most the first
    threshold): L* is its deepest depth, 0 when already the shallowest depth has a
    sigma_w^2 above it. The statement holds at a width when L* is at least the grid's
    shallowest depth ("sufficiently shallow" exists, for every sigma_w^2 at once); L* itself,
    shown per width, is how shallow is sufficient. A depth whose largest std/mean cannot be
    told (not-estimable cells, none decided by a lower bound) ends the run with L* known
    only as a lower bound."""
    measure = f"{activation}: depth L* up to which every σw² of the maps is nearly deterministic, at each width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selections = found
        bound = _std_threshold(inputs, 0)
        rows = []
        for width in data["width"].values:
            cells = data.sel(width=width)
            depths = cells["second_moment_ratio"].dropna("depth", how="all")["depth"].values
            if depths.size == 0:
                rows.append(AtWidth(int(width), NAN, NOT_AVAILABLE))
                continue
            deepest, detail, unknown = 0, "", False
            for depth in depths:
                at = cells.sel(depth=[depth])
                reading = _largest_std_at(at, xr.ones_like(at["second_moment_ratio"], dtype=bool), selections, bound)
                if reading.verdict == NOT_ESTIMABLE:
                    unknown = True
                    detail = f"at least {deepest}: depth {int(depth)} not estimable" if deepest else reading.detail
                    break
                if reading.verdict == DIFFERS:
                    detail = f"depth {int(depth)}: {reading.value:.3g}" + (
                        f", {reading.detail}" if reading.detail else ""
                    )
                    break
                deepest = int(depth)
            if unknown and not deepest:
                rows.append(AtWidth(int(width), NAN, NOT_ESTIMABLE, detail))
                continue
            ok = deepest >= int(depths.min())
            rows.append(AtWidth(int(width), float(deepest), verdict_of(ok), detail if not ok or unknown else ""))
        everywhere = xr.ones_like(data["second_moment_ratio"], dtype=bool)
        return _across_widths(
            measure, rows, _join(f"threshold {bound:g}", _reasons(data, everywhere, selections, rows))
        )

    return check


def seed001_trend(activation: str, cells: str, along: str) -> Check:
    """Claims 2, 3: Spearman's rho of R against depth (grows: median at least
    monotone_rho) or width (decreases: median at most decreasing_rho), over the lines of
    the clearly chaotic (chi_1 >= CHAOTIC_CHI) or ordered cells of the maps; each line over
    its estimable cells (the others left out and counted, as saturated estimates were before
    the selection), lines with fewer than three of them dropped. Not estimable when no line
    is left but some line has three sampled cells."""
    what = (
        f"clearly chaotic (χ₁ ≥ {phase.CHAOTIC_CHI:g})"
        if cells == "chaotic"
        else f"clearly ordered (χ₁ ≤ {phase.ORDERED_CHI:g})"
    )
    coordinate = "depth L" if along == "depth" else "width M"
    measure = f"{activation}: median Spearman ρ of R with {coordinate} over the {what} lines of the maps"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selection = found
        mask = phase.chi_mask(data, cells)
        rhos = phase.rank_correlations(data, mask, along)
        unknown = phase.not_estimable_note(data, mask, selection)
        if rhos.size == 0:
            if unknown and phase.lines_with_points(data, mask, along):
                return Outcome(
                    measure, verdict=NOT_ESTIMABLE, note=_join(unknown, "no line with three estimable cells")
                )
            return Outcome(measure, note="no line with three sampled cells in this run")
        value = float(np.median(rhos))
        rng = claim_rng(int(inputs.data.stats.attrs.get("root_seed", 0)), claim.stream)
        draws = np.median(rng.choice(rhos, (2000, rhos.size)), axis=1)
        lo, hi = draws_interval(draws, 0.95)
        ok = value >= RULES["monotone_rho"] if along == "depth" else value <= RULES["decreasing_rho"]
        left_out = f"left out: {unknown}" if unknown else ""
        return Outcome(measure, value, lo, hi, verdict_of(ok), _join(f"{rhos.size} lines", left_out))

    return check


def seed001_collapse(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 6: at Figure 2's chaotic point (the largest sigma_w^2 of its points), the
    curves of log10 R for the widths lie closer together against L/M than against L; over
    the estimable cells (the others left out and counted), not estimable when fewer than
    two widths keep two of them but two widths have two sampled cells."""
    measure = "Figure 2, chaotic point: spread of log₁₀ R across widths at equal L/M over that at equal L"
    found = _estimated(inputs)
    if isinstance(found, str):
        return Outcome(measure, note=found)
    stats, selection = found
    data = inputs.data
    weight, bias = max(data.curves_points)
    if (
        data.curves_activation not in stats["activation"].values
        or bias not in stats["bias_variance"].values
        or "weight_variance" not in stats.coords
        or weight not in stats["weight_variance"].values
    ):
        return Outcome(measure, note=f"Figure 2's point ({weight:g}, {bias:g}) is not in this run")
    point = stats.sel(activation=data.curves_activation, bias_variance=bias, weight_variance=weight)
    unknown = phase.not_estimable_note(point, xr.ones_like(point["second_moment_ratio"], dtype=bool), selection)
    found = phase.collapse(stats, data.curves_activation, weight, bias)
    if not np.isfinite(found.ratio):
        sampled = phase.collapse(stats, data.curves_activation, weight, bias, ratio="second_moment_ratio")
        if unknown and np.isfinite(sampled.ratio):
            return Outcome(
                measure, verdict=NOT_ESTIMABLE, note=_join(unknown, "fewer than two widths with two estimable cells")
            )
        return Outcome(measure, note="fewer than two widths with two sampled cells")
    note = (
        f"{data.curves_activation} at (σw², σb²) = ({weight:g}, {bias:g}): {found.spread_ratio:.3g} against "
        f"{found.spread_depth:.3g} decades"
    )
    left_out = f"left out: {unknown}" if unknown else ""
    return Outcome(
        measure, found.ratio, verdict=verdict_of(found.ratio <= RULES["collapse_ratio"]), note=_join(note, left_out)
    )


def seed001_exponential(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 6 (exponential part): at Figure 2's chaotic point, ln R against L/M over every
    width's estimable cells is a straight line with a positive slope (R grows exponentially
    in L/M): not estimable unless those cells reach L/M of at least exponential_span (a line
    over a short stretch says nothing of its form; the note then gives the log-normal
    reading); agrees when the slope's bootstrap interval lies above 0 and the line explains
    at least exponential_r2 of the variance of ln R. The note compares the slope at Figure 2's
    point (2, 0), where finite-width theory exists for ReLU (Hanin & Nica: E[K^2]/E[K]^2 of
    the order of exp(5 L/M); the exact limit of the bias-free network, f(L/M) =
    1 + 11 L/(3 M) + ..., :func:`finite_ntk.finite_width_theory.relu_second_moment_ratio_limit`,
    starts with slope 11/3 in ln R), with the measured one there (seed 001's network also
    trains its biases, so the comparison is of orders, not an equality)."""
    measure = "Figure 2, chaotic point: slope of ln R against L/M (line over every width's estimable cells)"
    found = _estimated(inputs)
    if isinstance(found, str):
        return Outcome(measure, note=found)
    stats, selections = found
    data = inputs.data
    weight, bias = max(data.curves_points)
    activation = data.curves_activation
    if activation not in stats["activation"].values or weight not in stats["weight_variance"].values:
        return Outcome(measure, note=f"Figure 2's point ({weight:g}, {bias:g}) is not in this run")
    seed = int(data.stats.attrs.get("root_seed", 0))
    fit = phase.exponential_fit(stats, activation, weight, bias, claim_rng(seed, claim.stream))
    point = stats.sel(activation=activation, bias_variance=bias, weight_variance=weight)
    unknown = phase.not_estimable_note(point, xr.ones_like(point["second_moment_ratio"], dtype=bool), selections)
    if not np.isfinite(fit.slope):
        verdict = NOT_ESTIMABLE if unknown else NOT_AVAILABLE
        return Outcome(
            measure, verdict=verdict, note=_join(f"{fit.points} estimable cells: too few for a line", unknown)
        )
    note = _join(
        f"{activation} at ({weight:g}, {bias:g}): ln R = {fit.intercept:.3g} + {fit.slope:.3g} L/M over {fit.points} "
        f"cells up to L/M = {fit.largest_ratio:.3g}, R² = {fit.r_squared:.3f}",
        _theory_comparison(stats, activation, data.curves_points, seed, claim.stream),
        f"left out: {_short(unknown)}" if unknown else "",
    )
    if fit.largest_ratio < RULES["exponential_span"]:
        return Outcome(
            measure,
            verdict=NOT_ESTIMABLE,
            note=_join(
                f"the estimable cells reach only L/M = {fit.largest_ratio:.3g}",
                note,
                _log_normal_reading(stats, activation, weight, bias, seed, claim.stream),
            ),
        )
    ok = fit.slope_lo > 0 and fit.r_squared >= RULES["exponential_r2"]
    return Outcome(measure, fit.slope, fit.slope_lo, fit.slope_hi, verdict_of(ok), note)


def _log_normal_reading(stats: xr.Dataset, activation: str, weight: float, bias: float, seed: int, stream: str) -> str:
    """The same line through ln R_log = Var ln K (every sampled cell up to L/M = 0.5): the
    log-normal reading, not a trusted estimate of R where ln K is skewed."""
    fit = phase.exponential_fit(
        stats, activation, weight, bias, claim_rng(seed, stream + "/log"), ratio="log_normal_ratio", largest=0.5
    )
    if not np.isfinite(fit.slope):
        return ""
    return (
        f"log-normal reading (ln R_log = Var ln K, not trusted as R): slope {fit.slope:.3g} "
        f"[{fit.slope_lo:.3g}, {fit.slope_hi:.3g}] over {fit.points} cells up to L/M = {fit.largest_ratio:.3g}"
    )


def _theory_comparison(
    stats: xr.Dataset, activation: str, points: Sequence[tuple[float, float]], seed: int, stream: str
) -> str:
    """The slope at Figure 2's (2, 0) beside finite-width theory's, for ReLU ('' otherwise)."""
    if activation != "relu" or (2.0, 0.0) not in points or 0.0 not in stats["bias_variance"].values:
        return ""
    fit = phase.exponential_fit(stats, activation, 2.0, 0.0, claim_rng(seed, stream + "/border"))
    if not np.isfinite(fit.slope):
        return ""
    return (
        f"at (2, 0): slope {fit.slope:.3g} [{fit.slope_lo:.3g}, {fit.slope_hi:.3g}] over {fit.points} cells, against "
        "finite-width theory's 11/3 = 3.67 at small L/M (the bias-free network's exact limit) and Hanin & Nica's "
        "order exp(5 L/M)"
    )


# The most placements of a band's open edges that a verdict tries before it says not estimable.
MAX_PLACES = 100_000


class Band(NamedTuple):
    """Lines over sigma_w^2 (each at one depth) and where each leaves the nearly deterministic
    class and enters the last one (:func:`~finite_ntk.papers.seed001.report.transition`)."""

    labels: list[float]  # what the lines are ordered by (width, sigma_b^2)
    edges: list[tuple[phase.Transition, phase.Transition]]
    end: float  # past the grid's last sigma_w^2: where an edge not reached on it is put


def _band(lines: Sequence[tuple[float, xr.Dataset]], low: float, high: float) -> Band:
    """The band of each line: its two transitions at the std/mean thresholds ``low`` and
    ``high``."""
    weights = lines[0][1]["weight_variance"].values
    end = float(weights.max()) + float(np.diff(weights).min() if weights.size > 1 else 0.0)
    edges = [(phase.transition(cells, low), phase.transition(cells, high)) for _, cells in lines]
    return Band([label for label, _ in lines], edges, end)


def _band_widths(band: Band, choice: Sequence[tuple[float, float]]) -> list[float]:
    """The band's width in sigma_w^2 for each line, given where its edges lie (an edge not
    reached on the grid lies at ``band.end``)."""
    return [(band.end if not np.isfinite(hi) else hi) - (band.end if not np.isfinite(lo) else lo) for lo, hi in choice]


def _band_outcome(
    measure: str, band: Band, rule: Callable[[list[float]], bool], unknown_note: str, what: str
) -> Outcome:
    """Spearman's rho of the band's width with the lines' labels, decided over every place the
    not-estimable cells leave its edges (:func:`~finite_ntk.papers.seed001.report.decide`)."""
    x = np.asarray(band.labels, dtype=np.float64)

    def verdict(choice: Sequence[tuple[float, float]]) -> bool | None:
        widths = _band_widths(band, choice)
        return None if len(widths) < 3 else rule(widths)

    options = [list(itertools.product(lo.candidates, hi.candidates)) for lo, hi in band.edges]
    known = [(lo.value, hi.value) for lo, hi in band.edges]
    widths = _band_widths(band, known)
    rho = spearman(x, np.asarray(widths)) if np.ptp(widths) > 0 else NAN
    shown = _join(what + ", ".join(f"{label:g}: {w:g}" for label, w in zip(band.labels, widths)))
    unknown = sum(lo.unknown + hi.unknown for lo, hi in band.edges)
    if not unknown:
        return Outcome(measure, rho, verdict=verdict_of(bool(verdict(known))), note=shown)
    if math.prod(len(option) for option in options) > MAX_PLACES:
        return Outcome(
            measure,
            verdict=NOT_ESTIMABLE,
            note=_join(f"the band's edges are open in {unknown} places (too many to try)", unknown_note, shown),
        )
    decision = phase.decide(verdict(choice) for choice in itertools.product(*options))
    if decision.decided:
        return Outcome(
            measure,
            rho,
            verdict=verdict_of(decision.ok),
            note=_join(shown, "decided wherever the open edges lie", _short(unknown_note)),
        )
    return Outcome(
        measure,
        verdict=NOT_ESTIMABLE,
        note=_join(f"the band's edges are open in {unknown} places", unknown_note, shown),
    )


def seed001_sharpens(activation: str) -> Check:
    """Claim 7: as M grows, the vertical region between the phases gets narrower. At a fixed
    L/M (the largest every width reaches on the grid: the depth nearest it times each width), the band of
    sigma_w^2 from where the map leaves the nearly deterministic class to where it enters
    the last one, for each width; Spearman's rho of its width with M, agrees at most
    decreasing_rho. At fixed L/M, not fixed L: the whole map grows more deterministic with M,
    which alone would shrink a middle class counted over every depth. Decided over every
    place the not-estimable cells leave the edges, else not estimable."""
    measure = f"{activation}: Spearman ρ of the width in σw² of the band between the classes with M, at fixed L/M"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selections = found
        sampled = {
            float(width): data.sel(width=width)["second_moment_ratio"].dropna("depth", how="all")["depth"].values
            for width in data["width"].values
        }
        sampled = {width: depths for width, depths in sampled.items() if depths.size}
        if len(sampled) < 3:
            return Outcome(measure, note="fewer than three widths")
        # The largest L/M that every width reaches on the grid.
        ratio = min(float(depths.max()) / width for width, depths in sampled.items())
        lines = []
        for width, depths in sampled.items():
            depth = int(depths[np.argmin(np.abs(depths / width - ratio))])
            lines.append((width, data.sel(width=int(width), depth=[depth])))
        band = _band(lines, _std_threshold(inputs, 0), _std_threshold(inputs, -1))
        depths = ", ".join(f"{int(line['depth'][0])}" for _, line in lines)
        notes = [
            phase.not_estimable_note(line, xr.ones_like(line["second_moment_ratio"], dtype=bool), selections)
            for _, line in lines
        ]
        unknown = "; ".join(note for note in notes if note)
        return _band_outcome(
            measure,
            band,
            lambda widths: (
                np.ptp(widths) > 0 and spearman(np.asarray(band.labels), np.asarray(widths)) <= RULES["decreasing_rho"]
            ),
            unknown,
            f"band at L/M ≈ {ratio:.3g} (L = {depths}), by M: ",
        )

    return check


def seed001_border_moves(activation: str, moves: bool) -> Check:
    """Claim 8: across Figure 7's sigma_b^2 (sigma_b^2 > 0), the range of the Monte-Carlo
    transition (the smallest sigma_w^2 whose std/mean at the deepest depth reaches the
    first threshold) is at least ``border_moves`` for tanh (the border moves) and below it
    for ReLU (it stays); the mean-field borders are in the note. The value is read off the
    estimable cells; the verdict holds wherever the not-estimable cells put the transitions,
    else the row is not estimable."""
    measure = (
        f"{activation}: range over σb² > 0 of the σw² where the Figure 7 map leaves the nearly deterministic class"
    )

    def rule(transitions: Sequence[float]) -> bool | None:
        finite = [t for t in transitions if np.isfinite(t)]
        if len(finite) < 2:
            return None
        spread = max(finite) - min(finite)
        return spread >= RULES["border_moves"] if moves else spread < RULES["border_moves"]

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _estimated(inputs)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        stats, selection = found
        data = inputs.data
        if activation not in stats["activation"].values:
            return Outcome(measure, note=NO_SEED001)
        stats = stats.sel(activation=activation)
        if data.bias_maps_width not in stats["width"].values:
            return Outcome(measure, note=f"no width {data.bias_maps_width} in this run")
        biases = [float(b) for b in stats["bias_variance"].values if b > 0]
        lines = {
            b: phase.transition(stats.sel(bias_variance=b, width=data.bias_maps_width), _std_threshold(inputs, 0))
            for b in biases
        }
        combinations = itertools.product(*(line.candidates for line in lines.values()))
        decision = phase.decide(rule(combination) for combination in combinations)
        known = {b: line.value for b, line in lines.items() if np.isfinite(line.value)}
        theory = ", ".join(f"{b:g}: {float(stats['border_weight_variance'].sel(bias_variance=b)):.3g}" for b in lines)
        transitions = ", ".join(f"σb² = {b:g}: {t:g}" for b, t in known.items())
        spread = max(known.values()) - min(known.values()) if len(known) >= 2 else NAN
        note = _join(f"transition at {transitions}" if transitions else "", f"mean-field border {theory}")
        unknown = sum(line.unknown for line in lines.values())
        if not unknown:
            if len(known) < 2:
                return Outcome(measure, note="fewer than two σb² > 0 with a transition on the grid")
            return Outcome(measure, spread, verdict=verdict_of(bool(rule(list(known.values())))), note=note)
        at_width = stats.sel(width=data.bias_maps_width)
        line_cells = xr.zeros_like(at_width["second_moment_ratio"], dtype=bool)
        for b, line in lines.items():  # the cells where the transition may lie
            reach = max(line.candidates) if all(np.isfinite(line.candidates)) else np.inf
            line_cells = line_cells | (
                (at_width["bias_variance"] == b)
                & (at_width["depth"] == line.depth)
                & (at_width["weight_variance"] <= reach)
            )
        why = phase.not_estimable_note(at_width, line_cells, selection)
        places = "; ".join(
            f"σb² = {b:g}: " + ", ".join("none" if not np.isfinite(c) else f"{c:g}" for c in line.candidates)
            for b, line in lines.items()
            if line.unknown
        )
        if not decision.defined:
            return Outcome(measure, note=_join("fewer than two σb² > 0 with a transition on the grid", why))
        if decision.decided:
            return Outcome(
                measure,
                spread,
                verdict=verdict_of(decision.ok),
                note=_join(note, why, f"decided wherever the transition lies ({places})"),
            )
        return Outcome(
            measure,
            verdict=NOT_ESTIMABLE,
            note=_join(why, f"the transition may lie at {places}", note),
        )

    return check


# --------------------------------------------------------------------------- claims 18-22: more of Section 3, Figures 2, 5-7


def seed001_band_against_bias(activation: str) -> Check:
    """Claim 19 (Appendix C, Figure 7): lower sigma_b^2 gives a narrower boundary between the
    phases. At the bias maps' width and the deepest depth, the band of sigma_w^2 between
    where the map leaves the nearly deterministic class (std/mean reaches the first
    threshold) and where it enters the last one (the second threshold), for each
    sigma_b^2; Spearman's rho of its width with sigma_b^2, agrees at least monotone_rho. The
    edges come from the estimable cells and the trusted lower bounds
    (:func:`~finite_ntk.papers.seed001.report.transition`); where the not-estimable cells
    leave an edge open, the verdict holds only if every place they allow gives it, else the
    row is not estimable."""
    measure = f"{activation}: Spearman ρ of the width in σw² of the band between the classes with σb² (Figure 7)"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _estimated(inputs)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        stats, selections = found
        data = inputs.data
        if activation not in stats["activation"].values or data.bias_maps_width not in stats["width"].values:
            return Outcome(measure, note=f"no {activation} maps at width {data.bias_maps_width} in this run")
        cells = stats.sel(activation=activation, width=data.bias_maps_width)
        biases = [
            float(b)
            for b in cells["bias_variance"].values
            if cells.sel(bias_variance=b)["second_moment_ratio"].notnull().any()
        ]
        if len(biases) < 3:
            return Outcome(measure, note="fewer than three σb² sampled at the bias maps' width")
        lines = [(b, cells.sel(bias_variance=b)) for b in biases]
        band = _band(lines, _std_threshold(inputs, 0), _std_threshold(inputs, -1))
        why = phase.not_estimable_note(cells, xr.ones_like(cells["second_moment_ratio"], dtype=bool), selections)

        def rule(widths: list[float]) -> bool:
            # A band that does not change with sigma_b^2 is not narrower at lower sigma_b^2.
            return np.ptp(widths) > 0 and spearman(np.asarray(biases), np.asarray(widths)) >= RULES["monotone_rho"]

        depth = band.edges[0][0].depth
        return _band_outcome(measure, band, rule, why, f"band at L = {depth}, M = {data.bias_maps_width}, by σb²: ")

    return check


NO_KAPPA = "no kappa data (Figures 5, 6) in this run"


def _kappa(inputs: ClaimInputs, activation: str) -> xr.Dataset | None:
    data = inputs.data
    if data is None or data.kappa is None or activation not in data.kappa["activation"].values:
        return None
    kappa = data.kappa.sel(activation=activation)
    # Identical inputs (covariance 1) give kappa_1 = kappa_2 at every phase: no conditioning to read.
    return kappa.sel(input_covariance=kappa["input_covariance"] < 1)


def seed001_conditioning(activation: str) -> Check:
    """Claim 20 (Figure 6): the NTK matrix is ill-conditioned in the ordered phase
    (kappa_1/kappa_2 -> 1) and well-conditioned in the chaotic phase. At the deepest depth
    and every input covariance below 1: the ordered point's kappa_1/kappa_2 - 1 (largest over
    the covariances), at most kernel_close; and the chaotic point's kappa_1/kappa_2 over the
    ordered point's (smallest over the covariances), at least conditioning_gap."""
    measure = f"{activation}: largest κ₁/κ₂ − 1 of the ordered point at the deepest depth (Figure 6)"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        kappa = _kappa(inputs, activation)
        if kappa is None or kappa.sizes["input_covariance"] == 0:
            return Outcome(measure, note=NO_KAPPA)
        ratio = kappa["kappa_ratio"].isel(depth=-1)
        ordered = float((ratio.sel(phase="ordered") - 1).max())
        gap = float((ratio.sel(phase="chaotic") / ratio.sel(phase="ordered")).min())
        ok = ordered <= RULES["kernel_close"] and gap >= RULES["conditioning_gap"]
        note = (
            f"at L = {int(kappa['depth'][-1])}, covariances {_covariances(kappa)}: chaotic over ordered κ₁/κ₂ at "
            f"least {gap:.3g} (threshold {RULES['conditioning_gap']:g}); ordered threshold {RULES['kernel_close']:g}"
        )
        return Outcome(measure, ordered, verdict=verdict_of(ok), note=note)

    return check


def _covariances(kappa: xr.Dataset) -> str:
    values = kappa["input_covariance"].values
    return f"{values.min():g}-{values.max():g}" if values.size > 1 else f"{values[0]:g}"


def seed001_conditioning_with_depth(activation: str, point: str) -> Check:
    """Claim 21 (Section 5, Figure 6): kappa_1/kappa_2 grows with depth in the chaotic phase
    and at the EOC (the kernel stays well-conditioned). Spearman's rho of kappa_1/kappa_2 with
    depth at the ``point`` ('border' or 'chaotic'), at each input covariance below 1; the
    median over covariances, agrees at least monotone_rho."""
    measure = f"{activation}: median over input covariances of Spearman ρ of κ₁/κ₂ with depth, {point} point"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        kappa = _kappa(inputs, activation)
        if kappa is None or kappa.sizes["input_covariance"] == 0:
            return Outcome(measure, note=NO_KAPPA)
        ratio = kappa["kappa_ratio"].sel(phase=point).transpose("input_covariance", "depth")
        depths = kappa["depth"].values
        rhos = np.array([spearman(depths, row) for row in ratio.values])
        ok_rhos = rhos[np.isfinite(rhos)]
        if ok_rhos.size == 0:
            return Outcome(measure, note="κ₁/κ₂ is constant in depth at every covariance")
        value = float(np.median(ok_rhos))
        first, last = ratio.isel(input_covariance=0), ratio.isel(input_covariance=-1)
        note = (
            f"covariance {float(first['input_covariance']):g}: ρ = {rhos[0]:.2f}, κ₁/κ₂ {float(first[0]):.3g} at L = "
            f"{int(depths[0])} to {float(first[-1]):.3g} at L = {int(depths[-1])}; covariance "
            f"{float(last['input_covariance']):g}: ρ = {rhos[-1]:.2f}, {float(last[0]):.3g} to {float(last[-1]):.3g}"
        )
        return Outcome(measure, value, verdict=verdict_of(value >= RULES["monotone_rho"]), note=note)

    return check


def seed001_kappa_spread(activation: str) -> Check:
    """Claim 22 (Figure 5): the changes of kappa_2 that come from the inputs' covariance are
    small against its mean. At every phase and depth, (max - min) / mean of kappa_2 over the
    input covariances of Figure 5 below 1 (identical inputs, covariance 1, have kappa_2 =
    kappa_1); the largest, agrees at most small_spread. The
    note gives, per phase, the depth from which the spread stays below the threshold."""
    measure = f"{activation}: largest (max − min)/mean of κ₂ over input covariances below 1, every phase and depth"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        kappa = _kappa(inputs, activation)
        if kappa is None:
            return Outcome(measure, note=NO_KAPPA)
        kappa_2 = kappa["kappa_2"]
        if kappa_2.sizes["input_covariance"] < 2:
            return Outcome(measure, note="fewer than two input covariances")
        spread = (kappa_2.max("input_covariance") - kappa_2.min("input_covariance")) / kappa_2.mean("input_covariance")
        largest = spread.isel({dim: int(i) for dim, i in spread.argmax(...).items()})
        bound = RULES["small_spread"]
        from_depth = []
        for name in spread["phase"].values:
            line = spread.sel(phase=name)
            above = line["depth"].values[line.values > bound]
            deeper = [int(d) for d in line["depth"].values if not above.size or d > above.max()]
            from_depth.append(f"{name} {'from L = ' + str(deeper[0]) if deeper else 'at no depth'}")
        note = _join(
            f"largest at the {str(largest['phase'].values)} point, L = {int(largest['depth'])}",
            f"below {bound:g}: " + ", ".join(from_depth),
        )
        value = float(largest)
        return Outcome(measure, value, verdict=verdict_of(value <= bound), note=note)

    return check


# --------------------------------------------------------------------------- claims 9-13: in training

NO_SEED001_TRAINING = "no seed-001 training data in this run"
# training_stats.nc's status codes (finite_ntk.papers.seed001.training_grid.STATUS_CODES, and -1
# where a cell was not trained; tests/test_seed001_training_claims.py checks that they agree).
NOT_TRAINED, CONVERGED, CAP, DIVERGED, EDGE = -1, 0, 1, 2, 3


def _training(inputs: ClaimInputs, activation: str) -> xr.Dataset | None:
    data = inputs.data
    if data is None or data.training is None or activation not in data.training["activation"].values:
        return None
    return data.training


def _finished(stats: xr.Dataset) -> xr.DataArray:
    """The runs whose end-of-training values are the paper's: those that reached the training
    time (status cap) or stopped early by the paper's rule (converged). Diverged runs and runs
    stopped at gradient descent's stability edge (status edge, before the training time) are
    not, nor are cells that were not trained."""
    return (stats["status"] == CONVERGED) | (stats["status"] == CAP)


def _training_time(training: xr.Dataset) -> str:
    """The training time the finished runs reached, ``training time 1 (1e+05 steps at lr
    1e-05)``, from the attributes ``training_time``, ``max_steps`` and ``learning_rate`` (those
    present)."""
    attrs = training.attrs
    rate, steps = attrs.get("learning_rate"), attrs.get("max_steps")
    tau = attrs.get("training_time", float(rate) * int(steps) if rate is not None and steps is not None else None)
    protocol = f"{int(steps):.3g} steps" if steps is not None else ""
    protocol += f" at lr {float(rate):g}" if protocol and rate is not None else ""
    if tau is None:
        return protocol or "the end of training"
    return f"training time {float(tau):g}" + (f" ({protocol})" if protocol else "")


def _left_out(stats: xr.Dataset) -> str:
    """How many runs of ``stats`` the training claims leave out, by reason ('' when none)."""
    status = stats["status"]
    counts = (
        (int((status == DIVERGED).sum()), "diverged"),
        (int((status == EDGE).sum()), "stopped at the stability edge before the end"),
    )
    parts = [f"{n} {why}" for n, why in counts if n]
    return f"left out: {', '.join(parts)}" if parts else ""


def seed001_training_change(activation: str, which: str) -> Check:
    """Claims 9-11 on the relative NTK change at the end of training (``ntk_change_end``),
    read on the runs that reached the training time (status cap: tau = lr x max_steps, the
    paper's tau = 1) or stopped early by the paper's rule (converged); runs that diverged or
    stopped at gradient descent's stability edge before the end (status edge) are left out
    and counted. The largest over the clearly ordered cells at the main width (``'ordered'``:
    small, at most kernel_close), the median Spearman rho with depth over the clearly chaotic
    sigma_w^2 at the main width (``'chaotic'``: grows, at least monotone_rho), or with width
    over every (sigma_w^2, depth) (``'width'``: falls, at most decreasing_rho)."""
    measure = {
        "ordered": f"{activation}: largest relative NTK change at the end, clearly ordered cells, main width",
        "chaotic": (
            f"{activation}: median Spearman ρ of the relative NTK change with depth, clearly chaotic σw², main width"
        ),
        "width": f"{activation}: median Spearman ρ of the relative NTK change with width M at fixed (σw², L)",
    }[which]

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        stats = training.sel(activation=activation)
        main = int(training.attrs["main_width"])
        change = stats["ntk_change_end"].where(_finished(stats))
        if which == "ordered":
            mask = phase.training_phase_mask(training, "ordered").sel(activation=activation)
            cells = change.sel(width=main).where(mask)
            count = int(cells.notnull().sum())
            if count == 0:
                return Outcome(measure, note="no finished run in a clearly ordered cell in this run")
            at = {dim: int(i) for dim, i in cells.argmax(...).items()}
            cell = cells.isel(at)
            value = float(cell)
            note = _join(
                f"at {_training_time(training)}: {count} clearly ordered cells at M = {main}, largest at "
                f"σw² = {float(cell['weight_variance']):g}, depth {int(cell['depth'])}",
                _left_out(stats.sel(width=main).where(mask, drop=True)),
            )
            return Outcome(measure, value, verdict=verdict_of(value <= RULES["kernel_close"]), note=note)
        if which == "chaotic":
            mask = phase.training_phase_mask(training, "chaotic").sel(activation=activation)
            lines = change.sel(width=main).where(mask).transpose("weight_variance", "depth")
            rhos = np.array([spearman(training["depth"].values, row) for row in lines.values])
            left_out = _left_out(stats.sel(width=main).where(mask, drop=True))
        else:
            lines = change.stack(line=("weight_variance", "depth")).transpose("line", "width")
            rhos = np.array([spearman(training["width"].values, row) for row in lines.values])
            left_out = _left_out(stats)
        rhos = rhos[np.isfinite(rhos)]
        if rhos.size < RULES["min_lines"]:
            return Outcome(
                measure,
                note=_join(
                    f"{rhos.size} line(s) with three finished runs (at least {RULES['min_lines']:g} for a trend)",
                    left_out,
                ),
            )
        value = float(np.median(rhos))
        ok = value >= RULES["monotone_rho"] if which == "chaotic" else value <= RULES["decreasing_rho"]
        note = _join(f"at {_training_time(training)}: {rhos.size} lines", left_out)
        return Outcome(measure, value, verdict=verdict_of(ok), note=note)

    return check


def _phase_medians(ratio: xr.DataArray, mask: xr.DataArray) -> np.ndarray:
    """The median of ``ratio`` (dims weight_variance, depth) over the sigma_w^2 of ``mask``
    at each depth; NaN at a depth without a value."""
    values = ratio.where(mask).transpose("depth", "weight_variance").values
    return np.array([float(np.median(row[np.isfinite(row)])) if np.isfinite(row).any() else NAN for row in values])


def _untrained_from(medians: np.ndarray) -> int | None:
    """The index of the shallowest depth from which a phase does not train: its median ratio
    is at least untrained_loss_ratio there and at every deeper depth with a value; None when
    it trains at the deepest depth with a value (or has none)."""
    start = None
    for i in np.flatnonzero(np.isfinite(medians))[::-1]:
        if medians[i] < RULES["untrained_loss_ratio"]:
            break
        start = int(i)
    return start


def seed001_untrainable(activation: str) -> Check:
    """Claim 12: "networks become untrainable with depth much faster in the ordered phase than
    in the chaotic phase", read on the minimal loss over the loss of the best constant output
    (``constant_loss``: a network that ignores its inputs reaches no lower) at the main width,
    over the runs that reached the training time or stopped early (diverged runs and runs
    stopped at the stability edge left out and counted). At each depth, the median ratio over
    the clearly ordered sigma_w^2 and over the clearly chaotic ones.

    First, shallow networks must train: the median ratio at the shallowest depth must be below
    trained_loss_ratio in both phases; otherwise no depth makes a network untrainable in this
    run, and the row is n/a with the ratios. Then a phase *does not train from depth L* when its
    median ratio is at least untrained_loss_ratio at L and at every deeper depth of the grid;
    the value is the ordered phase's L. Agrees when the ordered phase does not train from some
    depth of the grid and the chaotic phase trains deeper than that (from a larger depth, or at
    every depth of the grid); differs when the ordered phase trains at the deepest depth or the
    chaotic phase stops training at the same depth or sooner. "Much" is not measured: the
    grid's depths (doubling in the default protocol) are the resolution."""
    trained, untrained = RULES["trained_loss_ratio"], RULES["untrained_loss_ratio"]
    measure = (
        f"{activation}: depth L from which the clearly ordered σw² do not train (median min loss / best constant "
        f"output's loss ≥ {untrained:g} at L and deeper), main width"
    )

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        main = int(training.attrs["main_width"])
        stats = training.sel(activation=activation, width=main)
        ratio = (stats["min_loss"] / float(training.attrs["constant_loss"])).where(_finished(stats))
        depths = [int(d) for d in training["depth"].values]
        medians = {}
        for name in ("ordered", "chaotic"):
            mask = phase.training_phase_mask(training, name).sel(activation=activation)
            if not bool(mask.any()):
                return Outcome(measure, note=f"no clearly {name} σw² in this run")
            medians[name] = _phase_medians(ratio, mask)
        left_out = _left_out(stats)
        shallow = {name: m[0] for name, m in medians.items()}
        missing = [name for name, m in shallow.items() if not np.isfinite(m)]
        if missing:
            return Outcome(
                measure, note=_join(f"no finished run at depth {depths[0]} (clearly {missing[0]} σw²)", left_out)
            )
        if max(shallow.values()) >= trained:
            return Outcome(
                measure,
                note=_join(
                    f"shallow networks do not train in this run: median min loss / constant at depth {depths[0]} = "
                    f"{shallow['ordered']:.3g} (clearly ordered), {shallow['chaotic']:.3g} (clearly chaotic), "
                    f"trained below {trained:g}, at {_training_time(training)}",
                    left_out,
                ),
            )
        start = {name: _untrained_from(m) for name, m in medians.items()}

        def where(name: str) -> str:
            return f"from L = {depths[start[name]]}" if start[name] is not None else f"trains to L = {depths[-1]}"

        profile = "; ".join(
            f"clearly {name}: {', '.join('none' if not np.isfinite(v) else f'{v:.2g}' for v in m)}"
            for name, m in medians.items()
        )
        note = _join(
            f"ordered {where('ordered')}, chaotic {where('chaotic')}",
            f"median ratio at L = {', '.join(map(str, depths))}: {profile}",
            f"{_training_time(training)}",
            left_out,
        )
        if start["ordered"] is None:
            return Outcome(measure, verdict=verdict_of(False), note=note)
        ok = start["chaotic"] is None or start["chaotic"] > start["ordered"]
        return Outcome(measure, float(depths[start["ordered"]]), verdict=verdict_of(ok), note=note)

    return check


def seed001_steps_against_change(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 13: networks that need more iterations to train change their kernel less:
    Spearman's rho of the step count with the relative NTK change at the end over the runs of
    the main width (both activations) that stopped early by the paper's rule (status
    converged): only there is the step count how long a network needed to train; a run that
    reached the training time (cap) was still training, one that diverged or stopped at the
    stability edge did not finish. n/a when fewer than min_early_stops runs stopped early;
    agrees when rho is at most decreasing_rho."""
    measure = "Spearman ρ of the number of steps with the relative NTK change at the end, runs that stopped early"
    data = inputs.data
    if data is None or data.training is None:
        return Outcome(measure, note=NO_SEED001_TRAINING)
    main = int(data.training.attrs["main_width"])
    training = data.training.sel(width=main)
    early = training["status"] == CONVERGED
    steps = training["steps"].where(early).values.ravel()
    change = training["ntk_change_end"].where(early).values.ravel()
    keep = np.isfinite(steps) & np.isfinite(change)
    steps, change = steps[keep], change[keep]
    capped = int((training["status"] == CAP).sum())
    reached = f"{capped} ran to {_training_time(data.training)}"
    needed = int(RULES["min_early_stops"])
    if steps.size < needed:
        return Outcome(
            measure,
            note=_join(
                f"{steps.size} runs at M = {main} stopped early (at least {needed} needed)",
                reached,
                _left_out(training),
            ),
        )
    if np.ptp(steps) == 0 or np.ptp(change) == 0:
        return Outcome(measure, note=f"the {steps.size} runs that stopped early share their steps or their change")
    rho = spearman(steps, change)
    note = _join(f"{steps.size} runs at M = {main} stopped early", reached, _left_out(training))
    return Outcome(measure, rho, verdict=verdict_of(rho <= RULES["decreasing_rho"]), note=note)


# --------------------------------------------------------------------------- claims 23-25: more of Section 4, Figures 8, 9


def _border_cells(training: xr.Dataset, activation: str) -> xr.DataArray:
    """The training grid's sigma_w^2 nearest the activation's border (chi_1 = 1)."""
    weights = training["weight_variance"].values
    if "border_weight_variance" in training:
        border = float(training["border_weight_variance"].sel(activation=activation))
    else:  # a file without it: mean-field theory at the training's sigma_b^2
        import finite_ntk.mean_field as mean_field

        border = float(mean_field.order_chaos_border(activation, float(training.attrs["bias_variance"])))
    nearest = weights[np.argmin(np.abs(weights - border))]
    return training["weight_variance"] == nearest


def seed001_border_change(activation: str) -> Check:
    """Claim 23 (Section 4, EOC): near the border the relative NTK change is larger than in
    the ordered phase but stays below 1 for deep networks. At the main width, over the depths
    of the deeper half of the grid where the border's run finished: the border's change over
    the median change of the clearly ordered runs at the same depth (median over those
    depths), agrees when above 1 and the border's largest change there is below 1 (the
    paper's "way below 1": the value is in the note)."""
    measure = f"{activation}: border's relative NTK change over the ordered phase's, deep networks, main width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        main = int(training.attrs["main_width"])
        stats = training.sel(activation=activation, width=main)
        change = stats["ntk_change_end"].where(_finished(stats))
        border = change.where(_border_cells(training, activation)).max("weight_variance")
        ordered = change.where(phase.training_phase_mask(training, "ordered").sel(activation=activation)).median(
            "weight_variance"
        )
        depths = training["depth"].values
        deep = depths >= np.median(depths)
        ratio = (border / ordered).values[deep]
        keep = np.isfinite(ratio)
        if not keep.any():
            return Outcome(
                measure, note=_join("no deep depth with a finished border run and ordered runs", _left_out(stats))
            )
        value = float(np.median(ratio[keep]))
        largest = float(np.nanmax(border.values[deep][keep]))
        weight = float(training["weight_variance"].where(_border_cells(training, activation), drop=True)[0])
        note = _join(
            f"σw² = {weight:g}, depths {', '.join(str(int(d)) for d in depths[deep][keep])} at {_training_time(training)}",
            f"border's largest change {largest:.3g}",
            _left_out(stats),
        )
        return Outcome(measure, value, verdict=verdict_of(value > 1 and largest < 1), note=note)

    return check


def seed001_shallow_chaotic_change(activation: str) -> Check:
    """Claim 24 (Section 4): for very shallow chaotic networks the initial NTK approximates
    the trained one. At each width, the largest relative NTK change at the end over the
    clearly chaotic runs of the shallowest depth that finished, against kernel_close (the
    project's reading of "a good approximation"); read at every width."""
    measure = f"{activation}: largest relative NTK change of the shallowest clearly chaotic networks, at each width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        stats = training.sel(activation=activation)
        shallow = stats.isel(depth=0)
        mask = phase.training_phase_mask(training, "chaotic").sel(activation=activation)
        change = shallow["ntk_change_end"].where(_finished(shallow) & mask)
        rows = []
        for width in training["width"].values:
            line = change.sel(width=width)
            if int(line.notnull().sum()) == 0:
                rows.append(AtWidth(int(width), NAN, NOT_AVAILABLE))
                continue
            value = float(line.max())
            where = f"σw² = {float(line['weight_variance'][int(np.nanargmax(line.values))]):g}"
            rows.append(AtWidth(int(width), value, verdict_of(value <= RULES["kernel_close"]), where))
        depth = int(training["depth"][0])
        return _across_widths(
            measure, rows, f"depth {depth}, threshold {RULES['kernel_close']:g}, at {_training_time(training)}"
        )

    return check


def seed001_early_change(activation: str) -> Check:
    """Claim 25 (Figures 8, 9): deep chaotic networks change their NTK early in training,
    ordered ones stay nearly constant for a long time. At the main width and the deepest
    depth where both phases have snapshots: the median relative change of the clearly
    chaotic runs at the second snapshot (100 paper steps) over the median change of the
    clearly ordered runs at the last one (10,000): agrees above 1 (chaotic networks change
    more in a hundredth of the time). Finished runs only, as claims 9-11 (a run that diverged
    or stopped at the stability edge left gradient flow)."""
    measure = f"{activation}: chaotic change at an early snapshot over ordered change at the last, deepest networks"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        training = _training(inputs, activation)
        if training is None or "ntk_change" not in training:
            return Outcome(measure, note=NO_SEED001_TRAINING)
        main = int(training.attrs["main_width"])
        snapshots = training["snapshot"].values
        if snapshots.size < 2:
            return Outcome(measure, note="fewer than two snapshots")
        stats = training.sel(activation=activation, width=main)
        snaps = stats["ntk_change"].where(_finished(stats))
        masks = {
            name: phase.training_phase_mask(training, name).sel(activation=activation)
            for name in ("ordered", "chaotic")
        }
        early = snaps.isel(snapshot=1).where(masks["chaotic"]).median("weight_variance")
        late = snaps.isel(snapshot=-1).where(masks["ordered"]).median("weight_variance")
        both = np.isfinite(early.values) & np.isfinite(late.values) & (late.values > 0)
        if not both.any():
            return Outcome(measure, note="no depth with snapshots of both phases")
        i = int(np.flatnonzero(both)[-1])
        value = float(early.values[i] / late.values[i])
        note = _join(
            f"depth {int(training['depth'][i])}, M = {main}: chaotic {float(early.values[i]):.3g} after "
            f"{int(snapshots[1])} steps, ordered {float(late.values[i]):.3g} after {int(snapshots[-1])}",
            _left_out(stats),
        )
        return Outcome(measure, value, verdict=verdict_of(value > 1), note=note)

    return check


# --------------------------------------------------------------------------- the registry

# The paper's statements, in table order. The bootstrap streams of claims 2 and 3 keep the
# keys they had before keys carried their paper ("14.tanh", "14.relu", "15.chaotic").
CLAIMS: tuple[Claim[ClaimInputs], ...] = (
    # At initialisation (Section 3, Figures 1, 2, 7).
    # 1. Figure 1: the ordered phase, both halves of the sentence.
    Claim(
        key="seed001.1.tanh.small",
        subject="Seed 001, tanh: std/mean of K(x,x) in the ordered phase, every depth, at each width",
        quote="when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
        source="Seed 001, Sec. 3, Fig. 1a",
        stated=None,
        rule=RULE_PER_WIDTH_SMALL,
        check=seed001_largest_std("tanh", "ordered", 0),
    ),
    Claim(
        key="seed001.1.tanh.depth",
        subject="Seed 001, tanh: growth of R with depth in the ordered phase, at each width",
        quote="when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
        source="Seed 001, Sec. 3, Fig. 1a",
        stated=None,
        rule=RULE_FLAT_DEPTH,
        check=seed001_flat_with_depth("tanh"),
    ),
    Claim(
        key="seed001.1.relu.small",
        subject="Seed 001, ReLU: std/mean of K(x,x) in the ordered phase, every depth, at each width",
        quote="when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
        source="Seed 001, Sec. 3, Fig. 1b",
        stated=None,
        rule=RULE_PER_WIDTH_SMALL,
        check=seed001_largest_std("relu", "ordered", 0),
    ),
    Claim(
        key="seed001.1.relu.depth",
        subject="Seed 001, ReLU: growth of R with depth in the ordered phase, at each width",
        quote="when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
        source="Seed 001, Sec. 3, Fig. 1b",
        stated=None,
        rule=RULE_FLAT_DEPTH,
        check=seed001_flat_with_depth("relu"),
    ),
    # 2. Figure 1: the chaotic phase grows with depth.
    Claim(
        key="seed001.2.tanh",
        subject="Seed 001, tanh: R against depth in the chaotic phase",
        quote="for large σw² (chaotic phase) the variance grows significantly with L",
        source="Seed 001, Sec. 3, Fig. 1a",
        stated=None,
        rule=RULE_MONOTONE,
        check=seed001_trend("tanh", "chaotic", "depth"),
        bootstrap_id="14.tanh",
    ),
    Claim(
        key="seed001.2.relu",
        subject="Seed 001, ReLU: R against depth in the chaotic phase",
        quote="for large σw² (chaotic phase) the variance grows significantly with L",
        source="Seed 001, Sec. 3, Fig. 1b",
        stated=None,
        rule=RULE_MONOTONE,
        check=seed001_trend("relu", "chaotic", "depth"),
        bootstrap_id="14.relu",
    ),
    # 3. Fixed depth, growing width: the variance decreases.
    Claim(
        key="seed001.3.tanh",
        subject="Seed 001, tanh: R against width at fixed depth, chaotic phase",
        quote="when depth L is fixed and width M increases, the NTK variance decreases in the chaotic phase",
        source="Seed 001, Sec. 3",
        stated=None,
        rule=f"agrees when ρ ≤ {RULES['decreasing_rho']:g}",
        check=seed001_trend("tanh", "chaotic", "width"),
    ),
    Claim(
        key="seed001.3.relu",
        subject="Seed 001, ReLU: R against width at fixed depth, chaotic phase",
        quote="when depth L is fixed and width M increases, the NTK variance decreases in the chaotic phase",
        source="Seed 001, Sec. 3",
        stated=None,
        rule=f"agrees when ρ ≤ {RULES['decreasing_rho']:g}",
        check=seed001_trend("relu", "chaotic", "width"),
        bootstrap_id="15.chaotic",
    ),
    # 4. The border.
    Claim(
        key="seed001.4.tanh",
        subject="Seed 001, tanh: std/mean of K(x,x) on the border, every depth",
        quote="At the EOC, the variance of the NTK is a fraction of its mean even for very deep networks",
        source="Seed 001, Sec. 3",
        stated=None,
        rule=RULE_PER_WIDTH_BELOW_MEAN,
        check=seed001_largest_std("tanh", "border", -1),
    ),
    Claim(
        key="seed001.4.relu",
        subject="Seed 001, ReLU: std/mean of K(x,x) on the border, every depth",
        quote="At the EOC, the variance of the NTK is a fraction of its mean even for very deep networks",
        source="Seed 001, Sec. 3",
        stated=None,
        rule=RULE_PER_WIDTH_BELOW_MEAN,
        check=seed001_largest_std("relu", "border", -1),
    ),
    # 5. Shallow networks: "sufficiently shallow" and "any σw²" read as one depth L* per width.
    Claim(
        key="seed001.5.tanh",
        subject="Seed 001, tanh: depth up to which every σw² is nearly deterministic, at each width",
        quote="the NTK variance is small for sufficiently shallow NNs with any σw² value",
        source="Seed 001, Sec. 3",
        stated=None,
        rule=RULE_SHALLOW,
        check=seed001_shallow_depth("tanh"),
    ),
    Claim(
        key="seed001.5.relu",
        subject="Seed 001, ReLU: depth up to which every σw² is nearly deterministic, at each width",
        quote="the NTK variance is small for sufficiently shallow NNs with any σw² value",
        source="Seed 001, Sec. 3",
        stated=None,
        rule=RULE_SHALLOW,
        check=seed001_shallow_depth("relu"),
    ),
    # 6. Figure 2: collapse against L/M.
    Claim(
        key="seed001.6.collapse",
        subject="Seed 001, Figure 2: R of several widths against L/M in the chaotic phase",
        quote="in the chaotic phase (σw² = 3) the ratio grows exponentially as a function of L/M",
        source="Seed 001, Sec. 3, Fig. 2",
        stated=None,
        rule=f"agrees when ≤ {RULES['collapse_ratio']:g}",
        check=seed001_collapse,
    ),
    Claim(
        key="seed001.6.exponential",
        subject="Seed 001, Figure 2: ln R against L/M in the chaotic phase, a line",
        quote="in the chaotic phase (σw² = 3) the ratio grows exponentially as a function of L/M",
        source="Seed 001, Sec. 3, Fig. 2",
        stated=None,
        rule=(
            f"not estimable unless the estimable cells reach L/M ≥ {RULES['exponential_span']:g}; agrees when the "
            f"slope's 95% interval lies above 0 and R² ≥ {RULES['exponential_r2']:g}; the note compares the slope at "
            "(2, 0) with finite-width theory"
        ),
        check=seed001_exponential,
    ),
    # 7. The transition sharpens with width.
    Claim(
        key="seed001.7.tanh",
        subject="Seed 001, tanh: width of the band between the classes against M, at fixed L/M",
        quote="as M grows, the vertical red region gets narrower, i.e. the transition becomes sharper",
        source="Seed 001, Sec. 3, Fig. 1a",
        stated=None,
        rule=RULE_SHARPENS,
        check=seed001_sharpens("tanh"),
    ),
    Claim(
        key="seed001.7.relu",
        subject="Seed 001, ReLU: width of the band between the classes against M, at fixed L/M",
        quote="as M grows, the vertical red region gets narrower, i.e. the transition becomes sharper",
        source="Seed 001, Sec. 3, Fig. 1b",
        stated=None,
        rule=RULE_SHARPENS,
        check=seed001_sharpens("relu"),
    ),
    # 8. Figure 7: the border and sigma_b^2.
    Claim(
        key="seed001.8.tanh",
        subject="Seed 001, tanh: where the map leaves the deterministic class, against σb² (Figure 7)",
        quote="For tanh networks the location of the border between phases depends on σb²",
        source="Seed 001, App. C, Fig. 7a",
        stated=None,
        rule=f"agrees when the range is ≥ {RULES['border_moves']:g}",
        check=seed001_border_moves("tanh", moves=True),
    ),
    Claim(
        key="seed001.8.relu",
        subject="Seed 001, ReLU: where the map leaves the deterministic class, against σb² (Figure 7)",
        quote="while for ReLU networks it is the same for all the σb² values",
        source="Seed 001, App. C, Fig. 7b",
        stated=None,
        rule=f"agrees when the range is < {RULES['border_moves']:g}",
        check=seed001_border_moves("relu", moves=False),
    ),
    # In training (Section 4, Figures 3, 4, 8-11).
    Claim(
        key="seed001.9.tanh",
        subject="Seed 001, tanh: relative NTK change in training, ordered phase",
        quote="In the ordered phase, the relative change in the NTK matrix norm is small throughout training for any depth",
        source="Seed 001, Sec. 4, Fig. 3a",
        stated=None,
        rule=RULE_CHANGE_SMALL,
        check=seed001_training_change("tanh", "ordered"),
    ),
    Claim(
        key="seed001.9.relu",
        subject="Seed 001, ReLU: relative NTK change in training, ordered phase",
        quote="In the ordered phase, the relative change in the NTK matrix norm is small throughout training for any depth",
        source="Seed 001, Sec. 4, Fig. 4a",
        stated=None,
        rule=RULE_CHANGE_SMALL,
        check=seed001_training_change("relu", "ordered"),
    ),
    Claim(
        key="seed001.10.tanh",
        subject="Seed 001, tanh: relative NTK change against depth, chaotic phase",
        quote="in the chaotic phase ... the NTK changes significantly during training ... grows with L",
        source="Seed 001, Sec. 4, Fig. 3a",
        stated=None,
        rule=RULE_CHANGE_GROWS,
        check=seed001_training_change("tanh", "chaotic"),
    ),
    Claim(
        key="seed001.10.relu",
        subject="Seed 001, ReLU: relative NTK change against depth, chaotic phase",
        quote="in the chaotic phase ... the NTK changes significantly during training ... grows with L",
        source="Seed 001, Sec. 4, Fig. 4a",
        stated=None,
        rule=RULE_CHANGE_GROWS,
        check=seed001_training_change("relu", "chaotic"),
    ),
    Claim(
        key="seed001.11.tanh",
        subject="Seed 001, tanh: relative NTK change against width at fixed (σw², L)",
        quote="wider networks change less",
        source="Seed 001, App. D, Fig. 10",
        stated=None,
        rule=RULE_CHANGE_FALLS,
        check=seed001_training_change("tanh", "width"),
    ),
    Claim(
        key="seed001.11.relu",
        subject="Seed 001, ReLU: relative NTK change against width at fixed (σw², L)",
        quote="wider networks change less",
        source="Seed 001, App. D, Fig. 11",
        stated=None,
        rule=RULE_CHANGE_FALLS,
        check=seed001_training_change("relu", "width"),
    ),
    Claim(
        key="seed001.12.tanh",
        subject="Seed 001, tanh: depth from which networks stop training, ordered against chaotic phase",
        quote="Networks become untrainable with depth much faster in the ordered phase than in the chaotic phase",
        source="Seed 001, Sec. 4, Fig. 3b",
        stated=None,
        rule=RULE_UNTRAINABLE,
        check=seed001_untrainable("tanh"),
    ),
    Claim(
        key="seed001.12.relu",
        subject="Seed 001, ReLU: depth from which networks stop training, ordered against chaotic phase",
        quote="Networks become untrainable with depth much faster in the ordered phase than in the chaotic phase",
        source="Seed 001, Sec. 4, Fig. 4b",
        stated=None,
        rule=RULE_UNTRAINABLE,
        check=seed001_untrainable("relu"),
    ),
    Claim(
        key="seed001.13.steps",
        subject="Seed 001: NTK change against the number of steps of the runs that stopped early",
        quote="networks that need more iterations to train mostly show small changes in the NTK",
        source="Seed 001, Sec. 4",
        stated=None,
        rule=RULE_STEPS,
        check=seed001_steps_against_change,
    ),
    # Section 3, Figure 2: the ordered points fall with M.
    Claim(
        key="seed001.18.relu",
        subject="Seed 001, ReLU: R against width at fixed depth, ordered phase",
        quote="in the ordered phase (σw² = 1 and σw² = 1.5) the ratio is close to 1, does not grow with L/M and decreases with M",
        source="Seed 001, Sec. 3, Fig. 2",
        stated=None,
        rule=f"agrees when ρ ≤ {RULES['decreasing_rho']:g}",
        check=seed001_trend("relu", "ordered", "width"),
    ),
    # Appendix C, Figure 7: lower sigma_b^2, narrower boundary.
    *(
        Claim(
            key=f"seed001.19.{activation}",
            subject=f"Seed 001, {name}: width of the band between the phases against σb² (Figure 7)",
            quote="lower σb² values yield narrower boundary between the two phases",
            source=f"Seed 001, App. C, Fig. 7{panel}",
            stated=None,
            rule=RULE_BAND,
            check=seed001_band_against_bias(activation),
        )
        for activation, name, panel in (("tanh", "tanh", "a"), ("relu", "ReLU", "b"))
    ),
    # Section 5, Figures 5 and 6 (Lemma 2's kappas, closed forms).
    *(
        Claim(
            key=f"seed001.20.{activation}",
            subject=f"Seed 001, {name}: κ₁/κ₂ at depth, ordered against chaotic phase",
            quote="the NTK matrix is well-conditioned in the chaotic phase and ill-conditioned in the ordered phase",
            source=f"Seed 001, Sec. 5, Fig. 6{panel}",
            stated=None,
            rule=RULE_CONDITIONING,
            check=seed001_conditioning(activation),
        )
        for activation, name, panel in (("erf", "erf", "a"), ("relu", "ReLU", "b"))
    ),
    *(
        Claim(
            key=f"seed001.21.{activation}.{point}",
            subject=f"Seed 001, {name}: κ₁/κ₂ against depth, {'EOC' if point == 'border' else 'chaotic'} point",
            quote=(
                "At EOC ... [the data-independent] κ₁/κ₂ grows with depth, hence the kernel is well-conditioned"
                if point == "border"
                else "The ratio [of the data-independent] κ₁/κ₂ increases with depth in the chaotic phase"
            ),
            source=f"Seed 001, Sec. 5, Fig. 6{panel}",
            stated=None,
            rule=RULE_MONOTONE,
            check=seed001_conditioning_with_depth(activation, point),
        )
        for activation, name, panel in (("erf", "erf", "a"), ("relu", "ReLU", "b"))
        for point in ("border", "chaotic")
    ),
    *(
        Claim(
            key=f"seed001.22.{activation}",
            subject=f"Seed 001, {name}: spread of κ₂ over input covariances against its mean",
            quote="the changes in κ₂ that come from the changes in covariance are small with respect to its mean value",
            source=f"Seed 001, Sec. 5, Fig. 5{panel}",
            stated=None,
            rule=f"agrees when ≤ {RULES['small_spread']:g}",
            check=seed001_kappa_spread(activation),
        )
        for activation, name, panel in (("erf", "erf", "a"), ("relu", "ReLU", "b"))
    ),
    # Section 4 and Figures 8, 9: the border, shallow chaotic networks, how early the kernel moves.
    *(
        Claim(
            key=f"seed001.23.{activation}",
            subject=f"Seed 001, {name}: relative NTK change near the border against the ordered phase, deep networks",
            quote="the change in the NTK norm is larger than in the ordered phase but still remains way below 1 for deep networks",
            source=f"Seed 001, Sec. 4, Fig. {figure}a",
            stated=None,
            rule=RULE_BORDER_CHANGE,
            check=seed001_border_change(activation),
        )
        for activation, name, figure in (("tanh", "tanh", 3), ("relu", "ReLU", 4))
    ),
    *(
        Claim(
            key=f"seed001.24.{activation}",
            subject=f"Seed 001, {name}: relative NTK change of the shallowest chaotic networks, at each width",
            quote="for very shallow networks the NTK at initialization may still be a good approximation for the NTK after training",
            source=f"Seed 001, Sec. 4, Fig. {figure}a",
            stated=None,
            rule=RULE_SHALLOW_CHANGE,
            check=seed001_shallow_chaotic_change(activation),
        )
        for activation, name, figure in (("tanh", "tanh", 3), ("relu", "ReLU", 4))
    ),
    *(
        Claim(
            key=f"seed001.25.{activation}",
            subject=f"Seed 001, {name}: how early deep chaotic and ordered networks change their NTK",
            quote=(
                "for deep networks in the chaotic phase the NTK changes significantly already in the early stages of "
                "training, while networks in the ordered phase display very low changes in the NTK norm for a long time"
            ),
            source=f"Seed 001, App. D, Fig. {figure}",
            stated=None,
            rule="agrees when the ratio is > 1",
            check=seed001_early_change(activation),
        )
        for activation, name, figure in (("tanh", "tanh", 8), ("relu", "ReLU", 9))
    ),
)


# --------------------------------------------------------------------------- reading the data


def _load(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def load_claim_inputs(files: Mapping[str, Sequence[str]], config: Mapping[str, Any]) -> ClaimInputs:
    """Seed 001's :class:`ClaimInputs` from ``phase`` ([phase_stats.nc]), ``training``
    ([training_stats.nc], optional) and ``coverage`` ([heavy_tails/coverage.nc], optional:
    without it claims 1-8 say n/a), the config's ``seed001`` section (the std/mean classes
    ``relative_std_thresholds``, ``maps.bias_variance``, ``bias_maps.width``,
    ``depth_curves.activation`` and ``depth_curves.points``) and its ``heavy_tails`` section
    (``significance`` and ``min_coverage``: which estimate of R a cell's verdict may read).
    Without a phase file (a run without seed 001) every row says n/a."""
    phase_files, training_files = files.get("phase", ()), files.get("training", ())
    coverage_files = files.get("coverage", ())
    theorem3 = _load(files["theorem3"][0]) if files.get("theorem3") else None
    if not phase_files:
        return ClaimInputs(theorem3=theorem3)
    section = config["seed001"]
    heavy_tails = config["heavy_tails"]
    return ClaimInputs(
        Seed001Data(
            stats=_load(phase_files[0]),
            std_thresholds=tuple(section["relative_std_thresholds"]),
            maps_bias_variance=float(section["maps"]["bias_variance"]),
            bias_maps_width=int(section["bias_maps"]["width"]),
            curves_activation=section["depth_curves"]["activation"],
            curves_points=tuple((float(w), float(b)) for w, b in section["depth_curves"]["points"]),
            training=_load(training_files[0]) if training_files else None,
            coverage=_load(coverage_files[0]) if coverage_files else None,
            significance=float(heavy_tails["significance"]),
            min_coverage=float(heavy_tails["min_coverage"]),
            kappa=_load(files["kappa"][0]) if files.get("kappa") else None,
        ),
        theorem3=theorem3,
    )


# Section 5, Theorem 3 (claims 14-17): imported last, since theorem3_claims' controls import this module.
from finite_ntk.papers.seed001.theorem3_claims import THEOREM3_CLAIMS, THEOREM3_THRESHOLDS  # noqa: E402

CLAIMS = tuple(sorted(CLAIMS + THEOREM3_CLAIMS, key=lambda claim: int(claim.key.split(".")[1])))  # table order
THRESHOLDS = MappingProxyType({**THRESHOLDS, **THEOREM3_THRESHOLDS})
RULES = {name: t.value for name, t in THRESHOLDS.items()}

__all__ = ["PAPER", "CLAIMS", "THRESHOLDS", "RULES", "ClaimInputs", "Seed001Data", "load_claim_inputs"]
