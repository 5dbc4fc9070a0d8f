"""Figure diff: a run's figures and the data behind them against a reference set.

Layout. A *run* is a figures directory (``figures/<run>/``: ``<stem>.png``, ``<stem>.pdf``)
and a data directory (``data/<run>/``: ``ntk_stats_<model>.nc``, ``training/*.nc``). A
*reference set* (``figures/reference/``) holds the figures of a full paper run and, under
``data/``, the netCDFs they were drawn from, in the same relative layout;
``finite-ntk-figdiff FIGURES REFERENCE --export`` writes one from a run.

The comparisons:

- **Data**, per netCDF and variable. A variable ``v`` that comes with bootstrap bounds
  ``v_lo``, ``v_hi`` is compared with a statistical tolerance: at every element, the
  differences of the estimate and of each bound must not exceed the sum of the two
  intervals' half-widths, ``(hi - lo)/2`` of the reference plus that of the run (two
  estimates of the same quantity from independent seeds pass; an edited value does not).
  Flags derived from such a variable (``saturated``) may change where their source is
  within tolerance. Every other variable and every coordinate is deterministic: it must be
  bit-identical or equal within floating-point round-off (:func:`roundoff_tolerance`: the
  same code on another CPU, BLAS or XLA build sums in another order), unless ``rtol``/
  ``atol`` widen that; integers, flags and strings must be equal exactly (NaN equals NaN).
  Attributes (versions, git revision) are ignored, except the run's ``precision``, which
  sets the round-off tolerance.
- **Declared comparisons.** Each data source declares how its files are compared
  (:class:`finite_ntk.comparison.Comparison` on :class:`finite_ntk.figures.Source`): the
  precision they were computed in (a float32 computation stored as float64 is compared at
  float32 round-off), per variable a relative tolerance where the computation amplifies
  round-off, an absolute floor where a value is zero up to round-off, another round-off
  floor (none, or another variable's scale), optionally only at some coordinates, and the
  round-off envelopes of training trajectories. Differences within a declaration are
  ``within round-off`` and the row names the declaration. Nothing here is per file.
- **Training trajectories**, when the source declares an envelope and the reference set
  holds the job's (``training/roundoff/<job>.nc``, :mod:`finite_ntk.papers.seed000.roundoff`):
  Adam carries another machine's rounding from a few ulp up to visible differences, so a variable along
  the training steps may differ at step ``t`` by up to ``TWIN_FACTOR`` times the relative
  separation a round-off twin of the job reached by ``t`` (the largest over the job's
  variables along the same steps: they are all functions of one parameter trajectory, and
  one twin's separation of a single scalar is a noisy measure of it), times the
  variable's scale, and still counts as ``within round-off``. The initial state, where
  the twin and the job coincide, keeps the plain round-off tolerance, so a changed
  initialisation, target or kernel still fails; a change made after the trajectories have
  separated, and smaller than that separation, cannot be told from round-off.
- **Pictures**, per PNG: byte-identical, or the fraction of pixels whose colour changes by
  more than ``pixel_threshold`` (0..1 on any channel), with the RMS difference.

Verdict per data variable: ``identical`` (bit for bit), ``within round-off`` (plain, or
declared by its source, or the envelope), ``within tolerance`` (bootstrap intervals, or
``rtol``/``atol``), ``differs`` (its metric: the largest difference where it differs),
``missing``.
Verdict per figure: ``identical`` (same bytes), ``same`` (changed pixels at most
``pixel_tolerance``), ``within round-off`` / ``within tolerance`` (pixels changed, but the
data behind the figure changed only within round-off / the bootstrap tolerance),
``differs`` (pixels changed and the data differ, or the data are bit-identical so the
drawing itself changed, or no data explain it) and ``missing``. Any ``differs`` or
``missing`` (figure or data) makes :func:`main` exit 1; the last line it prints says
``identical``, ``identical within round-off``, ``within tolerance`` or ``differs``
(:func:`verdict`).

Outputs in ``--out``: ``summary.tsv`` (one row per figure and per data variable),
``index.html`` (reference, run and difference side by side) and ``diff/<stem>.png``.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import html
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

from finite_ntk.comparison import DEFAULT as DEFAULT_COMPARISON
from finite_ntk.comparison import ENVELOPE_DIR, FLOOR_ARRAY, FLOOR_NONE, Comparison, Tolerance
from finite_ntk.figures import Source
from finite_ntk.papers import FIGURES, SOURCES

IDENTICAL = "identical"
SAME = "same"
ROUNDOFF = "within round-off"
WITHIN = "within tolerance"
DIFFERS = "differs"
MISSING = "missing"
FAILING = (DIFFERS, MISSING)

# Data files each figure is drawn from (patterns relative to the data directory), from the
# figure registry.
FIGURE_DATA: dict[str, tuple[str, ...]] = {figure.name: figure.data_patterns(SOURCES) for figure in FIGURES}
# The netCDFs compared and exported (relative to the data directory): every source's.
DATA_PATTERNS: tuple[str, ...] = tuple(
    dict.fromkeys(pattern for source in SOURCES.values() for pattern in source.files)
)
# Flags computed from an estimate: allowed to change where the estimate is within tolerance.
DERIVED_FROM: dict[str, str] = {"saturated": "second_moment_ratio"}
BOUND_SUFFIXES = ("_lo", "_hi")

# Round-off tolerance for deterministic floating-point data (see roundoff_tolerance).
# Unchanged code on another machine reorders sums (SIMD width, FMA, BLAS/LAPACK blocking,
# XLA code generation) and so differs by a few units in the last place of the array's
# scale: measured across two CPUs, predictions 2.5e-7 on values ~1 in float32 (2 ulp),
# eigenvalues 4e-14 on lambda_max ~ 1e2 in float64 (under 1 ulp), condition numbers 7e-12
# on 4e4 (1 ulp). 128 ulp leaves a factor ~50 for longer reduction chains and for round-off
# carried through training, yet is far below a real change: rtol = 128 eps is 1.5e-5 in
# float32 and 2.8e-14 in float64, so a 1e-3 relative edit fails in either.
ROUNDOFF_ULPS = 128
# The absolute floor is rtol times the array's largest magnitude: values near zero
# (eigenvalues at the bottom of a spectrum, predictions at a zero crossing, kernel entries)
# come out of cancellations between terms of the array's scale, so their error is
# eps x scale, not eps x |value| (Weyl: |d lambda| <= |dK|_2 ~ eps |K|).
# A source may declare another floor per variable (finite_ntk.comparison.Tolerance.floor):
# none for closed forms spanning many decades (seed 000's theory_*), or another variable's
# scale (a smallest eigenvalue's is the largest one). Estimates with bootstrap bounds get no
# floor (their tolerance is the intervals; round-off matters only where an interval has
# zero width, and relative_delta_k of the PINN spans 1e-11 .. 1e34).

# Training trajectories (module docstring): the round-off envelope of a training file
# ``<dir>/<job>.nc`` is ``<dir>/<envelope>/<job>.nc`` in the reference's data, for the
# sources that declare ``envelope`` (finite_ntk.comparison.ENVELOPE_DIR). The twin's
# noise is one draw of a rounding: another machine's run of the paper config separated up
# to 4.2 times further than the (pooled) twin did at some step, and 16 leaves a margin
# (figures/reference/README.md).
TWIN_FACTOR = 16.0


def _envelope_patterns(sources: Mapping[str, Source]) -> tuple[str, ...]:
    """Where the declared envelopes of the sources' files lie (``training/roundoff/fnn_*.nc``)."""
    patterns = (
        f"{os.path.dirname(p)}/{s.comparison.envelope}/{os.path.basename(p)}"
        if os.path.dirname(p)
        else f"{s.comparison.envelope}/{p}"
        for s in sources.values()
        if s.comparison.envelope
        for p in s.files
    )
    return tuple(dict.fromkeys(patterns))


ENVELOPE_PATTERNS: tuple[str, ...] = _envelope_patterns(SOURCES)  # seed 000's training jobs, not ntk_init


def comparison_for(rel: str, sources: Mapping[str, Source] = SOURCES) -> Comparison:
    """The declared comparison of data file ``rel`` (relative to the data directory): that of
    the sources whose patterns match it (they must agree), else the plain round-off."""
    found = {name: s.comparison for name, s in sources.items() if any(fnmatch.fnmatchcase(rel, p) for p in s.files)}
    distinct = [c for i, c in enumerate(found.values()) if c not in list(found.values())[:i]]
    if len(distinct) > 1:
        raise ValueError(f"data file {rel}: its sources {', '.join(found)} declare different comparisons")
    return distinct[0] if distinct else DEFAULT_COMPARISON


@dataclass
class Row:
    """One line of the summary: a figure or a data variable."""

    kind: str  # "figure" or "data"
    name: str  # figure stem, or "<file>:<variable>"
    status: str
    metric: str = ""
    value: float = float("nan")
    tolerance: str = ""
    detail: str = ""


# --------------------------------------------------------------------------- data


def _equal_exact(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise equality (NaN == NaN); numeric arrays within rtol/atol when given."""
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        both_nan = np.isnan(a) & np.isnan(b)
        if rtol == 0 and atol == 0:
            return both_nan | (a == b)
        with np.errstate(invalid="ignore"):
            return both_nan | np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    if a.dtype.kind in "iub" and b.dtype.kind in "iub":
        return a == b
    return np.asarray(a.astype(str) == b.astype(str))


def _float_dtype(value: object) -> np.dtype | None:
    """``value`` as a floating dtype (a dtype, or a name such as 'float32'), else None."""
    try:
        dtype = np.dtype(value)  # type: ignore[call-overload]
    except TypeError:
        return None
    return dtype if dtype.kind in "fc" else None


def run_precision(*datasets: xr.Dataset) -> np.dtype | None:
    """The coarsest floating precision recorded in the datasets' ``precision`` attribute."""
    return _coarsest(*(ds.attrs.get("precision") for ds in datasets))


def _coarsest(*values: object) -> np.dtype | None:
    """The coarsest floating dtype among ``values`` (dtypes or names; others ignored)."""
    found = [d for d in (_float_dtype(v) for v in values if v is not None) if d is not None]
    return max(found, key=lambda d: np.finfo(d).eps) if found else None


@dataclass(frozen=True)
class RoundOff:
    """Tolerance of one array: ``|a - b| <= atol + rtol * max(|a|, |b|)`` (round-off), or
    within the source's ``declared`` tolerance where ``declared_mask`` is True (None:
    everywhere; see :class:`finite_ntk.comparison.Tolerance`)."""

    rtol: float
    atol: float
    precision: str
    floor_of: str = ""  # the variable whose largest magnitude sets the floor, if not the array's
    declared: Tolerance = Tolerance()
    declared_mask: np.ndarray | None = field(default=None, compare=False, repr=False)

    def describe(self, declared: bool = True) -> str:
        """The tolerance in words; with the declared part when ``declared`` and it adds one."""
        floor = f", atol={self.atol:.3g} (rtol x max|{self.floor_of or 'value'}|)" if self.atol else ""
        text = f"round-off: rtol={self.rtol:.3g} ({ROUNDOFF_ULPS} ulp of {self.precision}){floor}"
        extra = self.declared.describe() if declared else ""
        return text + (f"; {extra}" if extra else "")


def roundoff_tolerance(
    name: str,
    a: np.ndarray,
    b: np.ndarray,
    precision: np.dtype | None = None,
    floor: bool = True,
    declared: Tolerance = Tolerance(),
    scale: float = 0.0,
) -> RoundOff | None:
    """The round-off tolerance for comparing floating arrays ``a`` and ``b`` of variable
    ``name`` (None for integers, flags and strings, which must be equal exactly).

    ``rtol = ROUNDOFF_ULPS * eps`` with ``eps`` of the coarsest of the two dtypes and of the
    precision the values were computed in: the variable's declared one (``declared.precision``)
    if any, else the run's (``precision``: the file's attribute or its source's declaration);
    a float64 value computed from float32 data (eigenvalues of a float32 kernel) carries
    float32 round-off. ``atol = rtol * max|a|, |b|`` over the finite values, so elements near
    zero are judged on the array's scale, or on ``scale`` (another variable's largest
    magnitude, ``declared.floor``) where that is larger; none with ``floor=False`` or a
    declared ``FLOOR_NONE``. The declared ``rtol``/``atol`` travel with the result (``_within``)."""
    dtypes = [d for d in (_float_dtype(a.dtype), _float_dtype(b.dtype)) if d is not None]
    if not dtypes or a.dtype.kind not in "fciu" or b.dtype.kind not in "fciu":
        return None
    own = _float_dtype(declared.precision) if declared.precision else None
    coarsest = _coarsest(*dtypes, own if own is not None else precision)
    assert coarsest is not None
    rtol = ROUNDOFF_ULPS * float(np.finfo(coarsest).eps)
    atol = 0.0
    floor_of = ""
    if floor and declared.floor != FLOOR_NONE:
        magnitudes = np.concatenate([_as_float(x).ravel() for x in (a, b)])
        magnitudes = np.abs(magnitudes[np.isfinite(magnitudes)])
        own_scale = _largest(magnitudes)
        atol = rtol * max(own_scale, scale)
        floor_of = declared.floor if declared.floor != FLOOR_ARRAY and scale > own_scale else ""
    return RoundOff(rtol, atol, np.finfo(coarsest).dtype.name, floor_of, declared)


class Check(NamedTuple):
    """A deterministic array against its reference: the tolerance (None: exact), elementwise
    ok, |diff| / allowed, and ok by plain round-off alone (without the declared part)."""

    tolerance: RoundOff | None
    ok: np.ndarray
    ratio: np.ndarray
    plain: np.ndarray


def _within(a: np.ndarray, b: np.ndarray, tolerance: RoundOff) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elementwise (ok, |a - b| / allowed, ok by round-off alone): equal (NaN == NaN, inf ==
    inf) or within ``tolerance``; the ratio is 0 where equal and inf where not finite."""
    x, y = _as_float(a), _as_float(b)
    declared = tolerance.declared
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        equal = (x == y) | (np.isnan(x) & np.isnan(y))
        magnitude = np.maximum(np.abs(x), np.abs(y))
        plain_allowed = tolerance.atol + tolerance.rtol * magnitude
        allowed = plain_allowed
        if declared.rtol or declared.atol:
            extra = declared.atol + declared.rtol * magnitude
            if tolerance.declared_mask is not None:
                extra = np.where(tolerance.declared_mask, extra, 0.0)
            allowed = np.maximum(plain_allowed, extra)
        diff = np.abs(x - y)
        ok = equal | (diff <= allowed)
        plain = equal | (diff <= plain_allowed)
        ratio = np.where(equal, 0.0, diff / allowed)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    return ok, ratio, plain


def _as_float(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    return values.astype(np.complex128 if values.dtype.kind == "c" else np.float64)


def _largest(values: np.ndarray) -> float:
    return float(np.max(values)) if values.size else 0.0


def _declared_mask(array: xr.DataArray, tolerance: Tolerance) -> np.ndarray | None:
    """Where ``tolerance.where`` puts the elements of ``array`` (None: everywhere); nowhere if
    the array lacks one of its dimensions."""
    if not tolerance.where:
        return None
    mask = np.ones(array.shape, dtype=bool)
    for dim, values in tolerance.where.items():
        if dim not in array.dims:
            return np.zeros(array.shape, dtype=bool)
        labels = array[dim].values if dim in array.coords else np.arange(array.sizes[dim])
        shape = [1] * array.ndim
        shape[array.dims.index(dim)] = -1
        mask &= np.isin(labels, np.asarray(values)).reshape(shape)
    return mask


def _scale_of(floor: str, ref: xr.Dataset, new: xr.Dataset) -> float:
    """The largest finite magnitude of variable ``floor`` in either dataset (0 for the floors
    FLOOR_ARRAY and FLOOR_NONE, or a variable that is not there)."""
    if floor in (FLOOR_ARRAY, FLOOR_NONE) or floor not in ref.variables or floor not in new.variables:
        return 0.0
    values = np.concatenate([_as_float(ds[floor].values).ravel() for ds in (ref, new)])
    return _largest(np.abs(values[np.isfinite(values)]))


def _within_intervals(ref: xr.Dataset, new: xr.Dataset, name: str, rtol: float = 0.0) -> tuple[np.ndarray, float]:
    """Elementwise: are the estimate and both bounds within the sum of the half-widths
    (plus their round-off, ``rtol`` x the larger magnitude, for intervals of zero width)?
    Returns the mask and the largest |difference| / tolerance (the 'tolerance ratio')."""
    r, rl, rh = (ref[name + s].values.astype(np.float64) for s in ("", "_lo", "_hi"))
    n, nl, nh = (new[name + s].values.astype(np.float64) for s in ("", "_lo", "_hi"))
    half_widths = 0.5 * (rh - rl) + 0.5 * (nh - nl)
    ok = np.ones(r.shape, dtype=bool)
    worst = 0.0
    for a, b in ((r, n), (rl, nl), (rh, nh)):
        both_nan = np.isnan(a) & np.isnan(b)
        diff = np.abs(a - b)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            tolerance = half_widths + rtol * np.maximum(np.abs(a), np.abs(b))
            this_ok = both_nan | (diff <= tolerance) | (diff == 0)
            ratio = np.where(both_nan | (diff == 0), 0.0, diff / tolerance)
        ok &= this_ok
        finite = ratio[np.isfinite(ratio)]
        if finite.size:
            worst = max(worst, float(finite.max()))
        if np.any(~np.isfinite(ratio) & ~both_nan & (diff != 0)):
            worst = float("inf")
    return ok, worst


def _where(array: xr.DataArray, mask: np.ndarray, limit: int = 3) -> str:
    """The coordinates of the first elements where ``mask`` is False."""
    bad = np.argwhere(~mask)
    parts = []
    for index in bad[:limit]:
        labels = []
        for dim, i in zip(array.dims, index):
            coord = array[dim].values[i] if dim in array.coords else i
            labels.append(f"{dim}={coord}")
        parts.append("(" + ", ".join(labels) + ")")
    more = f" and {len(bad) - limit} more" if len(bad) > limit else ""
    return ", ".join(parts) + more


def _roundoff_check(
    name: str,
    a: np.ndarray,
    b: np.ndarray,
    precision: np.dtype | None,
    roundoff: bool,
    floor: bool = True,
    declared: Tolerance = Tolerance(),
    scale: float = 0.0,
    mask: np.ndarray | None = None,
) -> Check:
    """A deterministic array against its reference (:class:`Check`); the tolerance is None
    (and the mask exact equality) for non-float data or ``roundoff=False``."""
    tolerance = roundoff_tolerance(name, a, b, precision, floor, declared, scale) if roundoff else None
    if tolerance is None:
        exact = _equal_exact(a, b, 0.0, 0.0)
        return Check(None, exact, np.where(exact, 0.0, np.inf), exact)
    if mask is not None:
        tolerance = replace(tolerance, declared_mask=mask)
    ok, ratio, plain = _within(a, b, tolerance)
    return Check(tolerance, ok, ratio, plain)


def _roundoff_words(check: Check, changed: int, size: int) -> tuple[str, str, str]:
    """(metric, tolerance, detail) of a row within round-off, naming the declared tolerance
    where plain round-off alone would not have done."""
    assert check.tolerance is not None
    beyond = int(np.sum(~check.plain))
    if not beyond:
        return (
            "max |diff| / round-off tolerance",
            check.tolerance.describe(declared=False),
            (f"{changed} of {size} values changed, only by round-off"),
        )
    return (
        "max |diff| / allowed",
        check.tolerance.describe(),
        (f"{changed} of {size} values changed, {beyond} beyond plain round-off but within the declared tolerance"),
    )


def compare_datasets(
    ref: xr.Dataset,
    new: xr.Dataset,
    label: str,
    rtol: float = 0.0,
    atol: float = 0.0,
    roundoff: bool = True,
    envelope: xr.Dataset | None = None,
    comparison: Comparison | None = None,
) -> list[Row]:
    """Rows for every coordinate and variable of two datasets (see module docstring).
    ``roundoff=False`` asks for bit-identical deterministic data (same machine);
    ``envelope``: the reference's round-off envelope of a training job (ignored then);
    ``comparison``: how they are compared (default: the declaration of the source whose
    files match ``label``, :func:`comparison_for`)."""
    rows: list[Row] = []
    comparison = comparison_for(label) if comparison is None else comparison
    precision = _coarsest(run_precision(ref, new), comparison.precision)
    # Coordinates: bit-identical, or floating values within round-off.
    for name in sorted(set(ref.coords) | set(new.coords)):
        if name not in ref.coords or name not in new.coords:
            where = "run" if name in new.coords else "reference"
            rows.append(Row("data", f"{label}:{name}", DIFFERS, detail=f"coordinate only in {where}"))
            continue
        a, b = ref[name].values, new[name].values
        if a.shape != b.shape:
            rows.append(
                Row("data", f"{label}:{name}", DIFFERS, detail=f"coordinate values differ ({a.shape} vs {b.shape})")
            )
            continue
        if np.all(_equal_exact(a, b, 0.0, 0.0)):
            continue
        check = _roundoff_check(name, a, b, precision, roundoff)
        if check.tolerance is not None and np.all(check.ok):
            changed = int(np.sum(~_equal_exact(a, b, 0.0, 0.0)))
            rows.append(
                Row(
                    "data",
                    f"{label}:{name}",
                    ROUNDOFF,
                    "max |diff| / round-off tolerance",
                    _largest(check.ratio),
                    check.tolerance.describe(declared=False),
                    f"{changed} of {a.size} coordinate values changed, only by round-off",
                )
            )
        else:
            where = ", ".join(str(v) for v in a[~check.ok][:3])
            detail = f"{int(np.sum(~check.ok))} of {a.size} coordinate values differ (reference values {where})"
            rows.append(
                Row(
                    "data",
                    f"{label}:{name}",
                    DIFFERS,
                    tolerance=check.tolerance.describe(declared=False) if check.tolerance else "exact",
                    detail=detail,
                )
            )
    variables = sorted(set(ref.data_vars) | set(new.data_vars))
    with_bounds = {
        v
        for v in variables
        if v in ref.data_vars
        and v in new.data_vars
        and all(v + s in ref.data_vars and v + s in new.data_vars for s in BOUND_SUFFIXES)
    }
    bounds = {v + s for v in with_bounds for s in BOUND_SUFFIXES}
    tolerance_masks: dict[str, np.ndarray] = {}
    derived = [v for v in variables if v in DERIVED_FROM and DERIVED_FROM[v] in with_bounds]
    for name in [v for v in variables if v not in bounds and v not in derived] + derived:
        full = f"{label}:{name}"
        if name not in ref.data_vars or name not in new.data_vars:
            rows.append(
                Row("data", full, MISSING, detail="only in " + ("run" if name in new.data_vars else "reference"))
            )
            continue
        a, b = ref[name], new[name]
        if a.dims != b.dims or a.shape != b.shape:
            rows.append(Row("data", full, DIFFERS, detail=f"dimensions {a.dims}{a.shape} vs {b.dims}{b.shape}"))
            continue
        declared = comparison.tolerance(name)
        mask = _declared_mask(a, declared)
        exact = _equal_exact(a.values, b.values, 0.0, 0.0)
        if name in with_bounds:
            parts = [(a.values, b.values)] + [(ref[name + s].values, new[name + s].values) for s in BOUND_SUFFIXES]
            if all(np.all(_equal_exact(x, y, 0.0, 0.0)) for x, y in parts):
                rows.append(Row("data", full, IDENTICAL, "max |diff| / tolerance", 0.0, "bootstrap half-widths"))
                tolerance_masks[name] = np.ones(a.shape, bool)
                continue
            # Estimate and bounds all within round-off: the same numbers from another machine.
            checks = [_roundoff_check(name, x, y, precision, roundoff, False, declared, mask=mask) for x, y in parts]
            if all(c.tolerance is not None and np.all(c.ok) for c in checks):
                changed = int(np.sum(~exact))
                merged = Check(
                    checks[0].tolerance,
                    checks[0].ok,
                    np.maximum.reduce([c.ratio for c in checks]),
                    np.logical_and.reduce([c.plain for c in checks]),
                )
                metric, words, detail = _roundoff_words(merged, changed, exact.size)
                rows.append(Row("data", full, ROUNDOFF, metric, _largest(merged.ratio), words, detail))
                tolerance_masks[name] = np.ones(a.shape, bool)
                continue
            first = checks[0].tolerance
            ok, worst = _within_intervals(ref, new, name, first.rtol if first is not None else 0.0)
            tolerance_masks[name] = ok
            if np.all(ok):
                rows.append(
                    Row(
                        "data",
                        full,
                        WITHIN,
                        "max |diff| / tolerance",
                        worst,
                        "bootstrap half-widths",
                        f"{int(np.sum(~exact))} of {exact.size} values changed",
                    )
                )
            else:
                rows.append(
                    Row(
                        "data",
                        full,
                        DIFFERS,
                        "max |diff| / tolerance",
                        worst,
                        "bootstrap half-widths",
                        f"{int(np.sum(~ok))} of {ok.size} beyond tolerance at {_where(a, ok)}",
                    )
                )
            continue
        if np.all(exact):
            rows.append(Row("data", full, IDENTICAL, tolerance="exact"))
            continue
        if name in derived:
            # A flag computed from an estimate may change where that estimate is within tolerance.
            source = DERIVED_FROM[name]
            source_ok = tolerance_masks.get(source, np.zeros(exact.shape, bool))
            if source_ok.shape == exact.shape and np.all(source_ok[~exact]):
                rows.append(
                    Row(
                        "data",
                        full,
                        WITHIN,
                        tolerance=f"follows {source}",
                        detail=f"{int(np.sum(~exact))} flags changed where {source} is within tolerance",
                    )
                )
            else:
                rows.append(
                    Row(
                        "data",
                        full,
                        DIFFERS,
                        tolerance=f"follows {source}",
                        detail=f"flags changed where {source} differs, at {_where(a, exact)}",
                    )
                )
            continue
        changed = int(np.sum(~exact))
        scale = _scale_of(declared.floor, ref, new)
        check = _roundoff_check(name, a.values, b.values, precision, roundoff, True, declared, scale, mask)
        tolerance, close, ratio = check.tolerance, check.ok, check.ratio
        if tolerance is not None and np.all(close):
            metric, words, detail = _roundoff_words(check, changed, exact.size)
            rows.append(Row("data", full, ROUNDOFF, metric, _largest(ratio), words, detail))
            continue
        if tolerance is not None and envelope is not None and name in envelope.data_vars:
            trajectory = _within_envelope(a, b, _pooled_envelope(envelope, envelope[name].dims), tolerance, close)
            if trajectory is not None:
                rows.append(
                    Row(
                        "data",
                        full,
                        ROUNDOFF,
                        "max |diff| / allowed",
                        trajectory[0],
                        trajectory[1],
                        f"{changed} of {exact.size} values changed; {trajectory[2]}",
                    )
                )
                continue
        described = tolerance.describe() if tolerance is not None else "exact"
        if rtol or atol:
            close |= _equal_exact(a.values, b.values, rtol, atol)
            if np.all(close):
                rows.append(
                    Row(
                        "data",
                        full,
                        WITHIN,
                        tolerance=f"rtol={rtol:g}, atol={atol:g}",
                        detail=f"{changed} of {exact.size} values changed",
                    )
                )
                continue
            described += f"; rtol={rtol:g}, atol={atol:g}"
        detail = f"{int(np.sum(~close))} of {close.size} values differ at {_where(a, close)}"
        if a.dtype.kind in "fc":
            with np.errstate(invalid="ignore"):
                diff = np.abs(_as_float(a.values) - _as_float(b.values))[~close]  # where they differ
            finite = diff[np.isfinite(diff)]
            if tolerance is not None:
                detail += f"; max |diff| / allowed {_largest(ratio[~close]):.3g}"
            rows.append(
                Row(
                    "data",
                    full,
                    DIFFERS,
                    "max |diff|",
                    float(finite.max()) if finite.size else float("nan"),
                    described,
                    detail,
                )
            )
        else:
            rows.append(Row("data", full, DIFFERS, tolerance=described, detail=detail))
    return rows


def _pooled_envelope(envelope: xr.Dataset, dims: tuple[str, ...]) -> xr.DataArray:
    """The largest separation, step by step, over the envelope's variables along ``dims``."""
    return xr.concat([v for v in envelope.data_vars.values() if v.dims == dims], dim="variable").max("variable")


def _within_envelope(
    ref: xr.DataArray, new: xr.DataArray, envelope: xr.DataArray, tolerance: RoundOff, close: np.ndarray
) -> tuple[float, str, str] | None:
    """(max |diff| / allowed, tolerance words, where the trajectories separate) if the
    run's trajectory stays within the round-off grown by training (module docstring),
    else None. ``close``: the elements within plain round-off."""
    dim = ref.dims[0] if ref.dims else None
    if dim is None or envelope.dims != (dim,) or envelope.sizes[dim] != ref.sizes[dim]:
        return None
    if dim in ref.coords and dim in envelope.coords and not np.array_equal(ref[dim].values, envelope[dim].values):
        return None
    a, b = _as_float(ref.values), _as_float(new.values)
    finite = np.isfinite(a)
    scale = _largest(np.abs(a[finite]))
    shape = (-1,) + (1,) * (a.ndim - 1)
    grown = TWIN_FACTOR * envelope.values.astype(np.float64).reshape(shape) * scale
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        allowed = np.maximum(tolerance.atol + tolerance.rtol * np.maximum(np.abs(a), np.abs(b)), grown)
        diff = np.abs(a - b)
        ok = close | (diff <= allowed)
        ratio = np.where(close, 0.0, diff / allowed)
    if not np.all(ok):
        return None
    separated = np.flatnonzero(~close.reshape(close.shape[0], -1).all(axis=1))
    label = ref[dim].values[separated[0]] if dim in ref.coords else separated[0]
    words = f"{tolerance.describe()}, or {TWIN_FACTOR:g} x the round-off twin's separation by that step"
    return (
        _largest(ratio[np.isfinite(ratio)]),
        words,
        f"beyond plain round-off from {dim} {label}, within what training makes of round-off",
    )


def data_files(directory: Path, patterns: Sequence[str] = DATA_PATTERNS) -> list[str]:
    """Relative posix paths of the data files under ``directory`` matching ``patterns``."""
    if not directory.is_dir():
        return []
    found = set()
    for pattern in patterns:
        found.update(p.relative_to(directory).as_posix() for p in directory.glob(pattern) if p.is_file())
    return sorted(found)


def envelope_file(rel: str, directory: str = ENVELOPE_DIR) -> str:
    """``training/fnn_w32_d1.nc`` -> ``training/roundoff/fnn_w32_d1.nc``."""
    head, tail = os.path.split(rel)
    return os.path.join(head, directory, tail) if head else os.path.join(directory, tail)


def _combined(statuses: Iterable[str]) -> str:
    """The overall status of several rows: differs > within tolerance > within round-off > identical."""
    statuses = set(statuses)
    if statuses & set(FAILING):
        return DIFFERS
    return WITHIN if WITHIN in statuses else ROUNDOFF if ROUNDOFF in statuses else IDENTICAL


def compare_data(
    ref_dir: Path, new_dir: Path, rtol: float = 0.0, atol: float = 0.0, roundoff: bool = True
) -> tuple[list[Row], dict[str, str]]:
    """Rows for every data file of either directory, and each file's overall status; each
    file compared as its source declares (:func:`comparison_for`)."""
    rows: list[Row] = []
    status: dict[str, str] = {}
    ref_files, new_files = set(data_files(ref_dir)), set(data_files(new_dir))
    for rel in sorted(ref_files | new_files):
        if rel not in ref_files or rel not in new_files:
            where = "run" if rel in new_files else "reference"
            rows.append(Row("data", rel, MISSING, detail=f"file only in the {where}"))
            status[rel] = MISSING
            continue
        comparison = comparison_for(rel)
        envelope = None
        if roundoff and comparison.envelope:
            envelope_path = ref_dir / envelope_file(rel, comparison.envelope)
            if envelope_path.is_file():
                with xr.open_dataset(envelope_path) as opened:
                    envelope = opened.load()
        with xr.open_dataset(ref_dir / rel) as ref, xr.open_dataset(new_dir / rel) as new:
            file_rows = compare_datasets(ref.load(), new.load(), rel, rtol, atol, roundoff, envelope, comparison)
        rows.extend(file_rows)
        status[rel] = _combined(r.status for r in file_rows)
    return rows, status


# --------------------------------------------------------------------------- pictures


def load_png(path: Path) -> np.ndarray:
    """RGBA float image in [0, 1] (alpha composited onto white), shape (h, w, 3)."""
    from PIL import Image

    with Image.open(path) as image:
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float64) / 255.0
    alpha = rgba[..., 3:4]
    return rgba[..., :3] * alpha + (1.0 - alpha)


def _pad(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.ones(shape + (3,), dtype=np.float64)
    out[: image.shape[0], : image.shape[1]] = image
    return out


def pixel_difference(ref: np.ndarray, new: np.ndarray, threshold: float) -> tuple[float, float, np.ndarray]:
    """(fraction of pixels changed by more than ``threshold`` on any channel, RMS
    difference, boolean mask of changed pixels); images of different size are padded
    with white and every padded pixel counts as changed."""
    shape = (max(ref.shape[0], new.shape[0]), max(ref.shape[1], new.shape[1]))
    a, b = _pad(ref, shape), _pad(new, shape)
    diff = np.abs(a - b)
    mask = diff.max(axis=2) > threshold
    if ref.shape[:2] != new.shape[:2]:
        mask[ref.shape[0] :, :] = mask[:, ref.shape[1] :] = True
        mask[new.shape[0] :, :] = mask[:, new.shape[1] :] = True
    return float(mask.mean()), float(np.sqrt(np.mean(diff**2))), mask


def write_diff_png(ref: np.ndarray, new: np.ndarray, mask: np.ndarray, path: Path) -> None:
    """The run's image faded to grey with the changed pixels in red (no metadata)."""
    from PIL import Image

    shape = mask.shape
    base = _pad(new, shape).mean(axis=2, keepdims=True)
    picture = np.repeat(0.75 + 0.25 * base, 3, axis=2)
    picture[mask] = (0.85, 0.0, 0.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.round(picture * 255).astype(np.uint8), "RGB").save(path, format="PNG", optimize=False)


def figure_data_status(stem: str, data_status: Mapping[str, str]) -> str | None:
    """Combined status of the data files behind figure ``stem``; None if none are known."""
    patterns = FIGURE_DATA.get(stem, ())
    files = [rel for rel in data_status if any(fnmatch.fnmatch(rel, p) for p in patterns)]
    if not files:
        return None
    return _combined(data_status[f] for f in files)


def compare_figures(
    ref_dir: Path,
    new_dir: Path,
    data_status: Mapping[str, str],
    out_dir: Path,
    pixel_threshold: float = 0.1,
    pixel_tolerance: float = 1e-4,
) -> list[Row]:
    """One row per PNG stem of either directory; writes ``out_dir/diff/<stem>.png``."""
    rows = []
    ref_pngs = {p.stem: p for p in ref_dir.glob("*.png")}
    new_pngs = {p.stem: p for p in new_dir.glob("*.png")}
    tolerance = f"changed pixels ≤ {pixel_tolerance:g} (threshold {pixel_threshold:g})"
    for stem in sorted(set(ref_pngs) | set(new_pngs), key=_figure_order):
        if stem not in ref_pngs or stem not in new_pngs:
            where = "run" if stem in new_pngs else "reference"
            rows.append(Row("figure", stem, MISSING, detail=f"only in the {where}"))
            continue
        pdf_note = ""
        ref_pdf, new_pdf = ref_dir / f"{stem}.pdf", new_dir / f"{stem}.pdf"
        if ref_pdf.exists() and new_pdf.exists():
            pdf_note = "; PDF bytes identical" if ref_pdf.read_bytes() == new_pdf.read_bytes() else "; PDF bytes differ"
        if ref_pngs[stem].read_bytes() == new_pngs[stem].read_bytes():
            rows.append(
                Row("figure", stem, IDENTICAL, "changed pixel fraction", 0.0, tolerance, "same bytes" + pdf_note)
            )
            continue
        ref_img, new_img = load_png(ref_pngs[stem]), load_png(new_pngs[stem])
        fraction, rms, mask = pixel_difference(ref_img, new_img, pixel_threshold)
        write_diff_png(ref_img, new_img, mask, out_dir / "diff" / f"{stem}.png")
        size_note = (
            ""
            if ref_img.shape == new_img.shape
            else f"; size {ref_img.shape[1]}x{ref_img.shape[0]} -> {new_img.shape[1]}x{new_img.shape[0]}"
        )
        detail = f"RMS {rms:.4g}{size_note}{pdf_note}"
        data = figure_data_status(stem, data_status)
        if fraction <= pixel_tolerance and not size_note:
            status = SAME
        elif data == WITHIN:
            status, detail = WITHIN, detail + "; its data changed within the bootstrap tolerance"
        elif data == ROUNDOFF:
            # Round-off can move a value across a drawing decision (a near-zero eigenvalue
            # changing sign leaves a log axis, autoscaled limits, a rounded label).
            status, detail = ROUNDOFF, detail + "; its data changed only by round-off"
        elif data == IDENTICAL:
            status, detail = DIFFERS, detail + "; its data are identical, so the drawing changed"
        elif data == DIFFERS:
            status, detail = DIFFERS, detail + "; its data differ"
        else:
            status, detail = DIFFERS, detail + "; no data to compare"
        rows.append(Row("figure", stem, status, "changed pixel fraction", fraction, tolerance, detail))
    return rows


def _figure_order(stem: str) -> tuple:
    """By paper, then figures before tables, by number: seed000fig1a < seed000fig1b < ... <
    seed000fig10 < seed000figS1 < seed001fig1a < ... < seed002table1."""
    import re

    match = re.fullmatch(r"(seed\d+)(fig|table)(S?)(\d+)([a-z]?)", stem)
    if not match:
        return ("~", 2, 0, 0, stem)
    paper, kind, supplement, number, letter = match.groups()
    return (paper, 0 if kind == "fig" else 1, 1 if supplement else 0, int(number), letter)


# --------------------------------------------------------------------------- outputs


SUMMARY_FIELDS = ("kind", "name", "status", "metric", "value", "tolerance", "detail")


def write_summary(rows: Sequence[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(SUMMARY_FIELDS)
        for r in rows:
            value = "" if np.isnan(r.value) else f"{r.value:.6g}"
            writer.writerow([r.kind, r.name, r.status, r.metric, value, r.tolerance, r.detail])


def read_summary(path: str | os.PathLike) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


_COLOURS = {
    IDENTICAL: "#2e7d32",
    SAME: "#2e7d32",
    ROUNDOFF: "#2e7d32",
    WITHIN: "#9e7700",
    DIFFERS: "#c62828",
    MISSING: "#c62828",
}


def write_html(rows: Sequence[Row], ref_dir: Path, new_dir: Path, out_dir: Path) -> Path:
    """``index.html``: per figure, reference | run | difference, then the data rows."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def link(path: Path) -> str:
        return html.escape(Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix())

    def badge(status: str) -> str:
        return f'<b style="color:{_COLOURS.get(status, "black")}">{html.escape(status)}</b>'

    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>figure diff</title>",
        "<style>body{font-family:sans-serif;margin:1em}img{max-width:32vw;border:1px solid #ccc}"
        "td,th{padding:2px 6px;vertical-align:top;text-align:left}table{border-collapse:collapse}</style></head><body>",
        f"<h1>Figure diff</h1><p>run: <code>{html.escape(str(new_dir))}</code> against reference "
        f"<code>{html.escape(str(ref_dir))}</code>: {html.escape(verdict(rows))}.</p>",
    ]
    for r in rows:
        if r.kind != "figure":
            continue
        parts.append(
            f"<h2 id='{html.escape(r.name)}'>{html.escape(r.name)}: {badge(r.status)}</h2><p>{html.escape(r.detail)}</p><table><tr><th>reference</th><th>run</th><th>difference</th></tr><tr>"
        )
        for path in (ref_dir / f"{r.name}.png", new_dir / f"{r.name}.png", out_dir / "diff" / f"{r.name}.png"):
            parts.append(
                f"<td><img src='{link(path)}' alt='{html.escape(path.name)}'></td>"
                if path.exists()
                else "<td>(none)</td>"
            )
        parts.append("</tr></table>")
    parts.append("<h2>Data</h2><table><tr>" + "".join(f"<th>{f}</th>" for f in SUMMARY_FIELDS[1:]) + "</tr>")
    for r in rows:
        if r.kind == "data":
            value = "" if np.isnan(r.value) else f"{r.value:.4g}"
            parts.append(
                f"<tr><td>{html.escape(r.name)}</td><td>{badge(r.status)}</td><td>{html.escape(r.metric)}</td>"
                f"<td>{value}</td><td>{html.escape(r.tolerance)}</td><td>{html.escape(r.detail)}</td></tr>"
            )
    parts.append("</table></body></html>\n")
    path = out_dir / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- driver


def run_figdiff(
    figures: str | os.PathLike,
    reference: str | os.PathLike,
    out: str | os.PathLike,
    data: str | os.PathLike | None = None,
    reference_data: str | os.PathLike | None = None,
    pixel_threshold: float = 0.1,
    pixel_tolerance: float = 1e-4,
    rtol: float = 0.0,
    atol: float = 0.0,
    roundoff: bool = True,
) -> list[Row]:
    """Compare and write ``summary.tsv``, ``index.html`` and ``diff/``; returns the rows,
    figure rows first, then data rows. ``roundoff=False``: deterministic data must be
    bit-identical (a rerun on the same machine)."""
    figures, reference, out = Path(figures), Path(reference), Path(out)
    if not reference.is_dir():
        raise FileNotFoundError(
            f"reference figures {reference} do not exist: export a full paper run with "
            f"`finite-ntk-figdiff figures/paper {reference} --export`"
        )
    if not figures.is_dir():
        raise FileNotFoundError(f"figures directory {figures} does not exist")
    data = Path(data) if data is not None else default_data_dir(figures)
    reference_data = Path(reference_data) if reference_data is not None else reference / "data"
    data_rows, data_status = compare_data(reference_data, data, rtol, atol, roundoff)
    figure_rows = compare_figures(reference, figures, data_status, out, pixel_threshold, pixel_tolerance)
    rows = figure_rows + data_rows
    write_summary(rows, out / "summary.tsv")
    write_html(rows, reference, figures, out)
    return rows


def default_data_dir(figures: Path) -> Path:
    """``figures/<run>`` -> ``data/<run>``; any other directory -> ``<dir>/data``."""
    figures = Path(figures)
    if figures.parent.name == "figures" and not (figures / "data").is_dir():
        return figures.parent.parent / "data" / figures.name
    return figures / "data"


# The export refuses a checkout whose tracked files under these directories have uncommitted
# changes: a reference set's data must come from committed code, which their git_revision
# attribute names (the seed-001 training data of the 2026-12-02 set say '<rev>-dirty').
EXPORT_CLEAN_PATHS: tuple[str, ...] = ("src", "workflow", "config")
REPOSITORY = Path(__file__).resolve().parents[2]  # the checkout this package runs from


class DirtyTreeError(RuntimeError):
    """The export's checkout has uncommitted changes (or cannot be checked)."""


def uncommitted_changes(
    repository: str | os.PathLike | None = None, paths: Sequence[str] = EXPORT_CLEAN_PATHS
) -> list[str]:
    """Tracked files under ``paths`` of the git checkout ``repository`` (default: this
    package's) with uncommitted changes, staged or not; untracked files do not count.
    Raises :class:`DirtyTreeError` where git cannot tell (no checkout, no git)."""
    repository = Path(repository) if repository is not None else REPOSITORY
    command = ["git", "status", "--porcelain", "--untracked-files=no", "--", *paths]
    try:
        result = subprocess.run(command, cwd=repository, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        reason = getattr(error, "stderr", "") or str(error)
        raise DirtyTreeError(
            f"cannot tell whether {repository} has uncommitted changes ({reason.strip()}); "
            "export from a clean git checkout, or pass --allow-dirty"
        ) from error
    return [line[3:] for line in result.stdout.splitlines() if line.strip()]


def _listed(names: Sequence[str], limit: int = 12) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def export_reference(
    figures: str | os.PathLike,
    data: str | os.PathLike,
    destination: str | os.PathLike,
    allow_dirty: bool = False,
    repository: str | os.PathLike | None = None,
) -> list[Path]:
    """Copy a run's figures (PNG, PDF), the netCDFs behind them and the training jobs'
    round-off envelopes where the run made them (``snakemake roundoff_envelope``) into the
    reference layout (``destination/<stem>.{png,pdf}``, ``destination/data/...``).

    Refuses (:class:`DirtyTreeError`, naming the files, before copying anything) when the
    checkout ``repository`` (default: this package's) has uncommitted changes to tracked
    files under ``EXPORT_CLEAN_PATHS``, unless ``allow_dirty``."""
    if not allow_dirty:
        dirty = uncommitted_changes(repository)
        if dirty:
            where = ", ".join(f"{p}/" for p in EXPORT_CLEAN_PATHS)
            raise DirtyTreeError(
                f"refusing to export a reference set: uncommitted changes to tracked files under {where} "
                f"({_listed(dirty)}); commit them first, so that the data's git_revision names the code that "
                "made them, or pass --allow-dirty"
            )
    figures, data, destination = Path(figures), Path(data), Path(destination)
    written = []
    destination.mkdir(parents=True, exist_ok=True)
    for path in sorted(list(figures.glob("*.png")) + list(figures.glob("*.pdf"))):
        shutil.copyfile(path, destination / path.name)
        written.append(destination / path.name)
    for rel in data_files(data) + data_files(data, ENVELOPE_PATTERNS):
        target = destination / "data" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data / rel, target)
        written.append(target)
    return written


def verdict(rows: Sequence[Row]) -> str:
    """One line for the whole comparison, e.g. 'identical within round-off: 0 of 199 rows
    differ or are missing (59 within round-off)'."""
    failing = sum(r.status in FAILING for r in rows)
    roundoff = sum(r.status == ROUNDOFF for r in rows)
    within = sum(r.status == WITHIN for r in rows)
    word = {
        DIFFERS: "differs",
        WITHIN: "within tolerance",
        ROUNDOFF: "identical within round-off",
        IDENTICAL: "identical",
    }
    counts = [
        f"{n} {what}"
        for n, what in ((roundoff, "within round-off"), (within, "within the bootstrap or given tolerance"))
        if n
    ]
    return f"{word[_combined(r.status for r in rows)]}: {failing} of {len(rows)} rows differ or are missing" + (
        f" ({', '.join(counts)})" if counts else ""
    )


def format_rows(rows: Iterable[Row], only_failing: bool = False) -> str:
    lines = []
    for r in rows:
        if only_failing and r.status not in FAILING:
            continue
        value = "" if np.isnan(r.value) else f" {r.metric}={r.value:.4g}"
        lines.append(f"{r.status:16s} {r.kind:6s} {r.name}{value} {r.detail}".rstrip())
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="finite-ntk-figdiff",
        description="Compare a run's figures and the netCDF data behind them against a reference set. "
        "Exit status 0: nothing really differs; 1: something differs or is missing; 2: usage error.",
    )
    parser.add_argument("figures", help="figures directory of the run, e.g. figures/paper")
    parser.add_argument(
        "reference", nargs="?", default="figures/reference", help="reference set (default: figures/reference)"
    )
    parser.add_argument(
        "--data", help="data directory of the run (default: data/<run> for figures/<run>, else FIGURES/data)"
    )
    parser.add_argument("--reference-data", help="data directory of the reference (default: REFERENCE/data)")
    parser.add_argument("--out", help="output directory (default: report/<run>/figdiff)")
    parser.add_argument(
        "--pixel-threshold", type=float, default=0.1, help="colour change (0..1) that counts a pixel as changed"
    )
    parser.add_argument(
        "--pixel-tolerance", type=float, default=1e-4, help="fraction of changed pixels still counted as the same"
    )
    parser.add_argument(
        "--rtol",
        type=float,
        default=0.0,
        help="relative tolerance for data without bootstrap bounds, beyond round-off (default 0)",
    )
    parser.add_argument(
        "--atol",
        type=float,
        default=0.0,
        help="absolute tolerance for data without bootstrap bounds, beyond round-off (default 0)",
    )
    parser.add_argument(
        "--exact",
        action="store_true",
        help="deterministic data must be bit-identical, no round-off tolerance (a rerun on the same machine)",
    )
    parser.add_argument(
        "--export", action="store_true", help="instead of comparing, copy the run's figures and data into REFERENCE"
    )
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="--export even with uncommitted changes to tracked files under src/, workflow/, config/ (tests)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only rows that differ")
    args = parser.parse_args(argv)
    figures = Path(args.figures)
    data = Path(args.data) if args.data else default_data_dir(figures)
    if args.export:
        if not figures.is_dir():
            print(f"finite-ntk-figdiff: {figures} does not exist", file=sys.stderr)
            return 2
        try:
            written = export_reference(figures, data, args.reference, allow_dirty=args.allow_dirty)
        except DirtyTreeError as error:
            print(f"finite-ntk-figdiff: {error}", file=sys.stderr)
            return 2
        print(f"exported {len(written)} files to {args.reference}")
        return 0
    out = Path(args.out) if args.out else Path("report") / figures.name / "figdiff"
    try:
        rows = run_figdiff(
            figures,
            args.reference,
            out,
            data=data,
            reference_data=args.reference_data,
            pixel_threshold=args.pixel_threshold,
            pixel_tolerance=args.pixel_tolerance,
            rtol=args.rtol,
            atol=args.atol,
            roundoff=not args.exact,
        )
    except FileNotFoundError as error:
        print(f"finite-ntk-figdiff: {error}", file=sys.stderr)
        return 2
    print(format_rows(rows, only_failing=args.quiet))
    print(f"\n{verdict(rows)}; summary: {out / 'summary.tsv'}, page: {out / 'index.html'}")
    return 1 if any(r.status in FAILING for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
