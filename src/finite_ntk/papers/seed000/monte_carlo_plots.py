"""Figures 1-4 (and the K_rr supplement) from ``ntk_stats_<model>.nc``.

Three kinds of figure, one function each:

- :func:`plot_second_moment`     E[K^2]/E[K]^2 against beta, log-linear, exp(5 beta): the plain
                                 ratio (circles) and the log-normal plug-in R_log (diamonds)
- :func:`plot_parity`            |E[dK]/E[K]| against (d beta / n0) exp(5 beta) lr, log-log
- :func:`plot_relative_change`   |E[dK]/E[K]| against beta, log-linear

Error bars are the bootstrap intervals (R_log: its chi-square interval). Saturated plain
ratios (at or near the replicate count, which bounds the estimate) are drawn hollow with the
bound as a dotted line; R_log is drawn hollow where the normality test of log K rejects (it
assumes a Gaussian log K, :mod:`finite_ntk.heavy_tails`). Kernels that vanish identically (ReLU K_rr) are left out with a note.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from finite_ntk.plotting.style import ACTIVATION_COLOURS, ACTIVATION_LABELS, apply_style

OPERATOR_LABELS = {None: "K(x,x)", "uu": r"$K_{uu}(x,x)$", "rr": r"$K_{rr}(x,x)$"}


def _select(stats: xr.Dataset, activation: str, operator: str | None) -> xr.Dataset:
    sel = {"activation": activation}
    if operator is not None:
        sel["operator"] = operator
    return stats.sel(sel)


def _vanishes(stats: xr.Dataset, activation: str, operator: str | None) -> bool:
    if operator is None or "operator_vanishes" not in stats:
        return False
    return bool(stats["operator_vanishes"].sel(activation=activation, operator=operator))


def _error_bars(value: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Asymmetric error bars, clipped at zero length where the interval misses the point
    (possible for a percentile bootstrap of a ratio)."""
    return np.vstack([np.clip(value - lo, 0, None), np.clip(hi - value, 0, None)])


def _relative_change_magnitude(selected: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """|E[dK]/E[K]| and its error bars: the interval of the magnitude is |.| of the signed
    bootstrap bounds, reaching down to 0 where the signed interval straddles zero."""
    lo, hi = selected["relative_delta_k_lo"].values, selected["relative_delta_k_hi"].values
    magnitude = np.abs(selected["relative_delta_k"].values)
    straddles = (lo < 0) & (hi > 0)
    magnitude_lo = np.where(straddles, 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    magnitude_hi = np.maximum(np.abs(lo), np.abs(hi))
    return magnitude, _error_bars(magnitude, magnitude_lo, magnitude_hi)


def _note_vanishing(ax: plt.Axes, left_out: list[str], operator: str | None) -> None:
    if left_out:
        names = ", ".join(ACTIVATION_LABELS[a] for a in left_out)
        ax.text(
            0.02,
            0.02,
            f"{names}: {OPERATOR_LABELS[operator]} is identically zero (not plotted)",
            transform=ax.transAxes,
            fontsize=7,
            va="bottom",
        )


def plot_second_moment(
    stats: xr.Dataset,
    activations: Sequence[str],
    operator: str | None = None,
    title: str = "",
    significance: float = 0.05,
) -> plt.Figure:
    """Normalised second moment against beta (log-linear) with exp(5 beta) and, where the
    data hold it, the finite-width theory: the plain ratio and R_log, whose marker is hollow
    where the normality test of log K rejects at ``significance``."""
    apply_style()
    fig, ax = plt.subplots()
    beta = stats["beta"].values
    order = np.argsort(beta)
    left_out = []
    bound_drawn = False
    for activation in activations:
        if _vanishes(stats, activation, operator):
            left_out.append(activation)
            continue
        s = _select(stats, activation, operator)
        value = s["second_moment_ratio"].values
        err = _error_bars(value, s["second_moment_ratio_lo"].values, s["second_moment_ratio_hi"].values)
        saturated = s["saturated"].values.astype(bool)
        colour = ACTIVATION_COLOURS[activation]
        ax.errorbar(
            beta[~saturated],
            value[~saturated],
            yerr=err[:, ~saturated],
            fmt="o",
            ms=3.5,
            color=colour,
            capsize=2,
            lw=0.8,
            label=ACTIVATION_LABELS[activation],
        )
        if saturated.any():
            ax.errorbar(
                beta[saturated],
                value[saturated],
                yerr=err[:, saturated],
                fmt="o",
                ms=4.5,
                mfc="none",
                color=colour,
                capsize=2,
                lw=0.8,
                label=f"{ACTIVATION_LABELS[activation]} (saturated)",
            )
            if not bound_drawn:
                replicates = float(s["replicates"].max())
                ax.axhline(replicates, color="grey", ls=":", lw=1, label=f"bound: {replicates:.0f} replicates")
                bound_drawn = True
        _plot_log_normal_ratio(ax, beta, s, colour, ACTIVATION_LABELS[activation], significance)
    C = stats.attrs.get("report_C", 5.0)
    ax.plot(beta[order], stats["theory_second_moment"].values[order], "k--", lw=1, label=rf"$\exp({C:g}\beta)$")
    # The exact theory is that of ReLU's value kernel K(x,x) (K_uu for the PINN), not K_rr's.
    if "theory_second_moment_finite_width" in stats and "relu" in activations and operator in (None, "uu"):
        # One value per (width, depth): configurations of equal beta differ, so no line.
        finite = stats["theory_second_moment_finite_width"].values
        if np.isfinite(finite).any():
            label = "exact finite-width theory" + (" (ReLU)" if len(activations) > 1 else "")
            ax.plot(beta, finite, ls="none", marker="_", ms=10, mew=1.5, color="k", label=label)
    ax.set_yscale("log")
    ax.set_xlabel(r"$\beta = d / n$")
    ax.set_ylabel(r"$\mathbb{E}[K^2] / \mathbb{E}[K]^2$" + f"  ({OPERATOR_LABELS[operator]})")
    _note_vanishing(ax, left_out, operator)
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig


def _plot_log_normal_ratio(
    ax: plt.Axes, beta: np.ndarray, selected: xr.Dataset, colour: str, label: str, significance: float
) -> None:
    """R_log = exp(Var log K)/(1 - p0) with its chi-square interval, beside the plain ratio:
    filled where the normality test of log K does not reject at ``significance``."""
    if "log_normal_ratio" not in selected:
        return
    value = selected["log_normal_ratio"].values
    err = _error_bars(value, selected["log_normal_ratio_lo"].values, selected["log_normal_ratio_hi"].values)
    with np.errstate(invalid="ignore"):
        rejected = selected["normality_pvalue"].values < significance
    shown = np.isfinite(value)
    for chosen, suffix, face in ((shown & ~rejected, "", colour), (shown & rejected, ", normality rejected", "none")):
        if chosen.any():
            ax.errorbar(
                beta[chosen],
                value[chosen],
                yerr=err[:, chosen],
                fmt="D",
                ms=3.5,
                mfc=face,
                color=colour,
                alpha=0.75,
                capsize=2,
                lw=0.8,
                label=rf"{label}, $R_{{\log}}$" + suffix,
            )


def plot_parity(
    stats: xr.Dataset, activation: str, operator: str | None = None, large_beta: float = 0.5, title: str = ""
) -> plt.Figure:
    """|E[dK]/E[K]| against the Theorem 2 scaling (d beta / n0) exp(5 beta) lr, log-log,
    with y = x and the points with beta >= ``large_beta`` highlighted."""
    apply_style()
    fig, ax = plt.subplots()
    s = _select(stats, activation, operator)
    theory = stats["theory_relative_delta_k"].values
    magnitude, err = _relative_change_magnitude(s)
    large = stats["beta"].values >= large_beta
    colour = ACTIVATION_COLOURS[activation]
    ax.errorbar(
        theory[~large],
        magnitude[~large],
        yerr=err[:, ~large],
        fmt="o",
        ms=3.5,
        color=colour,
        capsize=2,
        lw=0.8,
        label=rf"{ACTIVATION_LABELS[activation]}, $\beta < {large_beta:g}$",
    )
    if large.any():
        ax.errorbar(
            theory[large],
            magnitude[large],
            yerr=err[:, large],
            fmt="s",
            ms=5,
            mfc="none",
            color="black",
            capsize=2,
            lw=0.8,
            label=rf"outliers: $\beta \geq {large_beta:g}$",
        )
    positive = np.concatenate([theory[theory > 0], magnitude[magnitude > 0]])
    if positive.size:
        span = np.array([positive.min() / 2, positive.max() * 2])
        ax.plot(span, span, "k--", lw=1, label="y = x")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$(d\beta / n_0)\, \exp(5\beta)\, \lambda_{lr}$")
    ax.set_ylabel(r"$|\mathbb{E}[\Delta K] / \mathbb{E}[K]|$" + f"  ({OPERATOR_LABELS[operator]})")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig


def plot_relative_change(
    stats: xr.Dataset, activations: Sequence[str], operator: str | None = None, title: str = ""
) -> plt.Figure:
    """|E[dK]/E[K]| against beta for several activations (log-linear)."""
    apply_style()
    fig, ax = plt.subplots()
    beta = stats["beta"].values
    order = np.argsort(beta)
    left_out = []
    for activation in activations:
        if _vanishes(stats, activation, operator):
            left_out.append(activation)
            continue
        s = _select(stats, activation, operator)
        magnitude, err = _relative_change_magnitude(s)
        ax.errorbar(
            beta[order],
            magnitude[order],
            yerr=err[:, order],
            fmt="o-",
            ms=3.5,
            lw=0.6,
            color=ACTIVATION_COLOURS[activation],
            capsize=2,
            label=ACTIVATION_LABELS[activation],
        )
    ax.plot(
        beta[order],
        stats["theory_relative_delta_k"].values[order],
        "k--",
        lw=1,
        label=r"$(d\beta/n_0)\exp(5\beta)\lambda_{lr}$",
    )
    ax.set_yscale("log")
    ax.set_xlabel(r"$\beta = d / n$")
    ax.set_ylabel(r"$|\mathbb{E}[\Delta K] / \mathbb{E}[K]|$" + f"  ({OPERATOR_LABELS[operator]})")
    _note_vanishing(ax, left_out, operator)
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig
