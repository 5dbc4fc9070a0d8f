"""Seed 001's figures (Seleznova & Kutyniok): the NTK's normalised second moment over the
(sigma_w^2, depth) plane and Lemma 2's kappas, from ``seed001/phase_stats.nc`` and
``seed001/kappa.nc`` (formats: the reduction in :mod:`finite_ntk.phase_diagram`).

Three kinds of figure, one function each:

- :func:`plot_phase_maps`    maps of R = E[K^2]/E[K]^2 over (sigma_w^2, L), one panel per
  width (Figures 1a, 1b) or per sigma_b^2 (Figure 7), rows = activations; one shared
  logarithmic colour scale, contours at std/mean = t (R = 1 + t^2), the order/chaos border
  chi_1 = 1 dashed, saturated estimates marked x, unsampled cells blank
- :func:`plot_depth_curves`  R against L and against L/M, one curve per width, one column
  per (sigma_w^2, sigma_b^2) (Figure 2)
- :func:`plot_kappa`         kappa_2 or kappa_1/kappa_2 against depth, rows = activations,
  columns = phases, one curve per input covariance q^0_sr (Figures 5, 6)

A requested activation, width, bias variance, point or phase that the data lacks is a
``ValueError`` that names it and lists what the data has.
"""

from __future__ import annotations

import warnings
from typing import Literal, Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib import colors, patheffects, ticker
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import ACTIVATION_LABELS, apply_style

MAP_CMAP = "viridis"
KAPPA_CMAP = "viridis"
WIDTH_CMAP = "plasma"
BORDER_COLOUR = "tab:red"
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


def _draw_map(
    ax: plt.Axes,
    cell: xr.Dataset,
    border: float,
    norm: colors.Normalize,
    thresholds: Sequence[float],
) -> plt.cm.ScalarMappable:
    """One panel: log10 R over (sigma_w^2, depth index), contours, saturation marks, border."""
    weight = cell["weight_variance"].values.astype(float)
    depth = cell["depth"].values
    rows = np.arange(depth.size)
    ratio = cell["second_moment_ratio"].transpose("depth", "weight_variance").values
    log_ratio = np.ma.masked_invalid(np.log10(np.where(ratio > 0, ratio, np.nan)))
    image = ax.pcolormesh(_edges(weight), _edges(rows), log_ratio, cmap=MAP_CMAP, norm=norm, shading="flat")
    if log_ratio.count() >= 4 and min(log_ratio.shape) >= 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no contour levels were found" where all cells lie on one side
            for k, t in enumerate(thresholds):
                colour, style = _threshold_style(k)
                ax.contour(weight, rows, log_ratio, levels=[np.log10(1 + t * t)], colors=[colour],
                           linestyles=[style], linewidths=1.3)
    saturated = cell["saturated"].transpose("depth", "weight_variance").values.astype(bool) & np.isfinite(ratio)
    if saturated.any():
        d, w = np.nonzero(saturated)
        ax.scatter(weight[w], rows[d], marker="x", s=14, linewidths=0.9, color="black", zorder=3, gid="saturated")
    if np.isfinite(border):
        ax.axvline(border, color=BORDER_COLOUR, ls="--", lw=1.5, gid="border", zorder=4)
    if log_ratio.count() == 0:
        ax.text(0.5, 0.5, "not sampled", transform=ax.transAxes, ha="center", va="center", fontsize=8)
    ax.set_xlim(_edges(weight)[[0, -1]])
    ax.set_ylim(-0.5, depth.size - 0.5)
    ax.set_yticks(rows, [str(int(L)) for L in depth])
    ax.grid(False)
    return image


def plot_phase_maps(
    stats: xr.Dataset,
    activation: str | Sequence[str],
    panels: Literal["width", "bias_variance"] = "width",
    bias_variances: float | Sequence[float] | None = None,
    widths: int | Sequence[int] | None = None,
    relative_std_thresholds: Sequence[float] = (0.2, 1.0),
    title: str = "",
) -> plt.Figure:
    """Maps of :math:`\\log_{10} R`, :math:`R = E[K^2]/E[K]^2`, over
    (:math:`\\sigma_w^2`, depth :math:`L`): one row per activation, one column per width
    (``panels="width"``, Figures 1a/1b: ``bias_variances`` one value, ``widths`` the
    columns, None = every width of the data) or per bias variance (``panels="bias_variance"``,
    Figure 7: ``widths`` one value, ``bias_variances`` the columns, None = all).

    One colour scale and colour bar for all panels; contours at :math:`R = 1 + t^2` (the
    relative standard deviation std/mean = t) for each t of ``relative_std_thresholds``;
    the order/chaos border :math:`\\chi_1 = 1` (``border_weight_variance``) as a dashed
    vertical line; saturated estimates (the true R may be far larger) marked x; unsampled
    cells blank.
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
        (a, c): stats.sel({"activation": a, fixed_dim: fixed, column_dim: c})
        for a in activations for c in columns
    }
    finite = np.concatenate([cell["second_moment_ratio"].values.ravel() for cell in cells.values()])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    top = float(np.log10(finite.max())) if finite.size else 1.0
    top = max(top, 1.5 * np.log10(1 + max(thresholds, default=1.0) ** 2), 0.1)
    norm = colors.Normalize(vmin=0.0, vmax=top)

    apply_style()
    n_rows, n_cols = len(activations), len(columns)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.7 * n_cols + 1.2, 2.9 * n_rows + 0.9),
                             sharex=True, sharey=True, squeeze=False, layout="constrained")
    image = None
    any_saturated = False
    for i, a in enumerate(activations):
        for j, c in enumerate(columns):
            ax = axes[i, j]
            cell = cells[(a, c)]
            bias = fixed if fixed_dim == "bias_variance" else c
            border = float(stats["border_weight_variance"].sel(activation=a, bias_variance=bias))
            image = _draw_map(ax, cell, border, norm, thresholds)
            any_saturated |= bool((cell["saturated"].values.astype(bool) & np.isfinite(cell["second_moment_ratio"].values)).any())
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
        Line2D([], [], color=_threshold_style(k)[0], ls=_threshold_style(k)[1], lw=1.5,
               label=f"std = {t:g} mean ($R = {1 + t * t:g}$)")
        for k, t in enumerate(thresholds)
    ]
    handles.append(Line2D([], [], color=BORDER_COLOUR, ls="--", lw=1.5, label=r"border $\chi_1 = 1$"))
    if any_saturated:
        handles.append(Line2D([], [], color="black", marker="x", ls="none", ms=5,
                              label="saturated (true R may be larger)"))
    handles.append(Patch(facecolor="white", edgecolor="0.5", lw=0.6, label="blank: not sampled"))
    legend = fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=7.5, frameon=False)
    for patch in legend.legend_handles:  # white contour: readable against the figure
        if isinstance(patch, Line2D) and patch.get_color() == "white":
            patch.set_path_effects([_outline()])
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _outline() -> patheffects.AbstractPathEffect:
    return patheffects.withStroke(linewidth=2.8, foreground="0.35")


# ---- depth curves ----------------------------------------------------------------------

def plot_depth_curves(
    stats: xr.Dataset,
    activation: str,
    points: Sequence[Sequence[float]],
    widths: Sequence[int] | None = None,
    relative_std_thresholds: Sequence[float] = (),
    title: str = "",
) -> plt.Figure:
    """Figure 2: R against depth L (top row) and against L/M (bottom row), log-log, one
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
    fig, axes = plt.subplots(2, n_cols, figsize=(3.0 * n_cols + 0.6, 6.0), sharey=True, squeeze=False,
                             layout="constrained")
    depth = stats["depth"].values.astype(float)
    bound = None
    if "saturation_bound" in stats.attrs:
        bound = float(stats.attrs["saturation_bound"])
    elif "replicates" in stats.attrs and "saturation_fraction" in stats.attrs:
        bound = float(stats.attrs["replicates"]) * float(stats.attrs["saturation_fraction"])
    any_saturated = False
    for j, (w, b, at, sampled) in enumerate(chosen):
        for m in sampled:
            row = at.sel(width=m)
            value = row["second_moment_ratio"].values
            lo, hi = row["second_moment_ratio_lo"].values, row["second_moment_ratio_hi"].values
            saturated = row["saturated"].values.astype(bool) & np.isfinite(value)
            any_saturated |= bool(saturated.any())
            ok = np.isfinite(value)
            for i, x in enumerate((depth, depth / float(m))):
                ax = axes[i, j]
                ax.fill_between(x[ok], lo[ok], hi[ok], color=colour_of[m], alpha=0.2, lw=0)
                ax.plot(x[ok], value[ok], color=colour_of[m], lw=1.1, label=f"$M = {int(m)}$" if i == 0 else None)
                ax.plot(x[ok & ~saturated], value[ok & ~saturated], "o", ms=3, color=colour_of[m])
                if saturated.any():
                    ax.plot(x[saturated], value[saturated], "o", ms=5, mfc="none", color=colour_of[m], gid="saturated")
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
        axes[0, j].set_title(rf"$\sigma_w^2 = {_number(w)}$, $\sigma_b^2 = {_number(b)}$", fontsize=9)
    axes[0, 0].set_ylabel("(a)  " + R_LABEL)
    axes[1, 0].set_ylabel("(b)  " + R_LABEL)
    drawn = [m for m in all_widths if any(m in sampled for *_, sampled in chosen)]
    handles = [Line2D([], [], color=colour_of[m], marker="o", ms=3, lw=1.1, label=f"$M = {int(m)}$") for m in drawn]
    if any_saturated:
        handles.append(Line2D([], [], color="0.3", marker="o", ls="none", ms=5, mfc="none", label="saturated (true R may be larger)"))
        if bound is not None:
            handles.append(Line2D([], [], color="0.6", ls="--", lw=0.8, label=f"saturation level {bound:g}"))
    if len(relative_std_thresholds):
        handles.append(Line2D([], [], color="0.4", ls=":", lw=0.9,
                              label="std = " + ", ".join(f"{t:g}" for t in relative_std_thresholds) + " mean"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=7.5, frameon=False)
    if bound is not None and any_saturated:
        for ax in axes.ravel():
            ax.axhline(bound, color="0.6", ls="--", lw=0.8)
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
        raise ValueError(f"quantity {quantity!r} is not a per-input-covariance variable of the kappa data; available: {', '.join(candidates)}")
    activations = _pick(kappa, "activation", activations, "activation")
    phases = _pick(kappa, "phase", phases, "phase")
    covariance = kappa["input_covariance"].values.astype(float)
    depth = kappa["depth"].values
    norm = colors.Normalize(vmin=covariance.min(), vmax=covariance.max() if covariance.max() > covariance.min() else covariance.min() + 1)
    cmap = plt.get_cmap(KAPPA_CMAP)

    apply_style()
    fig, axes = plt.subplots(len(activations), len(phases), figsize=(3.3 * len(phases) + 1.0, 2.9 * len(activations) + 0.4),
                             sharex=True, squeeze=False, layout="constrained")
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
            ax.set_title(f"{_activation_label(a)}, {PHASE_LABELS.get(p, p)}: "
                         rf"$\sigma_w^2 = {w:.3g}$, $\sigma_b^2 = {b:.3g}$", fontsize=8.5)
            if i == len(activations) - 1:
                ax.set_xlabel("depth $L$")
            if j == 0:
                ax.set_ylabel(KAPPA_LABELS.get(quantity, quantity))
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.9,
                 label=r"input covariance $q^0_{sr}$")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


__all__ = ["plot_phase_maps", "plot_depth_curves", "plot_kappa"]
