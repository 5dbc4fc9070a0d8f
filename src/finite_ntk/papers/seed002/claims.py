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
2. the depth from which the smallest eigenvalue :math:`\\lambda_{\\min}` stops growing by
   more than ``stable_eigenvalue`` per layer (Figure 7), against the stated depth;
3. the projection term :math:`\\Theta(x, X)\\Theta^{-1}(I - e^{-t\\Theta})` against depth
   (Figure 6): its largest norm relative to depth 1;
4. Table 1 (scaled): the log-log slopes against width of the single-neuron and the aggregate
   deviation of the last hidden layer.

Rules and formats: :mod:`finite_ntk.claims`; the thresholds are :data:`THRESHOLDS`.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import xarray as xr

from finite_ntk.claims import DIFFERS, Claim, Outcome, Threshold, stated_number, verdict_of
from finite_ntk.papers.seed002.report import kernel_limit, projection_growth, stabilisation_depth, summarise_lazy

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
        "stable_eigenvalue": Threshold(
            0.1, "stabilised: relative increase of $\\lambda_{\\min}$ per added layer below"
        ),
        "bounded_growth": Threshold(
            10.0, "bounded: largest projection-term norm over depth, relative to the smallest depth, at most"
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


class ClaimInputs(NamedTuple):
    """What seed 002's checks read; ``None`` where this run lacks it (the rows say n/a)."""

    data: Seed002Data | None = None


Check = Callable[[Claim[ClaimInputs], ClaimInputs], Outcome]
NO_SEED002 = "no seed-002 data in this run"


# --------------------------------------------------------------------------- checks

RULE_LIMIT_EQUAL = f"agrees when ≤ {RULES['limit_equal']:g}"
RULE_LIMIT_INVERTIBLE = f"agrees when ≥ {RULES['limit_invertible']:g} (the limit 3/4 I + 1/4 J, J all ones, has 3/4)"
RULE_STABLE_DEPTH = (
    f"agrees when our stabilisation depth (increase per layer < {100 * RULES['stable_eigenvalue']:g}% from there on) "
    "is at most the stated depth"
)
RULE_BOUNDED = f"agrees when ≤ {RULES['bounded_growth']:g}"
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


def eigenvalue_stabilises(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 2: the depth from which the smallest eigenvalue of the normalised NTK matrix
    (points uniform on the sphere, the largest data set of Figure 7) grows by less than
    ``stable_eigenvalue`` per added layer, against the stated depth."""
    measure = "depth from which λ_min of the normalised NTK grows by less than the threshold per layer (largest n)"
    if inputs.data is None:
        return Outcome(measure, note=NO_SEED002)
    found = stabilisation_depth(inputs.data.eigenvalues, RULES["stable_eigenvalue"])
    stated, _ = stated_number(claim.stated)
    last = int(inputs.data.eigenvalues["depth"].max())
    note = f"n = {found.size}; λ_min grows by {100 * found.increase_at_5:.3g}% from depth 5 to 6"
    if found.depth < 0:
        return Outcome(measure, verdict=DIFFERS, note=note + f"; not reached by depth {last}")
    return Outcome(measure, float(found.depth), verdict=verdict_of(found.depth <= stated), note=note)


def projection_bounded(claim: Claim, inputs: ClaimInputs) -> Outcome:
    """Claim 3: the projection term :math:`\\Theta(x, X)\\Theta^{-1}(I - e^{-t\\Theta})` of
    Figure 6 (unnormalised NTK on the sphere, so the stopping time grows with depth in the
    normalised kernel's units) stays bounded over depth: its largest norm over depths
    relative to the smallest depth, the worst over data sets and stopping times."""
    measure = "max over depth of the projection term's norm / its value at depth 1 (worst data set and stopping time)"
    if inputs.data is None:
        return Outcome(measure, note=NO_SEED002)
    growth = projection_growth(inputs.data.projection)
    depth = int(inputs.data.projection["depth"].max())
    note = f"largest norm {growth.largest:.3g}; {growth.last:.3g} at depth {depth}"
    return Outcome(measure, growth.growth, verdict=verdict_of(growth.growth <= RULES["bounded_growth"]), note=note)


def lazy_slope(which: str) -> Check:
    """Claim 4: the log-log slope against width of the mean single-neuron deviation
    (``'neuron'``: vanishes, slope at most ``vanishing_slope``) or of the aggregate
    deviation of the last hidden layer (``'aggregate'``: does not vanish)."""
    what = "mean single-neuron" if which == "neuron" else "aggregate"
    measure = f"log-log slope of the {what} deviation against width"

    def check(claim: Claim, inputs: ClaimInputs) -> Outcome:
        if inputs.data is None or len(inputs.data.lazy) < 2:
            return Outcome(measure, note="no seed-002 widths in this run")
        summary = summarise_lazy(inputs.data.lazy)
        slope = summary.neuron_slope if which == "neuron" else summary.aggregate_slope
        values = summary.neuron if which == "neuron" else summary.aggregate
        ok = slope.value <= RULES["vanishing_slope"] if which == "neuron" else slope.value > RULES["vanishing_slope"]
        note = f"widths {int(summary.widths[0])} to {int(summary.widths[-1])}: {values[0]:.3g} to {values[-1]:.3g}"
        return Outcome(measure, slope.value, slope.lo, slope.hi, verdict_of(ok), note)

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
        subject="Seed 002: depth at which λ_min of the normalised NTK (points uniform on the sphere) stabilises",
        quote="For large values of n, a depth of 5 stabilizes the smallest eigenvalue",
        source="Seed 002, Sec. 6.4, Fig. 7",
        stated="5",
        rule=RULE_STABLE_DEPTH,
        check=eigenvalue_stabilises,
    ),
    # 3. Figure 6 and Theorem 3: the projection term with a bounded stopping time.
    Claim(
        key="seed002.3.bounded",
        subject="Seed 002: norm of the NTK predictor's projection term against depth, bounded stopping times",
        quote="it is possible to control the norm of the projection term using a proper stopping time and scaling the depth "
        "appropriately",
        source="Seed 002, Sec. 6.4, Fig. 6",
        stated=None,
        rule=RULE_BOUNDED,
        check=projection_bounded,
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
)


# --------------------------------------------------------------------------- reading the data


def _load(path: str | Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def load_claim_inputs(files: Mapping[str, Sequence[str]], config: Mapping[str, Any]) -> ClaimInputs:
    """Seed 002's :class:`ClaimInputs` from its netCDF files: ``convergence`` (the
    ``convergence_<name>.nc`` files, keyed by their ``dataset`` attribute), ``projection``
    ([projection.nc]), ``eigenvalues`` ([eigenvalues.nc]) and ``lazy`` (the
    ``lazy/w<width>.nc`` files). Without convergence, projection or eigenvalues files (a run
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
        )
    )


__all__ = ["PAPER", "CLAIMS", "THRESHOLDS", "RULES", "ClaimInputs", "Seed002Data", "load_claim_inputs"]
