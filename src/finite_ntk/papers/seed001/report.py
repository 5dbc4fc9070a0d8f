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
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

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


class Extreme(NamedTuple):
    """The largest std/mean over a set of cells, its bootstrap interval and where it is."""

    value: float
    lo: float
    hi: float
    where: str
    cells: int


def relative_std(ratio: np.ndarray) -> np.ndarray:
    """std/mean = sqrt(R - 1) (0 where round-off puts R a hair below 1)."""
    return np.sqrt(np.maximum(np.asarray(ratio, dtype=np.float64) - 1.0, 0.0))


def _cells(stats: xr.Dataset, activation: str, bias_variance: float) -> xr.Dataset:
    return stats.sel(activation=activation, bias_variance=bias_variance)


def largest_relative_std(cells: xr.Dataset, mask: xr.DataArray) -> Extreme:
    """The largest std/mean over the sampled cells where ``mask`` holds (dimensions of
    ``cells``: width, weight_variance, depth), with its cell's bootstrap interval."""
    ratio = cells["second_moment_ratio"].where(mask)
    count = int(ratio.notnull().sum())
    if count == 0:
        return Extreme(NAN, NAN, NAN, "", 0)
    at = {dim: int(i) for dim, i in ratio.argmax(...).items()}
    cell = cells.isel(at)
    where = f"width {int(cell['width'])}, σw² = {float(cell['weight_variance']):g}, depth {int(cell['depth'])}"
    return Extreme(
        float(relative_std(cell["second_moment_ratio"])),
        float(relative_std(cell["second_moment_ratio_lo"])),
        float(relative_std(cell["second_moment_ratio_hi"])),
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


def rank_correlations(cells: xr.Dataset, mask: xr.DataArray, along: str) -> np.ndarray:
    """Spearman's rho of R against ``along`` ('depth' or 'width') for every line of the
    other two dimensions where ``mask`` holds and R is not saturated (NaN lines dropped)."""
    ratio = cells["second_moment_ratio"].where(mask & (cells["saturated"] == 0))
    others = [dim for dim in ("width", "weight_variance", "depth") if dim != along]
    stacked = ratio.stack(line=others).transpose("line", along)
    coordinate = cells[along].values
    rhos = np.array([spearman(coordinate, row) for row in stacked.values])
    return rhos[np.isfinite(rhos)]


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


def collapse(stats: xr.Dataset, activation: str, weight_variance: float, bias_variance: float) -> Collapse:
    """Figure 2: log10 R of every width against L and against L/M, unsaturated cells."""
    cells = stats.sel(activation=activation, bias_variance=bias_variance, weight_variance=weight_variance)
    depths, ratios, widths = [], [], []
    for width in cells["width"].values:
        line = cells.sel(width=width)
        ok = line["second_moment_ratio"].notnull() & (line["saturated"] == 0)
        if int(ok.sum()) >= 2:
            depths.append(line["depth"].values[ok.values].astype(np.float64))
            ratios.append(np.log10(line["second_moment_ratio"].values[ok.values]))
            widths.append(float(width))
    if len(widths) < 2:
        return Collapse(NAN, NAN, NAN)
    by_depth = _spread(depths, ratios)
    by_ratio = _spread([d / w for d, w in zip(depths, widths)], ratios)
    return Collapse(by_depth, by_ratio, by_ratio / by_depth if by_depth > 0 else NAN)


def class_fraction(cells: xr.Dataset, low: float, high: float) -> np.ndarray:
    """Per width: the fraction of sampled cells whose std/mean lies in [low, high)."""
    std = xr.apply_ufunc(relative_std, cells["second_moment_ratio"])
    sampled = cells["second_moment_ratio"].notnull()
    inside = ((std >= low) & (std < high) & sampled).sum(("weight_variance", "depth"))
    return (inside / sampled.sum(("weight_variance", "depth"))).values


def empirical_transition(cells: xr.Dataset, threshold: float) -> float:
    """The smallest sampled sigma_w^2 whose std/mean at the deepest sampled depth reaches
    ``threshold`` (NaN if none): where the map leaves the nearly deterministic class."""
    deepest = cells["second_moment_ratio"].dropna("depth", how="all")["depth"].max()
    line = cells.sel(depth=deepest)["second_moment_ratio"].dropna("weight_variance")
    reached = line["weight_variance"].values[relative_std(line.values) >= threshold]
    return float(reached.min()) if reached.size else NAN


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
        macro("SeedOneReplicates", str(int(stats.attrs["replicates"]))),
        macro("SeedOneSaturationBound", latex_plain(float(stats.attrs["saturation_bound"]))),
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


__all__ = [
    "ORDERED_CHI",
    "CHAOTIC_CHI",
    "Seed001Data",
    "Extreme",
    "relative_std",
    "largest_relative_std",
    "chi_mask",
    "border_mask",
    "rank_correlations",
    "Collapse",
    "collapse",
    "class_fraction",
    "empirical_transition",
    "training_phase_mask",
    "seed001_latex",
]
