"""Seed 001's figures (Seleznova & Kutyniok): the NTK's normalised second moment over the
(sigma_w^2, depth) plane, Lemma 2's kappas and the NTK's change in training, from
``seed001/phase_stats.nc``, ``seed001/kappa.nc`` (formats: the reduction in
:mod:`finite_ntk.papers.seed001`) and ``seed001/training_stats.nc``.

Five kinds of figure, one function each:

- :func:`plot_phase_maps`    maps of R = E[K^2]/E[K]^2 over (sigma_w^2, L), one panel per
  width (Figures 1a, 1b) or per sigma_b^2 (Figure 7), rows = activations; one shared
  logarithmic colour scale of the plain ratio, contours at std/mean = t (R = 1 + t^2) of the
  log-normal plug-in R_log (the estimate that converges where the plain ratio of heavy-tailed
  K does not), dots where the normality test of log K rejects (R_log not trusted there), the
  order/chaos border chi_1 = 1 dashed, saturated estimates marked x, unsampled cells blank
- :func:`plot_training_maps` maps of the relative NTK change ||Theta_T - Theta_0||_F / ||Theta_0||_F
  and the minimal loss after training (Figures 3, 4; the loss relative to the best constant
  output's, its level 1 a contour), of the change after each snapshot step (8, 9) or at each
  width (10, 11); log colour scales, the border dashed, diverged runs and runs stopped at
  the stability edge hatched (no colour at the end of training), early-stopped runs dotted,
  untrained cells blank
- :func:`plot_learning_rate_maps` maps of gradient descent's largest stable learning rate
  2n / lambda_max at initialisation, empirical and from mean-field theory, with the cells
  where the paper's lr exceeds it marked, and of the initial kernel's condition number
  (Figures 3c, 4c, beside Figures 3 and 4)
- :func:`plot_depth_curves`  R against L and against L/M, one curve per width, one column
  per (sigma_w^2, sigma_b^2) (Figure 2)
- :func:`plot_kappa`         kappa_2 or kappa_1/kappa_2 against depth, rows = activations,
  columns = phases, one curve per input covariance q^0_sr (Figures 5, 6)

Every map is drawn by one helper (:func:`_draw_plane`). A requested activation, width,
bias variance, snapshot, point or phase that the data lacks is a ``ValueError`` that names
it and lists what the data has.
"""

from __future__ import annotations

import warnings
from typing import Callable, Literal, NamedTuple, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib import colors, patheffects, ticker
from matplotlib.collections import PatchCollection, QuadMesh
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from finite_ntk.plotting.style import ACTIVATION_LABELS, apply_style

MAP_CMAP = "viridis"
KAPPA_CMAP = "viridis"
WIDTH_CMAP = "plasma"
BORDER_COLOUR = "tab:red"
# Cells whose log K fails the normality test: a small dot in the cell's upper right quarter
# (beside a saturation x at the centre), white with a black edge so that it shows on any colour.
NOT_LOGNORMAL_OFFSET = 0.25  # of a cell's width and height
# Contour colours and styles, one per relative-std threshold (cycled).
THRESHOLD_STYLES: tuple[tuple[str, str], ...] = (("white", "-"), ("tab:orange", "-"), ("tab:pink", "-."))
# Ratios above this span (largest / smallest positive value of a panel) get a log y axis.
LOG_SPAN = 30.0
_TOLERANCE = 1e-9

R_LABEL = r"$R = \mathbb{E}[K^2] / \mathbb{E}[K]^2$"
PHASE_LABELS = {"ordered": "ordered", "border": "border", "chaotic": "chaotic"}
KAPPA_LABELS = {
    "kappa_1": r"$\kappa_1$",
    "kappa_2": r"$\kappa_2$",
    "kappa_ratio": r"$\kappa_1 / \kappa_2$",
}


# ---- selection with clear errors -------------------------------------------------------


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or np.ndim(value) == 0:
        return [value]
    return list(value)  # type: ignore[arg-type]


def _labels(values: Sequence) -> list[str]:
    return [str(v) if isinstance(v, str) else f"{v:g}" for v in values]


def _pick(ds: xr.Dataset | xr.DataArray, dim: str, requested: object, what: str) -> list:
    """The coordinate values of ``dim`` that match ``requested`` (all of them for None),
    as stored; a ValueError names a requested value the data lacks."""
    available = ds[dim].values
    if requested is None:
        return list(available)
    picked = []
    for value in _as_list(requested):
        if available.dtype.kind in "fiu":
            hits = np.flatnonzero(np.isclose(available.astype(float), float(value), rtol=0, atol=_TOLERANCE))
        else:
            hits = np.flatnonzero(available == value)
        if hits.size == 0:
            raise ValueError(
                f"{what} {value!r} is not in the data (coordinate '{dim}'); available: {', '.join(_labels(list(available)))}"
            )
        picked.append(available[hits[0]])
    return picked


def _activation_label(activation: str) -> str:
    return ACTIVATION_LABELS.get(activation, activation)


def _number(value: float) -> str:
    return f"{float(value):g}"


# ---- maps ------------------------------------------------------------------------------


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges halfway between sorted centres (a single centre gets width 1)."""
    centres = np.asarray(centres, dtype=float)
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _threshold_style(k: int) -> tuple[str, str]:
    return THRESHOLD_STYLES[k % len(THRESHOLD_STYLES)]


def _draw_plane(
    ax: plt.Axes,
    weight: np.ndarray,
    depth: np.ndarray,
    values: np.ndarray,
    border: float,
    norm: colors.Normalize,
    cmap: str = MAP_CMAP,
    empty_text: str = "not sampled",
    overlay: Callable[[np.ndarray], None] | None = None,
) -> QuadMesh:
    """A map over (sigma_w^2, depth): ``values`` (depth, sigma_w^2) coloured by ``norm``
    (NaN cells blank), the depths evenly spaced and labelled, the order/chaos border
    ``border`` dashed (gid "border"), ``empty_text`` where no cell has a value.
    ``overlay(rows)`` draws marks between the colours and the border (rows: the depths'
    y positions)."""
    rows = np.arange(depth.size)
    shown = np.ma.masked_invalid(values)
    image = ax.pcolormesh(_edges(weight), _edges(rows), shown, cmap=cmap, norm=norm, shading="flat")
    if overlay is not None:
        overlay(rows)
    if np.isfinite(border):
        ax.axvline(border, color=BORDER_COLOUR, ls="--", lw=1.5, gid="border", zorder=4)
    if shown.count() == 0:
        ax.text(0.5, 0.5, empty_text, transform=ax.transAxes, ha="center", va="center", fontsize=8)
    ax.set_xlim(_edges(weight)[[0, -1]])
    ax.set_ylim(-0.5, depth.size - 0.5)
    ax.set_yticks(rows, [str(int(L)) for L in depth])
    ax.grid(False)
    return image


def _contour_ratio(cell: xr.Dataset) -> tuple[str, str]:
    """The variable the class contours are drawn from and its symbol: R_log where the data
    have it (an older reduction: the plain ratio)."""
    if "log_normal_ratio" in cell:
        return "log_normal_ratio", r"R_{\log}"
    return "second_moment_ratio", "R"


def _not_lognormal(cell: xr.Dataset, significance: float | None) -> np.ndarray:
    """(depth, sigma_w^2): sampled cells whose normality test of log K rejects at ``significance``."""
    if significance is None or "normality_pvalue" not in cell:
        return np.zeros((cell.sizes["depth"], cell.sizes["weight_variance"]), dtype=bool)
    pvalue = cell["normality_pvalue"].transpose("depth", "weight_variance").values
    sampled = np.isfinite(cell["second_moment_ratio"].transpose("depth", "weight_variance").values)
    with np.errstate(invalid="ignore"):
        return sampled & (pvalue < significance)


def _draw_map(
    ax: plt.Axes,
    cell: xr.Dataset,
    border: float,
    norm: colors.Normalize,
    thresholds: Sequence[float],
    significance: float | None = None,
) -> QuadMesh:
    """One panel: log10 of the plain R over (sigma_w^2, depth index); contours of R_log (gid
    "contour"); saturation marks x (gid "saturated"); dots where log K is not Gaussian at
    ``significance`` (gid "not_lognormal"); the border."""
    weight = cell["weight_variance"].values.astype(float)
    depth = cell["depth"].values
    ratio = cell["second_moment_ratio"].transpose("depth", "weight_variance").values
    log_ratio = np.ma.masked_invalid(np.log10(np.where(ratio > 0, ratio, np.nan)))
    contoured = cell[_contour_ratio(cell)[0]].transpose("depth", "weight_variance").values
    with np.errstate(invalid="ignore", divide="ignore"):
        log_contoured = np.ma.masked_invalid(np.log10(np.where(contoured > 0, contoured, np.nan)))
    saturated = cell["saturated"].transpose("depth", "weight_variance").values.astype(bool) & np.isfinite(ratio)
    rejected = _not_lognormal(cell, significance)
    w_edges = _edges(weight)

    def overlay(rows: np.ndarray) -> None:
        if log_contoured.count() >= 4 and min(log_contoured.shape) >= 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "no contour levels were found" where all cells lie on one side
                for k, t in enumerate(thresholds):
                    colour, style = _threshold_style(k)
                    contour = ax.contour(
                        weight,
                        rows,
                        log_contoured,
                        levels=[np.log10(1 + t * t)],
                        colors=[colour],
                        linestyles=[style],
                        linewidths=1.3,
                    )
                    contour.set_gid("contour")
        if saturated.any():
            d, w = np.nonzero(saturated)
            ax.scatter(weight[w], rows[d], marker="x", s=14, linewidths=0.9, color="black", zorder=3, gid="saturated")
        if rejected.any():
            d, w = np.nonzero(rejected)
            widths = w_edges[w + 1] - w_edges[w]
            _dot_cells(
                ax, weight[w] + NOT_LOGNORMAL_OFFSET * widths, rows[d] + NOT_LOGNORMAL_OFFSET, 7, 0.5, "not_lognormal"
            )

    return _draw_plane(ax, weight, depth, log_ratio.filled(np.nan), border, norm, overlay=overlay)


def plot_phase_maps(
    stats: xr.Dataset,
    activation: str | Sequence[str],
    panels: Literal["width", "bias_variance"] = "width",
    bias_variances: float | Sequence[float] | None = None,
    widths: int | Sequence[int] | None = None,
    relative_std_thresholds: Sequence[float] = (0.2, 1.0),
    title: str = "",
    significance: float | None = None,
) -> plt.Figure:
    """Maps of :math:`\\log_{10} R`, :math:`R = E[K^2]/E[K]^2`, over
    (:math:`\\sigma_w^2`, depth :math:`L`): one row per activation, one column per width
    (``panels="width"``, Figures 1a/1b: ``bias_variances`` one value, ``widths`` the
    columns, None = every width of the data) or per bias variance (``panels="bias_variance"``,
    Figure 7: ``widths`` one value, ``bias_variances`` the columns, None = all).

    One colour scale and colour bar for all panels, of the plain ratio
    ``second_moment_ratio``. Class contours at :math:`R = 1 + t^2` (the relative standard
    deviation std/mean = t) for each t of ``relative_std_thresholds``, drawn from the
    log-normal plug-in ``log_normal_ratio`` (:math:`R_{\\log}`, the estimate that converges
    where the plain ratio of a heavy-tailed K under-estimates R; a dataset without it: the
    plain ratio); cells whose normality test of log K rejects at ``significance`` (the
    config's ``heavy_tails.significance``; None: no marks) carry a small dot, R_log is not
    trusted there; the order/chaos border :math:`\\chi_1 = 1` (``border_weight_variance``) as a
    dashed vertical line; saturated plain estimates (the true R may be far larger) marked x;
    unsampled cells blank.
    """
    if panels not in ("width", "bias_variance"):
        raise ValueError(f"panels must be 'width' or 'bias_variance', got {panels!r}")
    activations = _pick(stats, "activation", _as_list(activation), "activation")
    fixed_dim, column_dim = ("bias_variance", "width") if panels == "width" else ("width", "bias_variance")
    fixed_request = bias_variances if panels == "width" else widths
    column_request = widths if panels == "width" else bias_variances
    fixed_what = "bias variance (sigma_b^2)" if fixed_dim == "bias_variance" else "width"
    column_what = "width" if column_dim == "width" else "bias variance (sigma_b^2)"
    if fixed_request is None or len(_as_list(fixed_request)) != 1:
        raise ValueError(f"plot_phase_maps(panels={panels!r}) needs exactly one {fixed_what}, got {fixed_request!r}")
    fixed = _pick(stats, fixed_dim, fixed_request, fixed_what)[0]
    columns = _pick(stats, column_dim, column_request, column_what)
    thresholds = [float(t) for t in relative_std_thresholds]

    cells = {
        (a, c): stats.sel({"activation": a, fixed_dim: fixed, column_dim: c}) for a in activations for c in columns
    }
    finite = np.concatenate([cell["second_moment_ratio"].values.ravel() for cell in cells.values()])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    top = float(np.log10(finite.max())) if finite.size else 1.0
    top = max(top, 1.5 * np.log10(1 + max(thresholds, default=1.0) ** 2), 0.1)
    norm = colors.Normalize(vmin=0.0, vmax=top)

    apply_style()
    n_rows, n_cols = len(activations), len(columns)
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(2.7 * n_cols + 1.2, 2.9 * n_rows + 0.9),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    image = None
    any_saturated = any_rejected = False
    contour_label = _contour_ratio(stats)[1]
    for i, a in enumerate(activations):
        for j, c in enumerate(columns):
            ax = axes[i, j]
            cell = cells[(a, c)]
            bias = fixed if fixed_dim == "bias_variance" else c
            border = float(stats["border_weight_variance"].sel(activation=a, bias_variance=bias))
            image = _draw_map(ax, cell, border, norm, thresholds, significance)
            any_rejected |= bool(_not_lognormal(cell, significance).any())
            any_saturated |= bool(
                (cell["saturated"].values.astype(bool) & np.isfinite(cell["second_moment_ratio"].values)).any()
            )
            column_text = f"$M = {int(c)}$" if column_dim == "width" else rf"$\sigma_b^2 = {_number(c)}$"
            fixed_text = rf"$\sigma_b^2 = {_number(fixed)}$" if fixed_dim == "bias_variance" else f"$M = {int(fixed)}$"
            ax.set_title(f"{_activation_label(a)}: {column_text}, {fixed_text}", fontsize=8.5)
            if i == n_rows - 1:
                ax.set_xlabel(r"$\sigma_w^2$")
            if j == 0:
                ax.set_ylabel("depth $L$")
    colourbar = fig.colorbar(image, ax=axes, shrink=0.9, label=r"$\log_{10} R$, " + R_LABEL)
    for k, t in enumerate(thresholds):
        colour, style = _threshold_style(k)
        colourbar.ax.axhline(np.log10(1 + t * t), color=colour, ls=style, lw=1.5)

    handles = [
        Line2D(
            [],
            [],
            color=_threshold_style(k)[0],
            ls=_threshold_style(k)[1],
            lw=1.5,
            label=f"std = {t:g} mean (${contour_label} = {1 + t * t:g}$)",
        )
        for k, t in enumerate(thresholds)
    ]
    handles.append(Line2D([], [], color=BORDER_COLOUR, ls="--", lw=1.5, label=r"border $\chi_1 = 1$"))
    if any_saturated:
        handles.append(
            Line2D([], [], color="black", marker="x", ls="none", ms=5, label="saturated (true R may be larger)")
        )
    if any_rejected:
        handles.append(
            _dot_handle(rf"$\ln K$ not Gaussian ($p < {significance:g}$): $R_{{\log}}$ not trusted", ms=3.5, mew=0.5)
        )
    handles.append(Patch(facecolor="white", edgecolor="0.5", lw=0.6, label="blank: not sampled"))
    ncol = len(handles) if len(handles) <= 4 else (len(handles) + 1) // 2
    legend = fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=7.5, frameon=False)
    for patch in legend.legend_handles:  # white contour: readable against the figure
        if isinstance(patch, Line2D) and patch.get_color() == "white":
            patch.set_path_effects([_outline()])
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _dot_cells(ax: plt.Axes, x: np.ndarray, y: np.ndarray, size: float, width: float, gid: str) -> None:
    """White dots that mark cells (normality rejected, stopped early); ``gid`` names them."""
    ax.scatter(x, y, marker="o", s=size, facecolor="white", edgecolor="black", linewidths=width, zorder=3, gid=gid)


def _dot_handle(label: str, ms: float, mew: float) -> Line2D:
    """A legend entry for the white dots that mark cells (normality rejected, stopped early)."""
    return Line2D([], [], color="black", marker="o", mfc="white", mec="black", mew=mew, ms=ms, ls="none", label=label)


def _outline() -> patheffects.AbstractPathEffect:
    return patheffects.withStroke(linewidth=2.8, foreground="0.35")


# ---- training maps ---------------------------------------------------------------------

# status codes of seed001/training_stats.nc (attribute status_codes)
NOT_TRAINED, CONVERGED, CAP, DIVERGED, EDGE = -1, 0, 1, 2, 3
DIVERGED_HATCH = "xxxx"
DIVERGED_COLOUR = "0.15"
EDGE_HATCH = "////"
EDGE_COLOUR = "tab:orange"
# The minimal loss relative to the best constant output's (attribute constant_loss): its
# level 1 as a contour in the map and a line on the colour bar.
CONSTANT_LEVEL_COLOUR = "white"
TRAINING_LABELS = {
    "ntk_change_end": r"$\|\Theta_T - \Theta_0\|_F \,/\, \|\Theta_0\|_F$",
    "ntk_change": r"$\|\Theta_t - \Theta_0\|_F \,/\, \|\Theta_0\|_F$",
    "min_loss": "minimal training loss",
    "initial_loss": "initial training loss",
}
# a loss divided by the constant output's loss
RELATIVE_LOSS_LABELS = {
    "min_loss": "minimal loss / best constant output's loss",
    "initial_loss": "initial loss / best constant output's loss",
}
LOSS_QUANTITIES = ("min_loss", "initial_loss")
TRAINING_TITLES = {
    "ntk_change_end": "relative NTK change at the end",
    "ntk_change": "relative NTK change",
    "min_loss": "minimal loss reached",
    "initial_loss": "loss at initialisation",
}
TRAINING_DEFAULTS = {"quantity": ("ntk_change_end", "min_loss"), "snapshot": "ntk_change", "width": "ntk_change_end"}
_CELL_DIMS = ("activation", "width", "weight_variance", "depth")


def _panel_letter(k: int) -> str:
    return f"({chr(ord('a') + k)})"


# A reference level on a colour bar stays this factor inside its ends (visible, not on the edge).
LEVEL_MARGIN = 1.5


def _log_norm(values: Sequence[np.ndarray], include: Sequence[float] = ()) -> colors.LogNorm:
    """A logarithmic colour scale over the positive finite values of ``values`` and the
    levels ``include`` (a reference level that the colour bar shows as a line), each level
    at least ``LEVEL_MARGIN`` inside the ends."""
    every = np.concatenate([np.ravel(v) for v in values]) if values else np.array([])
    every = every[np.isfinite(every) & (every > 0)]
    if every.size and include:
        levels = np.asarray(include, dtype=float)
        every = np.concatenate([every, levels / LEVEL_MARGIN, levels * LEVEL_MARGIN])
    if every.size == 0:
        return colors.LogNorm(vmin=0.1, vmax=1.0)
    low, high = float(every.min()), float(every.max())
    if high <= low * 1.01:
        low, high = low / 1.5, high * 1.5
    return colors.LogNorm(vmin=low, vmax=high)


def _power_of_ten(value: float) -> str:
    """A positive number for a title: 10^k where it is one, else 3 significant digits."""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) < 1e-9:
        return f"10^{{{int(round(exponent))}}}"
    return f"{value:.3g}"


def _training_attribute(stats: xr.Dataset, name: str) -> object:
    if name not in stats.attrs:
        raise ValueError(
            f"the training data has no attribute {name!r}; it has: {', '.join(sorted(stats.attrs)) or 'none'}"
        )
    return stats.attrs[name]


def _training_quantities(stats: xr.Dataset, requested: str | Sequence[str], per_snapshot: bool) -> list[str]:
    candidates = [
        n
        for n, v in stats.data_vars.items()
        if set(_CELL_DIMS) <= set(v.dims) and (("snapshot" in v.dims) == per_snapshot) and v.dtype.kind == "f"
    ]
    quantities = _as_list(requested)
    for q in quantities:
        if q not in candidates:
            kind = "per-snapshot" if per_snapshot else "end-of-training"
            raise ValueError(
                f"quantity {q!r} is not one of the training data's {kind} variables; available: {', '.join(candidates) or 'none'}"
            )
    return quantities


def _hatch_cells(
    ax: plt.Axes, cells: np.ndarray, w_edges: np.ndarray, rows: np.ndarray, hatch: str, colour: str, gid: str
) -> None:
    """Hatch the cells where ``cells`` (depth, sigma_w^2) is True; ``gid`` names them."""
    d, w = np.nonzero(cells)
    patches = [Rectangle((w_edges[j], rows[i] - 0.5), w_edges[j + 1] - w_edges[j], 1.0) for i, j in zip(d, w)]
    ax.add_collection(
        PatchCollection(patches, facecolor="none", edgecolor=colour, hatch=hatch, linewidth=0.0, zorder=2, gid=gid)
    )


def _level_contour(
    ax: plt.Axes, weight: np.ndarray, rows: np.ndarray, grid: np.ndarray, level: float, colour: str, gid: str
) -> bool:
    """A contour of ``grid`` (depth, sigma_w^2; NaN cells left out) at ``level``, drawn in log10
    (gid ``gid``, outlined); False where too few cells have values or none crosses it."""
    with np.errstate(invalid="ignore", divide="ignore"):
        logged = np.ma.masked_invalid(np.log10(np.where(grid > 0, grid, np.nan)))
    if logged.count() < 4 or min(logged.shape) < 2:
        return False
    above, below = (logged > np.log10(level)), (logged < np.log10(level))
    if not (np.ma.any(above) and np.ma.any(below)):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        contour = ax.contour(
            weight, rows, logged, levels=[np.log10(level)], colors=[colour], linestyles=["-"], linewidths=1.4, zorder=3
        )
    contour.set_gid(gid)
    contour.set_path_effects([_outline()])
    return True


class _Marks(NamedTuple):
    """What a training panel marked."""

    diverged: bool
    edge: bool
    dotted: bool
    level: bool


def _draw_training_map(
    ax: plt.Axes,
    values: xr.DataArray,
    status: xr.DataArray,
    stopped: xr.DataArray,
    border: float,
    norm: colors.LogNorm,
    cmap: str,
    blank_unfinished: bool = False,
    level: float | None = None,
) -> tuple[QuadMesh, _Marks]:
    """One panel: a positive quantity over (sigma_w^2, depth) on a log colour scale; diverged
    runs hatched (gid "diverged") and runs stopped at the stability edge hatched otherwise
    (gid "edge"), both blank beneath with ``blank_unfinished`` (end-of-training panels: no
    value at the end) and coloured where a value was recorded otherwise (a snapshot before
    the divergence); the cells flagged in ``stopped`` dotted (gid "stopped_early");
    untrained cells blank; a contour at ``level`` (gid "level"). Returns the mesh and what
    was marked."""
    weight = values["weight_variance"].values.astype(float)
    depth = values["depth"].values
    grid = values.transpose("depth", "weight_variance").values.astype(float)
    code = status.transpose("depth", "weight_variance").values.astype(int)
    dotted = stopped.transpose("depth", "weight_variance").values.astype(bool) & (code == CONVERGED)
    diverged, edge = code == DIVERGED, code == EDGE
    hidden = (code == NOT_TRAINED) | ((diverged | edge) if blank_unfinished else False)
    grid = np.where(hidden, np.nan, grid)
    # a trained cell never disappears: a non-positive value takes the scale's lowest colour
    grid = np.where(np.isfinite(grid) & (grid <= 0), norm.vmin, grid)
    w_edges = _edges(weight)
    drew_level = False

    def overlay(rows: np.ndarray) -> None:
        nonlocal drew_level
        if level is not None:
            drew_level = _level_contour(ax, weight, rows, grid, level, CONSTANT_LEVEL_COLOUR, "level")
        if diverged.any():
            _hatch_cells(ax, diverged, w_edges, rows, DIVERGED_HATCH, DIVERGED_COLOUR, "diverged")
        if edge.any():
            _hatch_cells(ax, edge, w_edges, rows, EDGE_HATCH, EDGE_COLOUR, "edge")
        if dotted.any():
            d, w = np.nonzero(dotted)
            _dot_cells(ax, weight[w], rows[d], 10, 0.6, "stopped_early")

    empty = "not trained" if (code == NOT_TRAINED).all() else "no values"
    image = _draw_plane(ax, weight, depth, grid, border, norm, cmap, empty_text=empty, overlay=overlay)
    return image, _Marks(bool(diverged.any()), bool(edge.any()), bool(dotted.any()), drew_level)


def _relative_loss(stats: xr.Dataset) -> float | None:
    """The best constant output's loss (attribute constant_loss) where the data have it."""
    value = stats.attrs.get("constant_loss")
    return float(value) if value is not None and np.isfinite(float(value)) and float(value) > 0 else None


def plot_training_maps(
    stats: xr.Dataset,
    activation: str,
    panels: Literal["quantity", "snapshot", "width"] = "quantity",
    quantities: str | Sequence[str] | None = None,
    width: int | None = None,
    widths: int | Sequence[int] | None = None,
    snapshots: int | Sequence[int] | None = None,
    title: str = "",
) -> plt.Figure:
    """Seed 001's training results (``seed001/training_stats.nc``) as maps over
    (:math:`\\sigma_w^2`, depth :math:`L`) for one activation, one panel each:

    - ``panels="quantity"`` (Figures 3, 4): one panel per quantity of ``quantities``
      (default the relative NTK change at the end and the minimal loss), at ``width``
      (None: the data's ``main_width``), each with its own colour bar;
    - ``panels="snapshot"`` (Figures 8, 9): the relative change ``ntk_change`` after each
      step of ``snapshots`` (None: all) at ``width``, one shared colour bar, each panel
      titled with its step and its flow time tau = lr x step;
    - ``panels="width"`` (Figures 10, 11): the change at the end for each of ``widths``
      (None: all), one shared colour bar.

    Logarithmic colour scales; the order/chaos border :math:`\\chi_1 = 1` dashed. A loss
    (``min_loss``, ``initial_loss``) is drawn relative to the best constant output's loss
    (attribute ``constant_loss``, where the data have it): the level 1, below which a network
    has learnt something, is a white contour in the map and a line on the colour bar. Runs
    that diverged are hatched x and runs stopped at gradient descent's stability edge
    (status 3) hatched /, never dropped: blank beneath at the end of training (they have no
    end, and their last values would swamp the colour scale), coloured where a value was
    recorded in the snapshot panels (a snapshot before the divergence). Runs that stopped
    early (the loss stalled; by that step, in the snapshot panels) carry a dot, the others
    ran to the step cap; untrained cells are blank. The suptitle names the activation,
    ``title`` and the training data set (attribute ``dataset_description`` or
    ``dataset_name``). A requested activation, width, snapshot or quantity the data lacks
    is a ``ValueError`` naming it.
    """
    if panels not in TRAINING_DEFAULTS:
        raise ValueError(f"panels must be one of {', '.join(map(repr, TRAINING_DEFAULTS))}, got {panels!r}")
    (activation,) = _pick(stats, "activation", activation, "activation")
    names = _training_quantities(
        stats, TRAINING_DEFAULTS[panels] if quantities is None else quantities, per_snapshot=panels == "snapshot"
    )
    if panels != "quantity" and len(names) != 1:
        raise ValueError(f"plot_training_maps(panels={panels!r}) draws one quantity, got {names!r}")
    dataset = _training_attribute(
        stats, "dataset_description" if "dataset_description" in stats.attrs else "dataset_name"
    )
    if panels == "width":
        if width is not None:
            raise ValueError("plot_training_maps(panels='width') takes widths, not width")
        columns = _pick(stats, "width", widths, "width")
    else:
        if widths is not None:
            raise ValueError(f"plot_training_maps(panels={panels!r}) takes one width, not widths")
        requested = width if width is not None else _training_attribute(stats, "main_width")
        what = "width" if width is not None else "main width (attribute main_width)"
        (width,) = _pick(stats, "width", requested, what)
        columns = _pick(stats, "snapshot", snapshots, "snapshot") if panels == "snapshot" else names
    at = stats.sel(activation=activation)
    border = float(at["border_weight_variance"]) if "border_weight_variance" in at else float("nan")
    constant = _relative_loss(stats)
    rate = float(stats.attrs["learning_rate"]) if "learning_rate" in stats.attrs else None

    # (values, status, dotted, panel title, quantity) of each panel
    drawn = []
    for k, column in enumerate(columns):
        if panels == "quantity":
            cell = at.sel(width=width)
            values, name = cell[column], column
            dotted = cell["status"] == CONVERGED
            text = TRAINING_TITLES.get(column, column)
        elif panels == "snapshot":
            cell = at.sel(width=width)
            values, name = cell[names[0]].sel(snapshot=column), names[0]
            dotted = (cell["status"] == CONVERGED) & (cell["steps"] <= column)
            text = f"after {int(column):,} steps"
            if rate is not None:
                text += rf" ($\tau = {_power_of_ten(rate * int(column))}$)"
        else:
            cell = at.sel(width=column)
            values, name = cell[names[0]], names[0]
            dotted = cell["status"] == CONVERGED
            text = f"$M = {int(column)}$"
        if constant is not None and name in LOSS_QUANTITIES:
            values = values / constant
        drawn.append((values, cell["status"], dotted, f"{_panel_letter(k)} {text}", name))

    def label(name: str) -> str:
        if constant is not None and name in LOSS_QUANTITIES:
            return RELATIVE_LOSS_LABELS[name]
        return TRAINING_LABELS.get(name, name)

    def relative(name: str) -> bool:
        return constant is not None and name in LOSS_QUANTITIES

    # end-of-training panels: diverged and edge runs have no value at the end
    blank_unfinished = panels != "snapshot"

    def shown(values: xr.DataArray, status: xr.DataArray) -> np.ndarray:
        code = status.values
        hidden = (code == NOT_TRAINED) | (blank_unfinished & np.isin(code, (DIVERGED, EDGE)))
        return np.where(hidden, np.nan, values.values)

    apply_style()
    n = len(drawn)
    # a colour bar per panel (quantity) or one for all
    size = (4.3 * n, 3.8) if panels == "quantity" else (3.3 * n + 0.9, 3.8)
    fig, axes = plt.subplots(1, n, figsize=size, sharex=True, sharey=True, squeeze=False, layout="constrained")
    axes = axes[0]
    shared = None
    if panels != "quantity":
        shared = _log_norm([shown(v, s) for v, s, *_ in drawn], include=(1.0,) if relative(names[0]) else ())
    marks = _Marks(False, False, False, False)
    any_relative = any(relative(name) for *_, name in drawn)
    for ax, (values, status, dotted, text, name) in zip(axes, drawn):
        norm = shared if shared is not None else _log_norm([shown(values, status)], (1.0,) if relative(name) else ())
        level = 1.0 if relative(name) else None
        image, drew = _draw_training_map(ax, values, status, dotted, border, norm, MAP_CMAP, blank_unfinished, level)
        marks = _Marks(*(a or b for a, b in zip(marks, drew)))
        ax.set_title(text, fontsize=9)
        ax.set_xlabel(r"$\sigma_w^2$")
        if panels == "quantity":
            bar = fig.colorbar(image, ax=ax, shrink=0.9, label=label(name))
            if relative(name):
                bar.ax.axhline(1.0, color="black", lw=1.5, gid="constant_level")
    axes[0].set_ylabel("depth $L$")
    if panels != "quantity":
        bar = fig.colorbar(image, ax=list(axes), shrink=0.9, label=label(names[0]))
        if relative(names[0]):
            bar.ax.axhline(1.0, color="black", lw=1.5, gid="constant_level")

    handles = [Line2D([], [], color=BORDER_COLOUR, ls="--", lw=1.5, label=r"border $\chi_1 = 1$")]
    if any_relative:
        where = "contour, line on the colour bar" if marks.level else "line on the colour bar"
        line = Line2D([], [], color=CONSTANT_LEVEL_COLOUR, lw=1.4, label=f"loss = best constant output's ({where})")
        line.set_path_effects([_outline()])
        handles.append(line)
    if marks.diverged:
        handles.append(
            Patch(facecolor="white", edgecolor=DIVERGED_COLOUR, hatch=DIVERGED_HATCH, lw=0.6, label="diverged")
        )
    if marks.edge:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=EDGE_COLOUR,
                hatch=EDGE_HATCH,
                lw=0.6,
                label=r"stopped at the stability edge (lr $\approx 2n/\lambda_{\max}$)",
            )
        )
    if marks.dotted:
        cap = stats.attrs.get("max_steps")
        others = f"; others ran to the {int(cap):,}-step cap" if cap is not None else ""
        when = "by this step" if panels == "snapshot" else "loss stalled"
        handles.append(_dot_handle(f"stopped early ({when}){others}", ms=4, mew=0.6))
    handles.append(Patch(facecolor="white", edgecolor="0.5", lw=0.6, label="blank: not trained"))
    ncol = len(handles) if len(handles) <= 4 else (len(handles) + 1) // 2
    if panels == "quantity" and len(handles) > 4:
        ncol = 2  # two panels: the long labels in two columns
    legend = fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=7.5, frameon=False)
    for handle in legend.legend_handles:  # the white level line: readable against the figure
        if isinstance(handle, Line2D) and handle.get_color() == CONSTANT_LEVEL_COLOUR:
            handle.set_path_effects([_outline()])

    details = [str(dataset)]
    if "samples" in stats.attrs:
        details.append(f"{int(stats.attrs['samples'])} samples")
    if panels != "width":
        details.append(f"$M = {int(width)}$")
    if rate is not None:
        details.append(f"learning rate {rate:g}")
    if "training_time" in stats.attrs:
        details.append(rf"up to $\tau$ = lr $\times$ steps = {float(stats.attrs['training_time']):g}")
    head = f"{_activation_label(activation)}: {title}" if title else _activation_label(activation)
    fig.suptitle(head + "\n" + ", ".join(details), fontsize=9.5)
    return fig


# ---- the largest stable learning rate and the kernel's condition ------------------------

# The paper's lr above the largest stable one: a white x outlined in black (any colour).
ABOVE_LIMIT_MARKER = "x"
# Theta_0 / K is a float32 kernel: a smallest eigenvalue below this fraction of the largest
# is round-off, and the condition number only known to exceed its inverse.
RESOLVED_EIGENVALUE_FRACTION = 1e-6
UNRESOLVED_HATCH = "\\\\\\\\"
UNRESOLVED_COLOUR = "0.35"
LEARNING_RATE_LABEL = r"largest stable learning rate $2n / \lambda_{\max}$"
CONDITION_LABEL = r"condition number $\lambda_{\max} / \lambda_{\min}$ of $\Theta_0 / K$"
LEARNING_RATE_QUANTITIES = (
    "max_learning_rate",
    "max_learning_rate_theory",
    "kernel_eigenvalue_max",
    "kernel_eigenvalue_min",
)


def _mark_above(ax: plt.Axes, weight: np.ndarray, rows: np.ndarray, above: np.ndarray) -> None:
    """A white x outlined in black in each cell where the paper's lr exceeds the limit (gid
    "above_limit")."""
    if not above.any():
        return
    d, w = np.nonzero(above)
    marks = ax.scatter(
        weight[w], rows[d], marker=ABOVE_LIMIT_MARKER, s=28, linewidths=1.3, color="white", zorder=3, gid="above_limit"
    )
    marks.set_path_effects([patheffects.withStroke(linewidth=2.8, foreground="black")])


def _above_handle() -> Line2D:
    handle = Line2D(
        [],
        [],
        color="white",
        marker=ABOVE_LIMIT_MARKER,
        ls="none",
        ms=6,
        mew=1.3,
        label="paper's lr above the limit (gradient descent diverges or catapults)",
    )
    handle.set_path_effects([patheffects.withStroke(linewidth=2.8, foreground="black")])
    return handle


def plot_learning_rate_maps(
    stats: xr.Dataset,
    activation: str,
    width: int | None = None,
    title: str = "",
) -> plt.Figure:
    """The conditioning of the initial NTK over (:math:`\\sigma_w^2`, depth :math:`L`) for
    one activation at ``width`` (None: the data's ``main_width``), three panels:

    (a) the largest stable learning rate 2n / lambda_max of gradient descent at
        initialisation (``max_learning_rate``, lambda_max of the full nK x nK NTK), untrained
        cells blank; (b) the same from mean-field theory (``max_learning_rate_theory``,
        Lemma 2's deterministic kernel; every cell of the grid); one shared logarithmic
        colour scale, the paper's learning rate (attribute ``learning_rate``) a line on its
        colour bar and a white x in each cell where it exceeds the limit;
    (c) the condition number ``kernel_eigenvalue_max / kernel_eigenvalue_min`` of
        Theta_0 / K, log colour scale; cells whose smallest eigenvalue is below
        ``RESOLVED_EIGENVALUE_FRACTION`` of the largest (float32 round-off, or negative)
        are not coloured but hatched: their condition number is only known to exceed 1e6.

    The order/chaos border dashed in each. A requested activation or width the data lacks,
    or a missing variable, is a ``ValueError`` naming it.
    """
    (activation,) = _pick(stats, "activation", activation, "activation")
    missing = [name for name in LEARNING_RATE_QUANTITIES if name not in stats]
    if missing:
        raise ValueError(
            f"the training data has no {', '.join(missing)} (variables of seed001/training_stats.nc's "
            f"reduction); it has: {', '.join(stats.data_vars)}"
        )
    requested = width if width is not None else _training_attribute(stats, "main_width")
    what = "width" if width is not None else "main width (attribute main_width)"
    (width,) = _pick(stats, "width", requested, what)
    rate = float(_training_attribute(stats, "learning_rate"))
    cell = stats.sel(activation=activation, width=width)
    border = float(cell["border_weight_variance"]) if "border_weight_variance" in cell else float("nan")
    weight = cell["weight_variance"].values.astype(float)
    depth = cell["depth"].values

    def plane(name: str) -> np.ndarray:
        return cell[name].transpose("depth", "weight_variance").values.astype(float)

    trained = plane("status") != NOT_TRAINED if "status" in cell else np.ones((depth.size, weight.size), bool)
    empirical = np.where(trained, plane("max_learning_rate"), np.nan)
    theory = plane("max_learning_rate_theory")
    largest, smallest = np.where(trained, plane("kernel_eigenvalue_max"), np.nan), plane("kernel_eigenvalue_min")
    with np.errstate(invalid="ignore", divide="ignore"):
        unresolved = np.isfinite(largest) & ~(smallest >= RESOLVED_EIGENVALUE_FRACTION * largest)
        condition = np.where(np.isfinite(largest) & ~unresolved, largest / smallest, np.nan)
    limits = [empirical, theory]
    above = [np.isfinite(v) & (rate > v) for v in limits]
    rate_norm = _log_norm(limits, include=(rate,))
    condition_norm = _log_norm([condition])

    apply_style()
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 4.1), sharex=True, sharey=True, squeeze=False, layout="constrained")
    axes = axes[0]
    titles = (
        r"(a) $2n / \lambda_{\max}$, empirical at initialisation",
        "(b) $2n / \\lambda_{\\max}$, mean-field theory (Lemma 2)",
        "(c) condition number of $\\Theta_0 / K$",
    )
    images = []
    for ax, values, marked, text in zip(axes[:2], limits, above, titles):
        images.append(
            _draw_plane(
                ax,
                weight,
                depth,
                values,
                border,
                rate_norm,
                MAP_CMAP,
                empty_text="no values",
                overlay=lambda rows, ax=ax, marked=marked: _mark_above(ax, weight, rows, marked),
            )
        )
        ax.set_title(text, fontsize=9)
    w_edges = _edges(weight)

    def hatch_unresolved(rows: np.ndarray) -> None:
        if unresolved.any():
            _hatch_cells(axes[2], unresolved, w_edges, rows, UNRESOLVED_HATCH, UNRESOLVED_COLOUR, "unresolved")

    images.append(
        _draw_plane(
            axes[2],
            weight,
            depth,
            condition,
            border,
            condition_norm,
            MAP_CMAP,
            empty_text="no resolved value",
            overlay=hatch_unresolved,
        )
    )
    axes[2].set_title(titles[2], fontsize=9)
    for ax in axes:
        ax.set_xlabel(r"$\sigma_w^2$")
    axes[0].set_ylabel("depth $L$")
    bar = fig.colorbar(images[0], ax=list(axes[:2]), shrink=0.9, label=LEARNING_RATE_LABEL)
    bar.ax.axhline(rate, color="black", lw=1.5, gid="learning_rate")
    fig.colorbar(images[2], ax=axes[2], shrink=0.9, label=CONDITION_LABEL)

    handles = [
        Line2D([], [], color=BORDER_COLOUR, ls="--", lw=1.5, label=r"border $\chi_1 = 1$"),
        Line2D([], [], color="black", lw=1.5, label=f"the paper's lr = {rate:g} (line on the colour bar)"),
    ]
    if any(marked.any() for marked in above):
        handles.append(_above_handle())
    if unresolved.any():
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=UNRESOLVED_COLOUR,
                hatch=UNRESOLVED_HATCH,
                lw=0.6,
                label=rf"(c) unresolved ($> 10^{{{int(round(-np.log10(RESOLVED_EIGENVALUE_FRACTION)))}}}$: float32 round-off)",
            )
        )
    handles.append(Patch(facecolor="white", edgecolor="0.5", lw=0.6, label="blank: not trained"))
    ncol = len(handles) if len(handles) <= 4 else (len(handles) + 1) // 2
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=7.5, frameon=False)

    dataset = stats.attrs.get("dataset_description", stats.attrs.get("dataset_name"))
    details = [str(dataset)] if dataset is not None else []
    if "samples" in stats.attrs:
        details.append(f"n = {int(stats.attrs['samples'])} samples")
    details += [f"$M = {int(width)}$", f"paper's learning rate {rate:g}"]
    head = f"{_activation_label(activation)}: {title}" if title else _activation_label(activation)
    fig.suptitle(head + "\n" + ", ".join(details), fontsize=9.5)
    return fig


# ---- depth curves ----------------------------------------------------------------------


def plot_depth_curves(
    stats: xr.Dataset,
    activation: str,
    points: Sequence[Sequence[float]],
    widths: Sequence[int] | None = None,
    relative_std_thresholds: Sequence[float] = (),
    title: str = "",
) -> plt.Figure:
    """Figure 2: R against depth L (top row) and against L/M (middle row), log-log, and
    ln R against L/M on linear axes (bottom row: an exponential in L/M is a straight line), one
    column per (:math:`\\sigma_w^2`, :math:`\\sigma_b^2`) of ``points``, one curve per width
    (None = every width with data at that point). Bands: the bootstrap intervals
    (``_lo``/``_hi``); saturated estimates hollow; dotted lines at R = 1 + t^2 for each t
    of ``relative_std_thresholds``."""
    (activation,) = _pick(stats, "activation", activation, "activation")
    all_widths = _pick(stats, "width", widths, "width")
    chosen = []
    for point in points:
        if len(point) != 2:
            raise ValueError(f"a point of plot_depth_curves is (sigma_w^2, sigma_b^2), got {point!r}")
        (w,) = _pick(stats, "weight_variance", point[0], f"weight variance (sigma_w^2) of point {tuple(point)}")
        (b,) = _pick(stats, "bias_variance", point[1], f"bias variance (sigma_b^2) of point {tuple(point)}")
        at = stats.sel(activation=activation, weight_variance=w, bias_variance=b)
        sampled = [m for m in all_widths if np.isfinite(at["second_moment_ratio"].sel(width=m).values).any()]
        if not sampled:
            raise ValueError(
                f"point (sigma_w^2 = {_number(w)}, sigma_b^2 = {_number(b)}) was not sampled for "
                f"{activation} at any width of {', '.join(_labels(all_widths))}"
            )
        chosen.append((w, b, at, sampled))

    apply_style()
    palette = plt.get_cmap(WIDTH_CMAP)(np.linspace(0.0, 0.85, max(len(all_widths), 1)))
    colour_of = {m: palette[k] for k, m in enumerate(all_widths)}
    n_cols = len(chosen)
    fig, axes = plt.subplots(3, n_cols, figsize=(3.0 * n_cols + 0.6, 8.8), squeeze=False, layout="constrained")
    for row in (0, 1):
        for ax in axes[row, 1:]:
            ax.sharey(axes[row, 0])
    depth = stats["depth"].values.astype(float)
    any_saturated = False
    for j, (w, b, at, sampled) in enumerate(chosen):
        for m in sampled:
            row = at.sel(width=m)
            value = row["second_moment_ratio"].values
            lo, hi = row["second_moment_ratio_lo"].values, row["second_moment_ratio_hi"].values
            saturated = row["saturated"].values.astype(bool) & np.isfinite(value)
            any_saturated |= bool(saturated.any())
            ok = np.isfinite(value)
            for i, x in enumerate((depth, depth / float(m), depth / float(m))):
                ax = axes[i, j]
                y, y_lo, y_hi = (np.log(v) if i == 2 else v for v in (value, lo, hi))
                ax.fill_between(x[ok], y_lo[ok], y_hi[ok], color=colour_of[m], alpha=0.2, lw=0)
                ax.plot(x[ok], y[ok], color=colour_of[m], lw=1.1, label=f"$M = {int(m)}$" if i == 0 else None)
                ax.plot(x[ok & ~saturated], y[ok & ~saturated], "o", ms=3, color=colour_of[m])
                if saturated.any():
                    ax.plot(x[saturated], y[saturated], "o", ms=5, mfc="none", color=colour_of[m], gid="saturated")
        for i in range(2):
            ax = axes[i, j]
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0) if i == 0 else (1.0,)))
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:g}"))
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: f"{y:g}"))
            ax.yaxis.set_minor_formatter(ticker.LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.4)))
            for k, t in enumerate(relative_std_thresholds):
                ax.axhline(1 + t * t, color="0.4", ls=":", lw=0.9)
            ax.set_xlabel("depth $L$" if i == 0 else "$L / M$")
        for t in relative_std_thresholds:
            axes[2, j].axhline(np.log(1 + t * t), color="0.4", ls=":", lw=0.9)
        axes[2, j].set_xlabel("$L / M$")
        axes[0, j].set_title(rf"$\sigma_w^2 = {_number(w)}$, $\sigma_b^2 = {_number(b)}$", fontsize=9)
    axes[0, 0].set_ylabel("(a)  " + R_LABEL)
    axes[1, 0].set_ylabel("(b)  " + R_LABEL)
    axes[2, 0].set_ylabel(r"(c)  $\ln R$ (linear axes)")
    drawn = [m for m in all_widths if any(m in sampled for *_, sampled in chosen)]
    handles = [Line2D([], [], color=colour_of[m], marker="o", ms=3, lw=1.1, label=f"$M = {int(m)}$") for m in drawn]
    if any_saturated:
        handles.append(
            Line2D(
                [], [], color="0.3", marker="o", ls="none", ms=5, mfc="none", label="saturated (true R may be larger)"
            )
        )
    if len(relative_std_thresholds):
        handles.append(
            Line2D(
                [],
                [],
                color="0.4",
                ls=":",
                lw=0.9,
                label="std = " + ", ".join(f"{t:g}" for t in relative_std_thresholds) + " mean",
            )
        )
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=7.5, frameon=False)
    fig.suptitle(f"{_activation_label(activation)}: {title}" if title else _activation_label(activation), fontsize=10)
    return fig


# ---- kappas ----------------------------------------------------------------------------


def plot_kappa(
    kappa: xr.Dataset,
    quantity: str,
    activations: Sequence[str] | None = None,
    phases: Sequence[str] | None = None,
    title: str = "",
) -> plt.Figure:
    """Figures 5 (``quantity="kappa_2"``) and 6 (``"kappa_ratio"``): the quantity against
    depth, one row per activation, one column per phase (ordered, border, chaotic), one
    curve per input covariance :math:`q^0_{sr}` coloured on a sequential scale with a colour
    bar. A panel whose values span more than a factor ``LOG_SPAN`` gets a log y axis.
    For kappa_2, :math:`\\kappa_1` is drawn dashed (equal to kappa_2 at :math:`q^0_{sr} = q^0`);
    for the ratio, the level 1."""
    if quantity not in kappa.data_vars or "input_covariance" not in kappa[quantity].dims:
        candidates = [n for n, v in kappa.data_vars.items() if "input_covariance" in v.dims]
        raise ValueError(
            f"quantity {quantity!r} is not a per-input-covariance variable of the kappa data; available: {', '.join(candidates)}"
        )
    activations = _pick(kappa, "activation", activations, "activation")
    phases = _pick(kappa, "phase", phases, "phase")
    covariance = kappa["input_covariance"].values.astype(float)
    depth = kappa["depth"].values
    norm = colors.Normalize(
        vmin=covariance.min(), vmax=covariance.max() if covariance.max() > covariance.min() else covariance.min() + 1
    )
    cmap = plt.get_cmap(KAPPA_CMAP)

    apply_style()
    fig, axes = plt.subplots(
        len(activations),
        len(phases),
        figsize=(3.3 * len(phases) + 1.0, 2.9 * len(activations) + 0.4),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    for i, a in enumerate(activations):
        for j, p in enumerate(phases):
            ax = axes[i, j]
            values = kappa[quantity].sel(activation=a, phase=p).transpose("input_covariance", "depth").values
            for k, q in enumerate(covariance):
                ax.plot(depth, values[k], color=cmap(norm(q)), lw=1.1)
            if quantity == "kappa_2" and "kappa_1" in kappa:
                ax.plot(depth, kappa["kappa_1"].sel(activation=a, phase=p).values, "k--", lw=1, label=r"$\kappa_1$")
                ax.legend(fontsize=7, loc="best")
            if quantity == "kappa_ratio":
                ax.axhline(1.0, color="0.4", ls=":", lw=0.9)
            finite = values[np.isfinite(values)]
            positive = finite[finite > 0]
            if positive.size and positive.size == finite.size and positive.max() > LOG_SPAN * positive.min():
                ax.set_yscale("log")
            w = float(kappa["weight_variance"].sel(activation=a, phase=p))
            b = float(kappa["bias_variance"].sel(activation=a, phase=p))
            ax.set_title(
                f"{_activation_label(a)}, {PHASE_LABELS.get(p, p)}: "
                rf"$\sigma_w^2 = {w:.3g}$, $\sigma_b^2 = {b:.3g}$",
                fontsize=8.5,
            )
            if i == len(activations) - 1:
                ax.set_xlabel("depth $L$")
            if j == 0:
                ax.set_ylabel(KAPPA_LABELS.get(quantity, quantity))
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.9, label=r"input covariance $q^0_{sr}$")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


__all__ = ["plot_phase_maps", "plot_training_maps", "plot_learning_rate_maps", "plot_depth_curves", "plot_kappa"]
