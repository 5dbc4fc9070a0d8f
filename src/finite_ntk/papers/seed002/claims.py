"""Seed 002's claims ("Revisiting the NTK: the role of large width and depth"), checked
against the regenerated data.

:data:`CLAIMS` holds one :class:`~finite_ntk.claims.Claim` per row, keyed
``"seed002.<claim number>.<part>"`` (rows 9-12 of the claims table before keys carried their
paper: old number minus 8). The paper's symbols and most of its numbers were lost in
extraction; the quotes keep the words that survive, and the only stated number is claim 2's
"a depth of 5". The measures are computed from seed 002's netCDFs (``data/<run>/seed002/``,
read by :func:`load_claim_inputs` into :class:`Seed002Data`) by
:mod:`finite_ntk.papers.seed002.report`:

1. the normalised deep kernel :math:`\\bar\\Theta^{(L)}` at its largest depth (Figures 4
   and 5): off-diagonal entries near :math:`1/4`, smallest eigenvalue near the limit's
   :math:`3/4`;
2. the smallest eigenvalue :math:`\\lambda_{\\min}` of the normalised NTK matrix at the
   stated depth 5 (Figure 7; points uniform on the sphere, the smallest input dimension d,
   as the paper's Example 2 asks): its fraction of the large-depth limit 3/4 at the largest
   n (``depth``), and its ratio between the largest and the smallest n (``size``);
3. the projection operator :math:`\\bar\\Theta^{-1}(I - e^{-t\\bar\\Theta})` of the normalised
   kernel (Figure 6, Theorem 3): how much a bounded stopping time lowers its norm at a fixed
   depth and the largest n (``stopping``), and how its unstopped norm grows with n at the
   depth scaled to n (``scaled``);
4. Table 1 (scaled): the log-log slopes against width of the single-neuron and the aggregate
   deviation of the last hidden layer;
5. Theorem 2's rate and Corollary 1's onset (the depth-rate figure, input pairs given by
   their gap :math:`1 - \\rho^{(0)}`): the limit of the normalised off-diagonal NTK extrapolated
   from :math:`N_L = a + (c\\log L + b)/L`, the spread of the rate c over pairs and decades, and
   the log-log slope of the onset depth against :math:`1 - \\rho^{(0)}` (Corollary 1: -1/2).

Rules and formats: :mod:`finite_ntk.claims`; the thresholds are :data:`THRESHOLDS`.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

from finite_ntk.claims import Claim, Outcome, Threshold, stated_number, verdict_of
from finite_ntk.papers.seed002.report import (
    ONSET_GAP,
    Stabilisation,
    depth_rate_summary,
    kernel_limit,
    stabilisation,
    stopping_effect,
    summarise_lazy,
)

PAPER = "seed002"


# --------------------------------------------------------------------------- thresholds


THRESHOLDS: Mapping[str, Threshold] = MappingProxyType(
    {
        "limit_equal": Threshold(
            0.01, "equal off-diagonal entries: largest $|\\bar\\Theta^{(L)} - 1/4|$ at the largest depth at most"
        ),
        "limit_invertible": Threshold(
            0.5, "invertible limit: smallest eigenvalue of the normalised NTK matrix at the largest depth at least"
        ),
        "stable_fraction": Threshold(
            0.5, "stabilised: $\\lambda_{\\min}$ at the stated depth, as a fraction of its limit 3/4, at least"
        ),
        "size_independent": Threshold(
            0.5, "independent of n: $\\lambda_{\\min}$ at the stated depth, largest n over smallest n, at least"
        ),
        "stopping_acts": Threshold(
            2.0, "stopping acts: unstopped over stopped norm of the projection operator at least"
        ),
        "scaled_bounded": Threshold(
            2.0, "bounded with depth scaled to n: unstopped norm at the largest n over the smallest n at most"
        ),
        "rate_limit": Threshold(
            1e-3, "limit: largest $|a - 1/4|$ of the fit $a + (c \\log L + b)/L$ on the last decade of depth at most"
        ),
        "rate_spread": Threshold(
            0.1, "one rate: spread (max - min) / median of c in $(N - 1/4)L = c\\log L + b$ at most"
        ),
        "onset_slope": Threshold(
            0.1, "onset: $|$log-log slope of the onset depth against $1 - \\rho^{(0)}$ $+ 1/2|$ at most"
        ),
        "vanishing_slope": Threshold(
            -0.25, "vanishes with width: log-log slope against width at most (aggregate: above)"
        ),
    }
)
RULES: dict[str, float] = {name: t.value for name, t in THRESHOLDS.items()}


# --------------------------------------------------------------------------- inputs


class Seed002Data(NamedTuple):
    """Seed 002's datasets (``data/<run>/seed002/``)."""

    convergence: Mapping[str, xr.Dataset]  # convergence_<name>.nc by name (synthetic, digits)
    projection: xr.Dataset  # projection.nc
    eigenvalues: xr.Dataset  # eigenvalues.nc
    lazy: Sequence[xr.Dataset]  # lazy/w<width>.nc
    depth_rate: xr.Dataset | None = None  # depth_rate.nc


class ClaimInputs(NamedTuple):
    """What seed 002's checks read; ``None`` where this run lacks it (the rows say n/a)."""

    data: Seed002Data | None = None


Check = Callable[[Claim[ClaimInputs], ClaimInputs], Outcome]
NO_SEED002 = "no seed-002 data in this run"


# --------------------------------------------------------------------------- checks

RULE_LIMIT_EQUAL = f"agrees when ≤ {RULES['limit_equal']:g}"
RULE_LIMIT_INVERTIBLE = f"agrees when ≥ {RULES['limit_invertible']:g} (the limit 3/4 I + 1/4 J, J all ones, has 3/4)"
RULE_STABLE_DEPTH = (
    f"agrees when ≥ {RULES['stable_fraction']:g}: at the stated depth λ_min has come at least that far towards its "
    "limit 3/4 (smallest d, largest n)"
)
RULE_SIZE_INDEPENDENT = (
    f"agrees when ≥ {RULES['size_independent']:g}: λ_min at the stated depth keeps at least that fraction of its "
    "value as n grows from the smallest to the largest size (smallest d)"
)
RULE_STOPPING_ACTS = (
    f"agrees when ≥ {RULES['stopping_acts']:g}: stopping lowers the norm at least that much (differs when stopping "
    "makes no difference)"
)
RULE_SCALED_BOUNDED = f"agrees when ≤ {RULES['scaled_bounded']:g}"
RULE_RATE_LIMIT = f"agrees when ≤ {RULES['rate_limit']:g}"
RULE_RATE = f"agrees when ≤ {RULES['rate_spread']:g} and c > 0 (one logarithmic rate c log L / L for every pair)"
RULE_ONSET = f"agrees when within {RULES['onset_slope']:g} of −1/2 (onset depth proportional to (1 − ρ0)^−1/2)"
RULE_VANISHES = f"agrees when the slope is ≤ {RULES['vanishing_slope']:g}"
RULE_PERSISTS = f"agrees when the slope is > {RULES['vanishing_slope']:g}"


def kernel_limit_check(part: str) -> Check:
    """Claim 1: at the largest depth of Figures 4 and 5, the normalised NTK's off-diagonal
    entries are all near 1/4 (``part='equal'``) and its matrix is invertible, with the
    smallest eigenvalue near the limit's 3/4 (``'invertible'``)."""
    measure = (
        "largest |normalised NTK − 1/4| over the pairs of Figures 4 and 5 at the largest depth"
        if part == "equal"
        else "smallest eigenvalue of the normalised NTK matrix of Figures 4 and 5 at the largest depth"
    )

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.data is None:
            return Outcome(measure, note=NO_SEED002)
        limit = kernel_limit(inputs.data.convergence)
        note = f"depth {limit.depth}; (1 − ρ) / (9 pi² / (2L²)) ≥ {limit.gap_ratio:.4g}"
        if part == "equal":
            ok = limit.largest_gap <= RULES["limit_equal"]
            return Outcome(measure, limit.largest_gap, verdict=verdict_of(ok), note=note)
        value = limit.smallest_eigenvalue
        return Outcome(measure, value, verdict=verdict_of(value >= RULES["limit_invertible"]), note=note)

    return check


def _readings_note(found: Stabilisation) -> str:
    """λ_min at the stated depth and the growth law's half-saturation depth, per d (largest n)."""
    largest = max(r.size for r in found.readings)
    parts = [
        f"d = {r.dimension}: λ_min = {r.value:.3g} ({100 * r.fraction:.3g}% of 3/4), L_1/2 = {r.half_depth:.3g}"
        for r in found.readings
        if r.size == largest
    ]
    return f"n = {largest}, depth {found.depth}: " + "; ".join(parts)


def eigenvalue_stabilises(part: str) -> Check:
    """Claim 2: "a depth of 5 stabilises the smallest eigenvalue", read at the stated depth in
    the setting of the paper's Example 2 (the smallest input dimension d of Figure 7):
    ``'depth'``, :math:`\\lambda_{\\min}` there as a fraction of its large-depth limit 3/4 at
    the largest n; ``'size'``, its ratio between the largest and the smallest n. The note
    gives every d and the growth law :math:`\\lambda_{\\min} \\approx \\tfrac34 L/(L + L_{1/2})`."""
    measure = (
        "λ_min of the normalised NTK at the stated depth / its limit 3/4 (smallest d, largest n)"
        if part == "depth"
        else "λ_min of the normalised NTK at the stated depth, largest n / smallest n (smallest d)"
    )

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.data is None:
            return Outcome(measure, note=NO_SEED002)
        stated, _ = stated_number(claim.stated)
        found = stabilisation(inputs.data.eigenvalues, int(stated))
        if found is None:
            return Outcome(measure, note=f"depth {int(stated)} not computed (seed002.eigenvalues.max_depth)")
        note = _readings_note(found)
        if part == "depth":
            ok = found.fraction >= RULES["stable_fraction"]
            return Outcome(measure, found.fraction, verdict=verdict_of(ok), note=f"d = {found.dimension}; " + note)
        sizes = sorted({r.size for r in found.readings})
        if len(sizes) < 2:
            return Outcome(measure, note="one data-set size only (seed002.eigenvalues.sizes)")
        ok = found.size_ratio >= RULES["size_independent"]
        note = f"d = {found.dimension}, n = {sizes[0]} to {sizes[-1]}; " + note
        return Outcome(measure, found.size_ratio, verdict=verdict_of(ok), note=note)

    return check


def stopping_acts(part: str) -> Check:
    """Claim 3 (Theorem 3, Figure 6), on the projection operator
    :math:`\\bar\\Theta^{-1}(I - e^{-t\\bar\\Theta})` of the normalised kernel, whose norm is
    :math:`(1 - e^{-t\\lambda_{\\min}})/\\lambda_{\\min}`: ``'stopping'``, the unstopped norm over
    the stopped one (smallest bounded t) at the fixed depth and the largest n, for the data set
    where stopping does least (it differs when stopping makes no difference); ``'scaled'``,
    the unstopped norm at the depth scaled to n (Corollary 1), largest n over smallest n, worst
    data set."""
    measure = (
        "unstopped / stopped norm of the projection operator (fixed depth, largest n, smallest t, worst data set)"
        if part == "stopping"
        else "unstopped norm of the projection operator at the depth scaled to n, largest n / smallest n (worst data set)"
    )

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.data is None:
            return Outcome(measure, note=NO_SEED002)
        effect = stopping_effect(inputs.data.projection)
        if part == "stopping":
            note = (
                f"{effect.dataset}, depth {effect.depth}, n = {effect.size}, t = {effect.stopping_time:g}: "
                f"{effect.unstopped:.3g} without stopping, {effect.stopped:.3g} with"
            )
            ok = effect.ratio >= RULES["stopping_acts"]
            return Outcome(measure, effect.ratio, verdict=verdict_of(ok), note=note)
        if len(inputs.data.projection["size"]) < 2:
            return Outcome(measure, note="one data-set size only (seed002.projection.sizes)")
        note = f"at the fixed depth {effect.depth} the same ratio is {effect.fixed_growth:.3g}"
        ok = effect.scaled_growth <= RULES["scaled_bounded"]
        return Outcome(measure, effect.scaled_growth, verdict=verdict_of(ok), note=note)

    return check


def lazy_slope(which: str) -> Check:
    """Claim 4: the log-log slope against width (every network of every width) of the mean
    single-neuron deviation (``'neuron'``: vanishes, slope at most ``vanishing_slope``), of the
    aggregate deviation of the last hidden layer (``'aggregate'``: does not vanish) or of the
    change of the inner product :math:`h_2(x)\\cdot h_2(x')` of two inputs during training
    (``'inner_product'``, Proposition 4: does not vanish)."""
    what = {
        "neuron": "the mean single-neuron deviation",
        "aggregate": "the aggregate deviation",
        "inner_product": "the change of h(x).h(x') (x, x' distinct)",
    }[which]
    measure = f"log-log slope of {what} of the last hidden layer against width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.data is None or len(inputs.data.lazy) < 2:
            return Outcome(measure, note="no seed-002 widths in this run")
        summary = summarise_lazy(inputs.data.lazy)
        slope, values = {
            "neuron": (summary.neuron_slope, summary.neuron),
            "aggregate": (summary.aggregate_slope, summary.aggregate),
            "inner_product": (summary.inner_product_slope, summary.inner_product),
        }[which]
        if not np.isfinite(slope.value):
            return Outcome(measure, note="the lazy-features files lack this measure")
        ok = slope.value <= RULES["vanishing_slope"] if which == "neuron" else slope.value > RULES["vanishing_slope"]
        note = (
            f"widths {int(summary.widths[0])} to {int(summary.widths[-1])}, {summary.networks} networks each: "
            f"{values[0]:.3g} to {values[-1]:.3g}"
        )
        if which == "inner_product":
            note += f"; the normalised Gram h.h'/n changes with slope {summary.gram_slope.value:.3g}"
        return Outcome(measure, slope.value, slope.lo, slope.hi, verdict_of(ok), note)

    return check


def depth_rate_check(part: str) -> Check:
    """Claim 5 (Theorem 2, Corollary 1), on the depth-rate data (:func:`.report.depth_rate_summary`):
    ``'limit'``, the largest distance to 1/4 of the extrapolated limit a; ``'rate'``, the
    relative spread of the rate c over pairs and decades past the onset (and c > 0);
    ``'onset'``, the log-log slope of the onset depth against :math:`1 - \\rho^{(0)}`."""
    measures = {
        "limit": "largest |a − 1/4|, N_L = a + (c log L + b)/L fitted on the last decade (pairs past the onset)",
        "rate": "(max − min) / median of the rate c of (N − 1/4) L = c log L + b over pairs and decades",
        "onset": "log-log slope of the onset depth (L²(1 − ρ) at half of 9 pi²/2) against 1 − ρ0",
    }
    measure = measures[part]

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.data is None or inputs.data.depth_rate is None:
            return Outcome(measure, note="no depth-rate data in this run")
        summary = depth_rate_summary(inputs.data.depth_rate)
        windows = ", ".join(f"{lo}-{hi}" for lo, hi in summary.decades)
        if part == "onset":
            slope = summary.onset_slope
            if not np.isfinite(slope.value):
                return Outcome(measure, note=f"fewer than two gaps up to {ONSET_GAP:g} reach their onset")
            ok = abs(slope.value + 0.5) <= RULES["onset_slope"]
            note = f"gaps up to {ONSET_GAP:g}; onset depth x √(1 − ρ0) = {summary.onset_constant:.3g} (median)"
            return Outcome(measure, slope.value, slope.lo, slope.hi, verdict_of(ok), note)
        if summary.fitted == 0:
            return Outcome(
                measure, note=f"no pair past its onset on the depths {windows} (seed002.depth_rate.max_depth)"
            )
        if part == "limit":
            note = f"{summary.fitted} pairs, depths {summary.decades[-1][0]}-{summary.decades[-1][1]}"
            return Outcome(
                measure, summary.limit_error, verdict=verdict_of(summary.limit_error <= RULES["rate_limit"]), note=note
            )
        ok = summary.rate_spread <= RULES["rate_spread"] and summary.rate > 0
        note = (
            f"c = {summary.rate:.4g} (median, last decade); {summary.fitted} pairs, depths {windows}; "
            f"L²(1 − ρ)/(9 pi²/2) ≥ {summary.plateau:.4g} at the largest depth"
        )
        return Outcome(measure, summary.rate_spread, verdict=verdict_of(ok), note=note)

    return check


# --------------------------------------------------------------------------- the registry

# The paper's statements, in table order (its symbols were lost in extraction; the quotes keep
# the words that survive). The only number in `stated` is claim 2's "a depth of 5".
CLAIMS: tuple[Claim[ClaimInputs], ...] = (
    # 1. Theorem 2: the normalised NTK tends to an invertible matrix with equal off-diagonal entries.
    Claim(
        key="seed002.1.equal",
        subject="Seed 002: normalised NTK off the diagonal at large depth (synthetic and digit points)",
        quote="the (normalized) infinite-width NTK approaches an invertible matrix",
        source="Seed 002, Sec. 2.3, Thm. 2",
        stated=None,
        rule=RULE_LIMIT_EQUAL,
        check=kernel_limit_check("equal"),
    ),
    Claim(
        key="seed002.1.invertible",
        subject="Seed 002: smallest eigenvalue of the normalised NTK matrix at large depth",
        quote="the (normalized) infinite-width NTK approaches an invertible matrix",
        source="Seed 002, Sec. 2.3, Thm. 2",
        stated=None,
        rule=RULE_LIMIT_INVERTIBLE,
        check=kernel_limit_check("invertible"),
    ),
    # 2. Figure 7: the smallest eigenvalue against depth.
    Claim(
        key="seed002.2.depth",
        subject="Seed 002: λ_min of the normalised NTK (points uniform on the sphere) at depth 5, against its limit",
        quote="For large values of n, a depth of 5 stabilizes the smallest eigenvalue",
        source="Seed 002, Sec. 6.4, Fig. 7",
        stated="5",
        rule=RULE_STABLE_DEPTH,
        check=eigenvalue_stabilises("depth"),
    ),
    Claim(
        key="seed002.2.size",
        subject="Seed 002: λ_min of the normalised NTK at depth 5 as the data set grows",
        quote="the smallest eigenvalue increases with depth, even as we increase the dataset size",
        source="Seed 002, Sec. 6.4, Fig. 7",
        stated="5",
        rule=RULE_SIZE_INDEPENDENT,
        check=eigenvalue_stabilises("size"),
    ),
    # 3. Figure 6 and Theorem 3: early stopping and depth scaled to the data set.
    Claim(
        key="seed002.3.stopping",
        subject="Seed 002: early stopping and the norm of the NTK predictor's projection operator",
        quote="it is possible to control the norm of the projection term using a proper stopping time and scaling the depth "
        "appropriately",
        source="Seed 002, Sec. 6.4, Fig. 6, Thm. 3",
        stated=None,
        rule=RULE_STOPPING_ACTS,
        check=stopping_acts("stopping"),
    ),
    Claim(
        key="seed002.3.scaled",
        subject="Seed 002: kernel regression's projection operator with depth scaled to the data set",
        quote="This collapse can be prevented by carefully scaling the depth as the size of the dataset increases",
        source="Seed 002, Sec. 2.3, Thm. 3 a), Cor. 1",
        stated=None,
        rule=RULE_SCALED_BOUNDED,
        check=stopping_acts("scaled"),
    ),
    # 4. Table 1 (scaled): the last hidden layer's deviation from initialisation.
    Claim(
        key="seed002.4.neuron",
        subject="Seed 002, Table 1 scaled: single-neuron deviation of the last hidden layer as width grows",
        quote="the individual neuron deviations are close to their initial value",
        source="Seed 002, Sec. 5, Table 1",
        stated=None,
        rule=RULE_VANISHES,
        check=lazy_slope("neuron"),
    ),
    Claim(
        key="seed002.4.aggregate",
        subject="Seed 002, Table 1 scaled: aggregate deviation of the last hidden layer as width grows",
        quote="the total aggregate deviation of the full hidden layer ... does not converge to 0",
        source="Seed 002, Sec. 5, Table 1",
        stated=None,
        rule=RULE_PERSISTS,
        check=lazy_slope("aggregate"),
    ),
    Claim(
        key="seed002.4.inner_product",
        subject="Seed 002, Proposition 4: change of the last hidden layer's inner product h(x).h(x') in training, "
        "against width",
        quote="The inner product is a strictly non-constant function of the training step ... as [n → ∞], the inner "
        "product is not constant with probability 1",
        source="Seed 002, Sec. 5, Prop. 4",
        stated=None,
        rule=RULE_PERSISTS,
        check=lazy_slope("inner_product"),
    ),
    # 5. Theorem 2's rate and Corollary 1's onset (the depth-rate figure).
    Claim(
        key="seed002.5.limit",
        subject="Seed 002: limit of the normalised off-diagonal NTK, extrapolated from its approach",
        quote="the limiting NTK of infinitely-wide fully-connected networks converges to the matrix [3/4 I + 1/4 J] "
        "after normalization",
        source="Seed 002, Sec. 6, Thm. 2",
        stated=None,
        rule=RULE_RATE_LIMIT,
        check=depth_rate_check("limit"),
    ),
    Claim(
        key="seed002.5.rate",
        subject="Seed 002: rate of approach of the normalised off-diagonal NTK to 1/4",
        quote="the off-diagonal component error is [O(log L / L)] ... The convergence rate to [1/4] is logarithmic",
        source="Seed 002, Sec. 6.4, Thm. 2",
        stated=None,
        rule=RULE_RATE,
        check=depth_rate_check("rate"),
    ),
    Claim(
        key="seed002.5.onset",
        subject="Seed 002: depth from which the rate shows, against the pair's correlation",
        quote="To observe the decay rate from Theorem 2, the depth should be much larger than [(1 − ρ0)^−1/2]",
        source="Seed 002, Sec. 6, Cor. 1",
        stated=None,
        rule=RULE_ONSET,
        check=depth_rate_check("onset"),
    ),
)


# --------------------------------------------------------------------------- reading the data


def _load(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def load_claim_inputs(files: Mapping[str, Sequence[str]], config: Mapping[str, Any]) -> ClaimInputs:
    """Seed 002's :class:`ClaimInputs` from its netCDF files: ``convergence`` (the
    ``convergence_<name>.nc`` files, keyed by their ``dataset`` attribute), ``projection``
    ([projection.nc]), ``eigenvalues`` ([eigenvalues.nc]) and ``lazy`` (the
    ``lazy/w<width>.nc`` files) and ``depth_rate`` ([depth_rate.nc]). Without convergence, projection or eigenvalues files (a run
    without seed 002) every row says n/a. The checks read no config."""
    convergence, projection, eigenvalues = (files.get(key, ()) for key in ("convergence", "projection", "eigenvalues"))
    if not (convergence and projection and eigenvalues):
        return ClaimInputs()
    return ClaimInputs(
        Seed002Data(
            convergence={str(ds.attrs["dataset"]): ds for ds in map(_load, convergence)},
            projection=_load(projection[0]),
            eigenvalues=_load(eigenvalues[0]),
            lazy=[_load(path) for path in files.get("lazy", ())],
            depth_rate=_load(files["depth_rate"][0]) if files.get("depth_rate") else None,
        )
    )


# Claim 2's stated depth ("a depth of 5 stabilizes the smallest eigenvalue"), where the
# report reads Figure 7.
STATED_DEPTH = int(stated_number(next(c for c in CLAIMS if c.key == "seed002.2.depth").stated)[0])

__all__ = ["PAPER", "STATED_DEPTH", "CLAIMS", "THRESHOLDS", "RULES", "ClaimInputs", "Seed002Data", "load_claim_inputs"]
