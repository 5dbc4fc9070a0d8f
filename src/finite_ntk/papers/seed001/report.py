"""Seed 001's numbers for the claims and its report chapter: summaries of
``data/<run>/seed001/phase_stats.nc`` (:mod:`finite_ntk.papers.seed001.reduction`) and of
``training_stats.nc`` (:mod:`finite_ntk.papers.seed001.training_grid`), and the macros of ``report/src/sections/seed001.tex`` (``report/<run>/seed001.tex``). Imports no
JAX.

The paper reads its maps in three classes of the relative standard deviation
std/mean = sqrt(R - 1) (the config's ``seed001.relative_std_thresholds``): nearly
deterministic below the first threshold, std comparable with the mean up to the second,
larger above it. The phases are read off mean-field theory's chi_1 at each sigma_w^2:
*clearly ordered* where chi_1 <= ``ORDERED_CHI``, *clearly chaotic* where chi_1 >=
``CHAOTIC_CHI``, and the *border* is the sampled sigma_w^2 nearest the border's.

Which R a measure reads. K(x, x) is heavy-tailed, so the plain ratio of the replicates
under-estimates R where R is large and its bootstrap interval under-covers there. Every
measure of claims 1-8 reads each cell's R through :func:`with_estimates`
(:func:`finite_ntk.coverage.select_ratio_estimate` with the run's coverage table): the plain
ratio where its coverage was measured to hold, the log-normal plug-in R_log where log K
passes the normality test, *none* (not estimable) elsewhere. Each measure counts the cells it
could not read and says whether the cells it could read decide anyway (:class:`Decision`).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

from finite_ntk.coverage import (
    ESTIMATOR_CODES,
    lower_bound_trusted,
    select_ratio_estimate,
    tabulated_sample_size,
    trusted_limit,
)
from finite_ntk.report.latex import latex_number, latex_plain, macro
from finite_ntk.stats import spearman

NAN = float("nan")
ORDERED_CHI = 0.8
# tanh's chi_1 grows slowly past its border: 1.249 at sigma_w^2 = 5, the map grid's edge.
CHAOTIC_CHI = 1.1


class Seed001Data(NamedTuple):
    """Seed 001's statistics and the config values its claims read."""

    stats: xr.Dataset  # phase_stats.nc
    std_thresholds: tuple[float, ...]  # seed001.relative_std_thresholds
    maps_bias_variance: float  # seed001.maps.bias_variance
    bias_maps_width: int  # seed001.bias_maps.width
    curves_activation: str  # seed001.depth_curves.activation
    curves_points: tuple[tuple[float, float], ...]  # seed001.depth_curves.points
    training: xr.Dataset | None = None  # training_stats.nc (claims seed001.9-13)
    coverage: xr.Dataset | None = None  # heavy_tails/coverage.nc (claims seed001.1-8: which R to trust)
    significance: float = 0.05  # heavy_tails.significance (the normality test of log K)
    min_coverage: float = 0.9  # heavy_tails.min_coverage (an interval is trusted above it)
    kappa: xr.Dataset | None = None  # kappa.nc (claims seed001.20-22: Figures 5, 6)


class Extreme(NamedTuple):
    """The largest std/mean over a set of cells, its bootstrap interval and where it is."""

    value: float
    lo: float
    hi: float
    where: str
    cells: int


# --------------------------------------------------------------------------- which R a cell's verdict reads

# Variables with_estimates adds: the selected estimate of R with its interval, its
# estimator's code (finite_ntk.coverage.ESTIMATOR_CODES: 0 none, 1 plain, 2 log-normal), and
# a lower confidence bound of R in every sampled cell where one is trusted.
ESTIMATE = "estimate"
ESTIMATOR = "estimator"
LOWER_BOUND = "lower_bound"
NOT_ESTIMABLE_CODE = ESTIMATOR_CODES["none"]


class RatioSelection(NamedTuple):
    """What :func:`finite_ntk.coverage.select_ratio_estimate` needs for the cells of one
    replicate count, read off the run's coverage table at that count."""

    replicates: int  # N of the cells
    tabulated: int | None  # the table's N read (the largest at or below N; None: none is)
    plain_limit: float  # the plain ratio is trusted where its interval stays at or below this R
    log_limit: float  # R_log is trusted where its chi-square interval stays at or below this R
    significance: float  # the normality test of log K rejects below this p-value
    min_coverage: float
    lower_bound: bool = False  # the plain interval's lower end bounds R from below at every tabulated R


# One selection per width of phase_stats.nc (each width has its replicate count).
Selections = Mapping[int, RatioSelection]


def replicate_counts(stats: xr.Dataset) -> dict[int, int]:
    """Initialisations per cell at each width of ``stats`` (variable ``replicates``)."""
    return {int(w): int(n) for w, n in zip(stats["width"].values, np.atleast_1d(stats["replicates"].values))}


def replicates_text(stats: xr.Dataset) -> str:
    """``200`` or ``200 (2{,}000 at $M = 50$)``: the most common count, then the others."""
    counts = replicate_counts(stats)
    values = list(counts.values())
    common = max(sorted(set(values)), key=values.count)

    def number(n: int) -> str:
        return f"{n:,}".replace(",", "{,}")

    others = [f"{number(n)} at $M = {w}$" for w, n in counts.items() if n != common]
    return number(common) + (f" ({', '.join(others)})" if others else "")


def ratio_selection(stats: xr.Dataset, coverage: xr.Dataset, significance: float, min_coverage: float) -> Selections:
    """Each width's selection settings (phase_stats.nc, variable ``replicates``) from the
    coverage table ``coverage`` (:func:`finite_ntk.coverage.coverage_table`). The table must
    have been made at the reductions' confidence: its coverages are those of their intervals."""
    table, ours = coverage.attrs.get("confidence"), stats.attrs.get("confidence")
    if table is not None and ours is not None and not np.isclose(float(table), float(ours)):
        raise ValueError(
            f"the coverage table's confidence ({float(table):g}, config field 'heavy_tails.coverage.confidence') "
            f"differs from seed 001's bootstrap confidence ({float(ours):g}, 'seed001.bootstrap.confidence')"
        )

    def at(replicates: int) -> RatioSelection:
        return RatioSelection(
            replicates=replicates,
            tabulated=tabulated_sample_size(coverage, replicates),
            plain_limit=trusted_limit(coverage, replicates, "plain_bootstrap", min_coverage),
            log_limit=trusted_limit(coverage, replicates, "log_chi_square", min_coverage),
            significance=float(significance),
            min_coverage=float(min_coverage),
            lower_bound=lower_bound_trusted(coverage, replicates, "plain_bootstrap", min_coverage),
        )

    return {width: at(count) for width, count in replicate_counts(stats).items()}


def with_estimates(stats: xr.Dataset, selections: Selections) -> xr.Dataset:
    """``stats`` with each cell's selected estimate of R at its width's replicate count:
    ``estimate``, ``estimate_lo``, ``estimate_hi`` (NaN where not estimable or not sampled),
    ``estimator`` (int8 code) and ``lower_bound``: the estimate's lower end where there is
    one, else the plain interval's lower end where its measured one-sided coverage holds
    (:func:`finite_ntk.coverage.lower_bound_trusted`), else NaN. A dataset without the
    log-space statistics (an older reduction) gets the plain ratio where it is trusted."""
    ratio = stats["second_moment_ratio"]

    def log(name: str) -> xr.DataArray:
        return stats[name] if name in stats else xr.full_like(ratio, np.nan)

    arrays = [ratio, stats["second_moment_ratio_lo"], stats["second_moment_ratio_hi"]]
    arrays += [log(name) for name in ("log_normal_ratio", "log_normal_ratio_lo", "log_normal_ratio_hi")]
    arrays.append(log("normality_pvalue"))
    arrays = [a.broadcast_like(ratio).transpose(*ratio.dims).values for a in arrays]
    axis = ratio.dims.index("width")
    chosen = {key: np.empty(ratio.shape, dtype=np.int8 if key == "estimator" else np.float64) for key in KEYS}
    floor = np.full(ratio.shape, np.nan)
    for i, width in enumerate(ratio["width"].values):
        if int(width) not in selections:
            raise ValueError(f"no estimator selection for width {int(width)} (widths {sorted(selections)})")
        selection = selections[int(width)]
        index = (slice(None),) * axis + (i,)
        picked = select_ratio_estimate(
            *(a[index] for a in arrays),
            plain_limit=selection.plain_limit,
            log_limit=selection.log_limit,
            significance=selection.significance,
        )
        for key in KEYS:
            chosen[key][index] = picked[key]
        plain_lo = arrays[1][index]
        fallback = plain_lo if selection.lower_bound else np.full(plain_lo.shape, np.nan)
        floor[index] = np.where(np.isfinite(picked["lo"]), picked["lo"], fallback)
    out = stats.copy()
    out[ESTIMATOR] = (ratio.dims, chosen["estimator"])
    for suffix, key in (("", "value"), ("_lo", "lo"), ("_hi", "hi")):
        out[ESTIMATE + suffix] = (ratio.dims, chosen[key])
    out[LOWER_BOUND] = (ratio.dims, floor)
    return out


KEYS = ("estimator", "value", "lo", "hi")


def sampled_mask(cells: xr.Dataset) -> xr.DataArray:
    """Cells that were sampled (a plain ratio exists)."""
    return cells["second_moment_ratio"].notnull()


def not_estimable_mask(cells: xr.Dataset) -> xr.DataArray:
    """Sampled cells without a trusted estimate (:func:`with_estimates`)."""
    return sampled_mask(cells) & (cells[ESTIMATOR] == NOT_ESTIMABLE_CODE)


def not_estimable_note(cells: xr.Dataset, where: xr.DataArray, selections: Selections) -> str:
    """'k of n cells not estimable (N = ... at M = ...: why)' for the sampled cells where
    ``where`` holds ('' when every one is estimable)."""
    sampled = sampled_mask(cells) & where
    unknown = not_estimable_mask(cells) & where
    count, total = int(unknown.sum()), int(sampled.sum())
    if count == 0:
        return ""
    if "width" in unknown.dims:
        per_width = {int(w): int(unknown.sel(width=w).sum()) for w in unknown["width"].values}
    else:  # the cells of one width
        per_width = {int(cells["width"]): count}
    by_count: dict[RatioSelection, list[int]] = {}
    for width, unknown_here in per_width.items():
        if unknown_here:
            by_count.setdefault(selections[width], []).append(width)
    pvalue = cells["normality_pvalue"] if "normality_pvalue" in cells else xr.full_like(cells[ESTIMATE], np.nan)
    rejected = int((unknown & (pvalue < _significance(selections))).sum())
    missing = int((unknown & pvalue.isnull()).sum())
    parts = []
    for selection, at_widths in by_count.items():
        where_text = f"at N = {selection.replicates} (M = {', '.join(map(str, sorted(at_widths)))})"
        if selection.tabulated is None:
            parts.append(f"{where_text}: the coverage table has no N at or below it")
            continue
        parts.append(
            f"{where_text}: the plain ratio's interval reaches past R = {selection.plain_limit:g} (its coverage "
            f"holds up to there), R_log's past R = {selection.log_limit:g} (its coverage under every law holds "
            "up to there)"
        )
    if rejected:
        parts.append(f"log K not Gaussian in {rejected} (normality p < {_significance(selections):g})")
    if missing:
        parts.append(f"no normality test of log K in {missing}")
    return f"{count} of {total} cells not estimable " + "; ".join(parts)


def _significance(selections: Selections) -> float:
    return next(iter(selections.values())).significance


# --------------------------------------------------------------------------- the measures


class Decision(NamedTuple):
    """Whether a rule's verdict holds whatever R the not-estimable cells have: ``decided``
    with ``ok`` the verdict's truth, else undecided (not estimable). ``defined``: whether the
    measure exists at all for some value of those cells."""

    decided: bool
    ok: bool
    defined: bool = True


def decide(outcomes: Iterator[bool | None]) -> Decision:
    """The decision over every possible value of the unknown cells (``None``: the measure is
    undefined there, e.g. fewer than two widths with a transition)."""
    seen = set(outcomes)
    defined = seen - {None}
    if not defined:
        return Decision(False, False, defined=False)
    if len(seen) == 1:
        (ok,) = seen
        return Decision(True, bool(ok))
    return Decision(False, False)


def relative_std(ratio: np.ndarray) -> np.ndarray:
    """std/mean = sqrt(R - 1) (0 where round-off puts R a hair below 1)."""
    return np.sqrt(np.maximum(np.asarray(ratio, dtype=np.float64) - 1.0, 0.0))


def _cells(stats: xr.Dataset, activation: str, bias_variance: float) -> xr.Dataset:
    return stats.sel(activation=activation, bias_variance=bias_variance)


def largest_relative_std(cells: xr.Dataset, mask: xr.DataArray, ratio: str = ESTIMATE) -> Extreme:
    """The largest std/mean over the cells where ``mask`` holds and ``ratio`` (default the
    selected estimate) has a value (dimensions of ``cells``: width, weight_variance, depth),
    with its cell's interval (``<ratio>_lo`` / ``_hi``)."""
    values = cells[ratio].where(mask)
    count = int(values.notnull().sum())
    if count == 0:
        return Extreme(NAN, NAN, NAN, "", 0)
    at = {dim: int(i) for dim, i in values.argmax(...).items()}
    cell = cells.isel(at)
    where = f"width {int(cell['width'])}, σw² = {float(cell['weight_variance']):g}, depth {int(cell['depth'])}"
    return Extreme(
        float(relative_std(cell[ratio])),
        float(relative_std(cell[ratio + "_lo"])),
        float(relative_std(cell[ratio + "_hi"])),
        where,
        count,
    )


def chi_mask(cells: xr.Dataset, phase: str) -> xr.DataArray:
    """Clearly ordered (chi_1 <= ORDERED_CHI) or clearly chaotic (>= CHAOTIC_CHI) sigma_w^2."""
    chi = cells["chi_1"]
    return chi <= ORDERED_CHI if phase == "ordered" else chi >= CHAOTIC_CHI


def border_mask(cells: xr.Dataset) -> xr.DataArray:
    """The sampled sigma_w^2 nearest the border's (among those sampled at every width)."""
    sampled = cells["second_moment_ratio"].notnull().all(("width", "depth"))
    weights = cells["weight_variance"].where(sampled, drop=True).values
    nearest = weights[np.argmin(np.abs(weights - float(cells["border_weight_variance"])))]
    return cells["weight_variance"] == nearest


def _lines(values: xr.DataArray, along: str) -> tuple[np.ndarray, np.ndarray]:
    others = [dim for dim in ("width", "weight_variance", "depth") if dim != along]
    return values[along].values, values.stack(line=others).transpose("line", along).values


def rank_correlations(cells: xr.Dataset, mask: xr.DataArray, along: str, ratio: str = ESTIMATE) -> np.ndarray:
    """Spearman's rho of R (``ratio``, default the selected estimate) against ``along``
    ('depth' or 'width') for every line of the other two dimensions where ``mask`` holds,
    over the line's cells that have a value (not estimable cells left out, as saturated ones
    were before the selection); lines with fewer than three such cells dropped."""
    coordinate, rows = _lines(cells[ratio].where(mask), along)
    rhos = np.array([spearman(coordinate, row) for row in rows])
    return rhos[np.isfinite(rhos)]


def lines_with_points(cells: xr.Dataset, mask: xr.DataArray, along: str, points: int = 3) -> int:
    """How many lines (as :func:`rank_correlations`) have at least ``points`` sampled cells."""
    _, rows = _lines(cells["second_moment_ratio"].where(mask), along)
    return int((np.isfinite(rows).sum(axis=-1) >= points).sum())


class Collapse(NamedTuple):
    """How much closer the widths' curves of log10 R lie against L/M than against L."""

    spread_depth: float  # median over depths of the spread (decades) across widths at equal L
    spread_ratio: float  # the same at equal L/M (interpolated in L/M)
    ratio: float  # spread_ratio / spread_depth


def _spread(x: Sequence[np.ndarray], y: Sequence[np.ndarray]) -> float:
    """Median over the common x-range (the union of the curves' points in it) of the
    spread max - min across curves of linearly interpolated y."""
    low, high = max(float(v.min()) for v in x), min(float(v.max()) for v in x)
    grid = np.unique(np.concatenate([v[(v >= low) & (v <= high)] for v in x]))
    if grid.size == 0:
        return NAN
    values = np.array([np.interp(grid, xs, ys) for xs, ys in zip(x, y)])
    return float(np.median(values.max(axis=0) - values.min(axis=0)))


def collapse(
    stats: xr.Dataset, activation: str, weight_variance: float, bias_variance: float, ratio: str = ESTIMATE
) -> Collapse:
    """Figure 2: log10 R of every width against L and against L/M, over the cells where
    ``ratio`` (default the selected estimate) has a value; widths with fewer than two such
    cells left out."""
    cells = stats.sel(activation=activation, bias_variance=bias_variance, weight_variance=weight_variance)
    depths, ratios, widths = [], [], []
    for width in cells["width"].values:
        line = cells.sel(width=width)
        ok = line[ratio].notnull().values
        if int(ok.sum()) >= 2:
            depths.append(line["depth"].values[ok].astype(np.float64))
            ratios.append(np.log10(line[ratio].values[ok]))
            widths.append(float(width))
    if len(widths) < 2:
        return Collapse(NAN, NAN, NAN)
    by_depth = _spread(depths, ratios)
    by_ratio = _spread([d / w for d, w in zip(depths, widths)], ratios)
    return Collapse(by_depth, by_ratio, by_ratio / by_depth if by_depth > 0 else NAN)


class ExponentialFit(NamedTuple):
    """ln R = intercept + slope L/M fitted over one point's cells of every width."""

    slope: float
    slope_lo: float  # bootstrap interval over the cells
    slope_hi: float
    intercept: float
    r_squared: float  # share of the variance of ln R the line explains
    points: int
    largest_ratio: float  # the largest L/M fitted


def exponential_fit(
    stats: xr.Dataset,
    activation: str,
    weight_variance: float,
    bias_variance: float,
    rng: np.random.Generator,
    confidence: float = 0.95,
    resamples: int = 2000,
    ratio: str = ESTIMATE,
    largest: float = np.inf,
) -> ExponentialFit:
    """Figure 2: the least-squares line of ln R (``ratio``, default the selected estimate)
    against L/M over every width's cells of one (sigma_w^2, sigma_b^2) that have a value (L/M at
    most ``largest``), with a
    percentile-bootstrap interval of its slope over the cells (NaN with fewer than three
    cells or a single L/M). R growing exponentially in L/M is a straight line here."""
    cells = stats.sel(activation=activation, bias_variance=bias_variance, weight_variance=weight_variance)
    values = cells[ratio].transpose("width", "depth").values
    x = (cells["depth"].values[None, :] / cells["width"].values[:, None]).astype(np.float64)
    keep = np.isfinite(values) & (values > 0) & (x <= largest)
    x, y = x[keep], np.log(values[keep])
    if x.size < 3 or np.ptp(x) == 0:
        return ExponentialFit(NAN, NAN, NAN, NAN, NAN, int(x.size), float(x.max()) if x.size else NAN)
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (intercept + slope * x)
    r_squared = 1 - float(residual @ residual) / float(((y - y.mean()) ** 2).sum()) if np.ptp(y) > 0 else NAN
    picks = rng.integers(0, x.size, size=(resamples, x.size))
    xs, ys = x[picks], y[picks]
    xm, ym = xs.mean(axis=1, keepdims=True), ys.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = ((xs - xm) * (ys - ym)).sum(axis=1) / ((xs - xm) ** 2).sum(axis=1)
    draws = draws[np.isfinite(draws)]
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(draws, [tail, 100 - tail]) if draws.size else (NAN, NAN)
    return ExponentialFit(float(slope), float(lo), float(hi), float(intercept), r_squared, int(x.size), float(x.max()))


def _bounded_at_least(cells: xr.Dataset, threshold: float) -> xr.DataArray:
    """Cells whose trusted lower bound of R (``lower_bound`` of :func:`with_estimates`) puts
    their std/mean at or above ``threshold``."""
    if LOWER_BOUND not in cells:
        return xr.zeros_like(cells["second_moment_ratio"], dtype=bool)
    floor = cells[LOWER_BOUND]
    return floor.notnull() & (xr.apply_ufunc(relative_std, floor.fillna(1.0)) >= threshold)


class Transition(NamedTuple):
    """Where a line over sigma_w^2 leaves the nearly deterministic class."""

    value: float  # read off the estimable cells alone (NaN: none of them reaches the threshold)
    candidates: tuple[float, ...]  # every sigma_w^2 it may be at, given the not-estimable cells (NaN: nowhere)
    unknown: int  # not-estimable cells of the line where it may lie (below its first estimable one)
    sampled: int
    depth: int  # the line's depth (the deepest sampled)


def transition(cells: xr.Dataset, threshold: float, ratio: str = ESTIMATE) -> Transition:
    """The smallest sampled sigma_w^2 whose std/mean at the deepest sampled depth reaches
    ``threshold`` (``ratio``, default the selected estimate): its value from the estimable
    cells, and every sigma_w^2 it may lie at whatever R the not-estimable cells have (each of
    them below the first cell known to reach it, that one, and NaN if none does). A
    not-estimable cell whose trusted lower bound (``lower_bound``) reaches the threshold is
    known to reach it."""
    deepest = cells["second_moment_ratio"].dropna("depth", how="all")["depth"].max()
    line = cells.sel(depth=deepest)
    sampled = line["second_moment_ratio"].notnull().values
    values = line[ratio].values
    weights = line["weight_variance"].values
    bounded = (
        _bounded_at_least(line, threshold).values & ~np.isfinite(values)
        if ratio == ESTIMATE
        else np.zeros_like(sampled)
    )
    reached = (np.isfinite(values) & (relative_std(values) >= threshold)) | bounded
    value = float(weights[reached].min()) if reached.any() else NAN
    candidates: list[float] = []
    unknown = 0
    for weight, is_sampled, known, hit in zip(weights, sampled, np.isfinite(values) | bounded, reached):
        if not is_sampled:
            continue
        if not known:
            candidates.append(float(weight))
            unknown += 1
        elif hit:
            candidates.append(float(weight))
            break
    else:
        candidates.append(NAN)
    return Transition(value, tuple(candidates), unknown, int(sampled.sum()), int(deepest))


def empirical_transition(cells: xr.Dataset, threshold: float, ratio: str = ESTIMATE) -> float:
    """The smallest sampled sigma_w^2 whose std/mean at the deepest sampled depth reaches
    ``threshold`` (NaN if none): where the map leaves the nearly deterministic class, read
    off the cells where ``ratio`` has a value."""
    return transition(cells, threshold, ratio).value


def training_phase_mask(training: xr.Dataset, phase: str) -> xr.DataArray:
    """Clearly ordered / chaotic sigma_w^2 of the training grid (chi_1 from mean-field theory at
    the training's bias variance), per activation."""
    import finite_ntk.mean_field as mean_field

    weights = training["weight_variance"].values
    chi = np.stack(
        [
            mean_field.chi_1(str(a), weights, float(training.attrs["bias_variance"]))
            for a in training["activation"].values
        ]
    )
    chi = xr.DataArray(
        chi,
        dims=("activation", "weight_variance"),
        coords={"activation": training["activation"], "weight_variance": training["weight_variance"]},
    )
    return chi <= ORDERED_CHI if phase == "ordered" else chi >= CHAOTIC_CHI


def seed001_latex(
    stats: xr.Dataset, kappa: xr.Dataset, config: Mapping[str, Any], training: xr.Dataset | None = None
) -> str:
    """``report/<run>/seed001.tex``: the chapter's settings and numbers as macros (the
    training part's from ``training_stats.nc`` when given)."""
    section = config["seed001"]
    thresholds = section["relative_std_thresholds"]

    def values(items: Sequence[Any]) -> str:
        return ", ".join(latex_plain(float(v)) for v in items)

    borders = stats["border_weight_variance"]
    lines = [
        "% Generated by finite_ntk.papers.seed001.report (rule seed001_report): seed 001's numbers.",
        macro("SeedOneWidths", values(section["widths"])),
        macro("SeedOneDepths", values(section["depths"])),
        macro("SeedOneMaxDepth", str(max(section["depths"]))),
        macro("SeedOneWeightLow", latex_plain(min(section["weight_variances"]))),
        macro("SeedOneWeightHigh", latex_plain(max(section["weight_variances"]))),
        macro("SeedOneWeightCount", str(len(section["weight_variances"]))),
        macro("SeedOneReplicates", replicates_text(stats)),
        macro("SeedOneSaturationFraction", latex_plain(float(stats.attrs["saturation_fraction"]))),
        macro("SeedOneInputDimension", str(int(section["network"]["input_dimension"]))),
        macro("SeedOneInputLength", latex_plain(float(section["network"]["input_length"]))),
        macro("SeedOneParameterization", section["network"]["parameterization"]),
        macro("SeedOneSampler", section["sampler"].replace("_", "-")),
        macro("SeedOneMapsBias", latex_plain(float(section["maps"]["bias_variance"]))),
        macro("SeedOneBiasMapsWidth", str(int(section["bias_maps"]["width"]))),
        macro("SeedOneBiasMapsBiases", values(section["bias_maps"]["bias_variances"])),
        macro("SeedOneThresholdLow", latex_plain(float(thresholds[0]))),
        macro("SeedOneThresholdHigh", latex_plain(float(thresholds[-1]))),
        macro("SeedOneBootstrap", str(int(section["bootstrap"]["resamples"]))),
        macro(
            "SeedOneCurvePoints",
            "; ".join(
                f"$({latex_plain(w).strip('$')}, {latex_plain(b).strip('$')})$"
                for w, b in section["depth_curves"]["points"]
            ),
        ),
        macro("SeedOneOrderedChi", latex_plain(ORDERED_CHI)),
        macro("SeedOneChaoticChi", latex_plain(CHAOTIC_CHI)),
        macro("SeedOneKappaBias", latex_plain(float(section["kappa"]["bias_variance"]))),
        macro("SeedOneKappaMaxDepth", str(int(section["kappa"]["max_depth"]))),
    ]
    # Heavy tails: how many sampled cells' log K fails the normality test (the maps' dots).
    sampled = stats["second_moment_ratio"].notnull()
    significance = float(config["heavy_tails"]["significance"])
    lines += [
        macro("SeedOneCells", str(int(sampled.sum()))),
        macro("SeedOneSignificance", latex_plain(significance)),
    ]
    if "normality_pvalue" in stats:
        rejected = sampled & (stats["normality_pvalue"] < significance)
        lines.append(macro("SeedOneNotLognormal", str(int(rejected.sum()))))
    names = {"tanh": "Tanh", "relu": "Relu", "erf": "Erf"}
    for activation in stats["activation"].values:
        name = names.get(str(activation))
        if name is None:
            continue
        bias = float(section["maps"]["bias_variance"])
        if bias in stats["bias_variance"].values:
            lines.append(
                macro(
                    f"SeedOneBorder{name}",
                    latex_number(float(borders.sel(activation=activation, bias_variance=bias)), 4),
                )
            )
    for activation in kappa["activation"].values:
        name = names.get(str(activation))
        if name is None:
            continue
        points = kappa["weight_variance"].sel(activation=activation).values
        lines.append(macro(f"SeedOneKappaPoints{name}", ", ".join(latex_number(float(v), 3) for v in points)))
    if training is not None:
        section = config["seed001"]["training"]
        status = training["status"].values
        lines += [
            macro("SeedOneTrainingData", str(training.attrs["dataset_description"])),
            macro("SeedOneTrainingSamples", str(int(training.attrs["samples"]))),
            macro("SeedOneTrainingInputScale", str(training.attrs["input_scale"]).replace("_", "\\_")),
            macro("SeedOneTrainingWidths", values(section["widths"])),
            macro("SeedOneTrainingMainWidth", str(int(section["main_width"]))),
            macro("SeedOneTrainingDepths", values(section["depths"])),
            macro("SeedOneTrainingWeights", values(section["weight_variances"])),
            macro("SeedOneTrainingBias", latex_plain(float(section["bias_variance"]))),
            macro("SeedOneTrainingRate", latex_plain(float(section["learning_rate"]))),
            macro("SeedOneTrainingMaxSteps", f"{int(section['max_steps']):,}".replace(",", "{,}")),
            macro("SeedOneTrainingSnapshots", values(section["snapshot_steps"])),
            macro("SeedOneTrainingPatience", str(int(section["patience"]))),
            macro("SeedOneTrainingMinDecrease", latex_plain(float(section["min_decrease"]))),
            macro("SeedOneTrainingRuns", str(int((status >= 0).sum()))),
            macro("SeedOneTrainingConverged", str(int((status == 0).sum()))),
            macro("SeedOneTrainingCapped", str(int((status == 1).sum()))),
            macro("SeedOneTrainingDiverged", str(int((status == 2).sum()))),
            macro("SeedOneTrainingEdge", str(int((status == 3).sum()))),
            macro("SeedOneTrainingTime", latex_plain(float(training.attrs.get("training_time", float("nan"))))),
            macro("SeedOneTrainingIntegrator", str(training.attrs.get("integrator", "literal"))),
            macro(
                "SeedOneTrainingMaxLiteral",
                f"{int(section['integrator']['max_literal_steps']):,}".replace(",", "{,}"),
            ),
        ]
        shallow, reached = shallow_ordered_trained(training)
        lines += [
            macro("SeedOneTrainingShallowOrdered", str(shallow)),
            macro("SeedOneTrainingShallowOrderedReached", str(reached)),
        ]
        ratio = training["min_loss"].where(training["status"] != 2) / float(training.attrs["constant_loss"])
        best = ratio.isel({dim: int(i) for dim, i in ratio.argmin(...).items()})
        names = {"tanh": "tanh", "relu": "ReLU"}
        lines += [
            macro("SeedOneTrainingConstantLoss", latex_number(float(training.attrs["constant_loss"]), 3)),
            macro("SeedOneTrainingBestRatio", latex_number(float(best), 2)),
            macro(
                "SeedOneTrainingBestWhere",
                f"{names.get(str(best['activation'].values), str(best['activation'].values))}, "
                f"$M = {int(best['width'])}$, $\\sigma_w^2 = {float(best['weight_variance']):g}$, $L = {int(best['depth'])}$",
            ),
        ]
    return "\n".join(lines) + "\n"


# Seed 001's training: "shallow" networks for the trainability measure, and the fraction
# of the best constant output's loss they must reach (the measure).
SHALLOW_DEPTH = 4
TRAINED_FRACTION = 0.5


def shallow_ordered_trained(training: Any) -> tuple[int, int]:
    """(cells, reached): the finished runs (early-stopped or at the end) at the main width
    with sigma_w^2 below the order/chaos border and depth <= SHALLOW_DEPTH, and how many of
    them reached TRAINED_FRACTION of the best constant output's loss."""
    main = training.sel(width=int(training.attrs["main_width"]))
    ordered = main["weight_variance"] < main["border_weight_variance"]
    cells = ordered & (main["depth"] <= SHALLOW_DEPTH) & main["status"].isin([0, 1])
    reached = cells & (main["min_loss"] <= TRAINED_FRACTION * float(training.attrs["constant_loss"]))
    return int(cells.sum()), int(reached.sum())


__all__ = [
    "SHALLOW_DEPTH",
    "TRAINED_FRACTION",
    "shallow_ordered_trained",
    "ORDERED_CHI",
    "CHAOTIC_CHI",
    "ESTIMATE",
    "ESTIMATOR",
    "LOWER_BOUND",
    "Seed001Data",
    "Extreme",
    "RatioSelection",
    "Selections",
    "replicate_counts",
    "replicates_text",
    "ratio_selection",
    "with_estimates",
    "sampled_mask",
    "not_estimable_mask",
    "not_estimable_note",
    "Decision",
    "decide",
    "relative_std",
    "largest_relative_std",
    "chi_mask",
    "border_mask",
    "rank_correlations",
    "lines_with_points",
    "Collapse",
    "collapse",
    "ExponentialFit",
    "exponential_fit",
    "Transition",
    "transition",
    "empirical_transition",
    "training_phase_mask",
    "seed001_latex",
]
