"""The convergence figures (one per activation) from ``monte_carlo/convergence.nc``
(:mod:`finite_ntk.papers.seed000.convergence`).

x = number of draws N (log), y = the estimate of R = E[K^2]/E[K]^2 (log), one panel per
width, one colour per beta (the same in every panel): the plain ratio (dashed, squares), the
log-normal plug-in R_log (solid, circles) with its chi-square band, exp(5 beta) (dash-dot,
horizontal) and the bound R <= N that the plain ratio cannot cross (grey, dotted). R_log's
marker is hollow where the normality test of log K rejects (p < ``significance``): there
R_log is not a licensed estimate of R. A ``theory_finite_width`` variable (over config, or
activation and config), when the dataset has one, is drawn as a second horizontal line per
configuration (dotted).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from finite_ntk.plotting.style import ACTIVATION_LABELS, apply_style

FINITE_WIDTH_THEORY = "theory_finite_width"
PANEL_WIDTH = 4.2  # inches per width panel
PANEL_HEIGHT = 3.8


def beta_colours(beta: np.ndarray) -> dict[float, tuple[float, ...]]:
    """One colour per distinct beta (viridis, from dark at the smallest to yellow-green)."""
    distinct = sorted({float(b) for b in beta})
    cmap = plt.get_cmap("viridis")
    positions = np.linspace(0.0, 0.85, len(distinct)) if len(distinct) > 1 else [0.0]
    return {b: cmap(p) for b, p in zip(distinct, positions)}


def _theory_of(ds: xr.Dataset, name: str, activation: str) -> np.ndarray | None:
    """A per-config theory curve (over config, or activation and config), or None where the
    dataset has none for this activation (absent, or NaN throughout)."""
    if name not in ds:
        return None
    values = ds[name]
    if "activation" in values.dims:
        values = values.sel(activation=activation)
    curve = np.asarray(values.values, dtype=np.float64)
    return curve if np.isfinite(curve).any() else None


def plot_convergence(
    ds: xr.Dataset,
    activation: str,
    significance: float = 0.05,
    title: str = "",
    fig: plt.Figure | None = None,
) -> plt.Figure:
    """The convergence figure of one activation (module docstring); drawn into ``fig``
    (cleared first) when given."""
    apply_style()
    widths = sorted({int(w) for w in ds["width"].values})
    if fig is None:
        fig = plt.figure(figsize=(PANEL_WIDTH * len(widths), PANEL_HEIGHT))
    else:
        fig.clear()
    axes = fig.subplots(1, len(widths), sharey=True, squeeze=False)[0]
    s = ds.sel(activation=activation)
    draws = ds["draws"].values.astype(np.float64)
    colours = beta_colours(ds["beta"].values)
    finite_width = _theory_of(ds, FINITE_WIDTH_THEORY, activation)
    confidence = float(ds.attrs.get("confidence", 0.95))
    # The axes span the estimates, exp(5 beta) and the bound, not the widest bands (at N = 100
    # a chi-square band can span tens of decades).
    shown = [ds["theory_exp5beta"].values, draws]
    shown += [s[name].values for name in ("second_moment_ratio", "log_normal_ratio")]
    if finite_width is not None:
        shown.append(finite_width)
    values = np.concatenate([np.ravel(v) for v in shown]).astype(np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    for ax, width in zip(axes, widths):
        configs = [int(c) for c in np.flatnonzero(ds["width"].values == width)]
        configs.sort(key=lambda c: float(ds["beta"].values[c]))
        for c in configs:
            beta = float(ds["beta"].values[c])
            depth = int(ds["depth"].values[c])
            colour = colours[beta]
            row = s.isel(config=c)
            plain = row["second_moment_ratio"].values
            r_log = row["log_normal_ratio"].values
            lo, hi = row["log_normal_ratio_lo"].values, row["log_normal_ratio_hi"].values
            rejected = row["normality_pvalue"].values < significance
            ax.plot(draws, plain, ls="--", marker="s", ms=3, lw=1, color=colour)
            ax.fill_between(draws, lo, hi, color=colour, alpha=0.2, lw=0)
            ax.plot(draws, r_log, ls="-", lw=1.2, color=colour, label=rf"$d = {depth}$, $\beta = {beta:g}$")
            ax.plot(draws[~rejected], r_log[~rejected], ls="none", marker="o", ms=4, color=colour)
            ax.plot(draws[rejected], r_log[rejected], ls="none", marker="o", ms=4.5, mfc="none", color=colour)
            ax.axhline(float(ds["theory_exp5beta"].values[c]), color=colour, ls="-.", lw=0.9)
            if finite_width is not None and np.isfinite(finite_width[c]):
                ax.axhline(finite_width[c], color=colour, ls=":", lw=1.2)
        ax.plot(draws, draws, color="grey", ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of draws $N$")
        ax.set_title(f"width $n = {width}$", fontsize=9)
        ax.legend(loc="best", fontsize=7)
    if values.size:
        axes[0].set_ylim(values.min() / 2, values.max() * 5)
    axes[0].set_ylabel(r"estimate of $\mathbb{E}[K^2] / \mathbb{E}[K]^2$")
    grey = "0.3"
    styles = [
        Line2D([], [], ls="--", marker="s", ms=3, lw=1, color=grey, label="plain ratio (at most $N$)"),
        Line2D(
            [], [], ls="-", marker="o", ms=4, lw=1.2, color=grey, label=rf"$R_{{\log}}$, {confidence:.0%} $\chi^2$ band"
        ),
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            ms=4.5,
            mfc="none",
            color=grey,
            label=rf"normality rejected ($p < {significance:g}$)",
        ),
        Line2D([], [], ls="-.", lw=0.9, color=grey, label=r"$\exp(5\beta)$"),
        Line2D([], [], ls=":", lw=1, color="grey", label=r"bound $R \leq N$"),
    ]
    if finite_width is not None:
        styles.append(Line2D([], [], ls=":", lw=1.2, color=grey, label="finite-width theory"))
    fig.legend(handles=styles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7, frameon=False)
    fig.suptitle(title or f"FNN, {ACTIVATION_LABELS.get(activation, activation)}: convergence with the number of draws")
    fig.tight_layout()
    return fig
