"""Seed 001's claims (Seleznova & Kutyniok, "Analyzing Finite Neural Networks: Can We Trust
NTK Theory?"), checked against the regenerated data.

:data:`CLAIMS` holds one :class:`~finite_ntk.claims.Claim` per row, keyed
``"seed001.<claim number>.<part>"`` (rows 13-25 of the claims table before keys carried
their paper: old number minus 12). The paper states no number we check; each statement is
a measured quantity against a threshold of :data:`THRESHOLDS` or against the config's
std/mean classes (``seed001.relative_std_thresholds``). The measures are computed by
:mod:`finite_ntk.papers.seed001.report` from ``phase_stats.nc`` and ``training_stats.nc``
(``data/<run>/seed001/``, read by :func:`load_claim_inputs` into
:class:`~finite_ntk.papers.seed001.report.Seed001Data`):

- at initialisation (claims 1-8, Section 3, Figures 1, 2, 7): std/mean
  :math:`= \\sqrt{R - 1}` of :math:`K(x, x)` in the ordered phase, on the border and for
  shallow networks against the std/mean classes, the trends of :math:`R` with depth and
  width, the collapse of Figure 2 against :math:`L/M`, the sharpening of the transition
  with width, and the Monte-Carlo transition against :math:`\\sigma_b^2` (Figure 7);
- in training (claims 9-13, Section 4, Figures 3, 4, 8-11): the relative NTK change at the
  end of training (the runs that reached the training time or stopped early by the paper's
  rule) against phase, depth and width, the depth from which ordered and chaotic networks
  stop training (once shallow ones train), and the step count of the runs that stopped early
  against the change.

Which R a map claim reads (claims 1-8). K(x, x) is heavy-tailed: the plain ratio of the
replicates under-estimates R where R is large, and its bootstrap interval under-covers there.
Each cell's R is its selected estimate (:func:`finite_ntk.papers.seed001.report.with_estimates`,
:func:`finite_ntk.coverage.select_ratio_estimate`, with the run's coverage table
``heavy_tails/coverage.nc`` and the config's ``heavy_tails.significance`` and
``min_coverage``): the plain ratio where its interval's coverage was measured to hold at the
run's N, the log-normal plug-in R_log where log K passes the normality test, none elsewhere.
Where a claim's measure needs cells with none, its row says *not estimable* and counts them,
unless the estimable cells decide whatever R the others have (a largest value already above
its threshold; a ranking or a transition that every possible class of theirs leaves on one
side of the rule). The trends (claims 2, 3) and the collapse (6) read each line over its
estimable cells, as they read the unsaturated ones before. Without a coverage table the rows
say n/a.

Rules and formats: :mod:`finite_ntk.claims`. Intervals of the median Spearman correlations
come from a bootstrap over lines seeded from the run's root seed and the claim's stream.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

import finite_ntk.papers.seed001.report as phase
from finite_ntk.claims import (
    DIFFERS,
    NAN,
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
        "decreasing_rho": Threshold(-0.8, "decreases with width: median Spearman $\\rho$ of $R$ with $M$ at most"),
        "border_moves": Threshold(
            0.5,
            "the border moves: range of the border's $\\sigma_w^2$ over the $\\sigma_b^2$ of Figure 7 at least "
            "(below it: stays)",
        ),
        "shallow_depth": Threshold(2, "shallow networks: depth $L$ at most"),
        "untrained_loss_ratio": Threshold(
            0.9, "does not train: minimal loss over the best constant output's loss at least"
        ),
        "trained_loss_ratio": Threshold(0.5, "trains: minimal loss over the best constant output's loss below"),
        "min_early_stops": Threshold(
            5, "steps against the NTK change: runs that stopped early (the paper's rule) at least"
        ),
    }
)
RULES: dict[str, float] = {name: t.value for name, t in THRESHOLDS.items()}
RULE_MONOTONE = f"agrees when ρ ≥ {RULES['monotone_rho']:g}"

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
RULE_STEPS = (
    f"over the runs that stopped early (n/a with fewer than {RULES['min_early_stops']:g}); "
    f"agrees when ρ ≤ {RULES['decreasing_rho']:g}"
)


# --------------------------------------------------------------------------- inputs


class ClaimInputs(NamedTuple):
    """What seed 001's checks read; ``None`` where this run lacks it (the rows say n/a)."""

    data: Seed001Data | None = None


Check = Callable[[Claim[ClaimInputs], ClaimInputs], Outcome]


# --------------------------------------------------------------------------- claims 1-8: at initialisation

NO_SEED001 = "no seed-001 data in this run"
NO_COVERAGE = "no coverage table of the estimates of R in this run (heavy_tails)"


def _estimated(inputs: ClaimInputs) -> tuple[xr.Dataset, phase.RatioSelection] | str:
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
) -> tuple[xr.Dataset, phase.RatioSelection] | str:
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


def seed001_largest_std(activation: str, cells: str, below: int) -> Check:
    """Claims 1, 4, 5: the largest std/mean = sqrt(R - 1) over the clearly ordered
    (chi_1 <= ORDERED_CHI), border (the sampled sigma_w^2 nearest it) or shallow (depth <=
    shallow_depth, every sigma_w^2) cells of the maps, every width and depth; agrees when
    at most the config's relative-std threshold number ``below`` (0: nearly deterministic,
    -1: std below the mean). Each cell's R is its selected estimate: where some cells are
    not estimable, the estimable ones decide only when one of them already exceeds the
    threshold (differs); otherwise the row is not estimable."""
    what = {"ordered": f"clearly ordered (χ₁ ≤ {phase.ORDERED_CHI:g})", "border": "border", "shallow": "shallow"}[cells]
    measure = f"{activation}: largest std/mean = √(R − 1) over the {what} cells of the maps"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selection = found
        if cells == "ordered":
            mask = phase.chi_mask(data, "ordered")
        elif cells == "border":
            mask = phase.border_mask(data)
        else:
            mask = data["depth"] <= RULES["shallow_depth"]
        mask = mask & phase.sampled_mask(data)
        if int(mask.sum()) == 0:
            return Outcome(measure, note="no such cells in this run")
        bound = _std_threshold(inputs, below)
        largest = phase.largest_relative_std(data, mask)
        unknown = phase.not_estimable_note(data, mask, selection)
        if not unknown:
            note = f"at {largest.where}; {largest.cells} cells; threshold {bound:g}"
            return Outcome(measure, largest.value, largest.lo, largest.hi, verdict_of(largest.value <= bound), note)
        if largest.cells and largest.value > bound:
            note = _join(f"at {largest.where}; threshold {bound:g}: the estimable cells decide", unknown)
            return Outcome(measure, largest.value, largest.lo, largest.hi, DIFFERS, note)
        seen = (
            f"largest over the {largest.cells} estimable: {largest.value:.3g} at {largest.where}"
            if largest.cells
            else ""
        )
        return Outcome(measure, verdict=NOT_ESTIMABLE, note=_join(unknown, seen, f"threshold {bound:g}"))

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


def seed001_sharpens(activation: str) -> Check:
    """Claim 7: the transition sharpens as M grows: the fraction of map cells in the
    middle class (std/mean between the two thresholds) falls with the width. The value is
    over the estimable cells; the verdict holds whatever class the not-estimable cells are in
    (every ranking of the widths' shares that they allow), else the row is not estimable."""
    measure = f"{activation}: Spearman ρ of the middle class's share of the map with width M"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        found = _seed001_cells(inputs, activation)
        if isinstance(found, str):
            return Outcome(measure, note=found)
        data, selection = found
        shares = phase.class_shares(data, _std_threshold(inputs, 0), _std_threshold(inputs, -1))
        known = shares.known
        ok = np.isfinite(known)
        rho = spearman(shares.widths[ok], known[ok])
        note = ", ".join(f"M = {int(w)}: {f:.2f}" for w, f in zip(shares.widths[ok], known[ok]))
        sampled = shares.sampled > 0
        low, high = (bound[sampled] for bound in shares.bounds)
        decision = phase.decide(
            phase.rank_correlation_outcomes(
                shares.widths[sampled].astype(np.float64), low, high, lambda r: r <= RULES["decreasing_rho"]
            )
        )
        unknown = phase.not_estimable_note(data, xr.ones_like(data["second_moment_ratio"], dtype=bool), selection)
        if not unknown:
            if not np.isfinite(rho):
                return Outcome(measure, note="fewer than three widths" + (f" ({note})" if note else ""))
            return Outcome(measure, rho, verdict=verdict_of(rho <= RULES["decreasing_rho"]), note=note)
        if not decision.defined:
            return Outcome(measure, note=_join("fewer than three widths", note))
        shares_range = ", ".join(f"M = {int(w)}: {a:.2f}-{b:.2f}" for w, a, b in zip(shares.widths[sampled], low, high))
        if decision.decided:
            return Outcome(
                measure,
                rho,
                verdict=verdict_of(decision.ok),
                note=_join(note, unknown, f"decided whatever their class (shares {shares_range})"),
            )
        return Outcome(
            measure,
            verdict=NOT_ESTIMABLE,
            note=_join(unknown, f"shares {shares_range} allow either verdict", f"over the estimable cells: {note}"),
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
        if rhos.size == 0:
            return Outcome(measure, note=_join("no line with three finished runs in this run", left_out))
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


# --------------------------------------------------------------------------- the registry

# The paper's statements, in table order. The bootstrap streams of claims 2 and 3 keep the
# keys they had before keys carried their paper ("14.tanh", "14.relu", "15.chaotic").
CLAIMS: tuple[Claim[ClaimInputs], ...] = (
    # At initialisation (Section 3, Figures 1, 2, 7).
    # 1. Figure 1: the ordered phase.
    Claim(
        key="seed001.1.tanh",
        subject="Seed 001, tanh: std/mean of K(x,x) in the ordered phase, every depth",
        quote="when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
        source="Seed 001, Sec. 3, Fig. 1a",
        stated=None,
        rule="agrees when at most the first std/mean threshold",
        check=seed001_largest_std("tanh", "ordered", 0),
    ),
    Claim(
        key="seed001.1.relu",
        subject="Seed 001, ReLU: std/mean of K(x,x) in the ordered phase, every depth",
        quote="when σw² is small enough (ordered phase), the NTK variance is small and does not increase with depth L",
        source="Seed 001, Sec. 3, Fig. 1b",
        stated=None,
        rule="agrees when at most the first std/mean threshold",
        check=seed001_largest_std("relu", "ordered", 0),
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
        key="seed001.3.chaotic",
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
        rule="agrees when below the second std/mean threshold (std below the mean)",
        check=seed001_largest_std("tanh", "border", -1),
    ),
    Claim(
        key="seed001.4.relu",
        subject="Seed 001, ReLU: std/mean of K(x,x) on the border, every depth",
        quote="At the EOC, the variance of the NTK is a fraction of its mean even for very deep networks",
        source="Seed 001, Sec. 3",
        stated=None,
        rule="agrees when below the second std/mean threshold (std below the mean)",
        check=seed001_largest_std("relu", "border", -1),
    ),
    # 5. Shallow networks.
    Claim(
        key="seed001.5.tanh",
        subject="Seed 001, tanh: std/mean of K(x,x) of shallow networks, every σw²",
        quote="the NTK variance is small for sufficiently shallow NNs with any σw² value",
        source="Seed 001, Sec. 3",
        stated=None,
        rule="agrees when at most the first std/mean threshold",
        check=seed001_largest_std("tanh", "shallow", 0),
    ),
    Claim(
        key="seed001.5.relu",
        subject="Seed 001, ReLU: std/mean of K(x,x) of shallow networks, every σw²",
        quote="the NTK variance is small for sufficiently shallow NNs with any σw² value",
        source="Seed 001, Sec. 3",
        stated=None,
        rule="agrees when at most the first std/mean threshold",
        check=seed001_largest_std("relu", "shallow", 0),
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
    # 7. The transition sharpens with width.
    Claim(
        key="seed001.7.tanh",
        subject="Seed 001, tanh: share of the middle class (std comparable with the mean) against width",
        quote="as M grows, the vertical red region gets narrower, i.e. the transition becomes sharper",
        source="Seed 001, Sec. 3, Fig. 1a",
        stated=None,
        rule=f"agrees when ρ ≤ {RULES['decreasing_rho']:g}",
        check=seed001_sharpens("tanh"),
    ),
    Claim(
        key="seed001.7.relu",
        subject="Seed 001, ReLU: share of the middle class (std comparable with the mean) against width",
        quote="as M grows, the vertical red region gets narrower, i.e. the transition becomes sharper",
        source="Seed 001, Sec. 3, Fig. 1b",
        stated=None,
        rule=f"agrees when ρ ≤ {RULES['decreasing_rho']:g}",
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
    if not phase_files:
        return ClaimInputs()
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
        )
    )


__all__ = ["PAPER", "CLAIMS", "THRESHOLDS", "RULES", "ClaimInputs", "Seed001Data", "load_claim_inputs"]
