"""Seed 001, Section 5: Theorem 3's output variance, its A and the distance of finite
networks from eq. (10), from ``theorem3.nc`` (:mod:`finite_ntk.papers.seed001.theorem3`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from finite_ntk.plotting.style import apply_style

PHASE_COLOURS = {"ordered": "tab:blue", "border": "tab:green", "chaotic": "tab:red"}
WIDTH_MARKERS = ("o", "s", "^", "D", "v", "P")


def _error(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, floor: float | np.ndarray = 0.0) -> np.ndarray:
    """Error bars (2, n) from an interval, its lower end clipped at ``floor`` (on log axes a
    hundredth of the value: an interval reaching below zero is drawn down to there)."""
    low = np.maximum(np.asarray(lo, float), floor)
    return np.vstack([np.clip(values - low, 0.0, None), np.clip(np.asarray(hi, float) - values, 0.0, None)])


def _offsets(count: int, spread: float = 0.06) -> np.ndarray:
    """Multiplicative x offsets so that markers of several series at one depth do not overlap."""
    return np.exp(spread * (np.arange(count) - (count - 1) / 2))


def plot_variance(ds: xr.Dataset) -> plt.Figure:
    """Var f^inf(x) against depth: rows activations, columns phases; Theorem 3 (line), (a)
    (black dots), (b) per width (open markers), (c) and its linearised network (filled
    diamonds, crosses), 95 % intervals; log axes."""
    apply_style()
    activations = [str(a) for a in ds["activation"].values]
    phases = [str(p) for p in ds["phase"].values]
    networks = [str(a) for a in ds["network_activation"].values]
    widths = [int(m) for m in ds["width"].values]
    fig, axes = plt.subplots(
        len(activations),
        len(phases),
        figsize=(3.4 * len(phases) + 0.6, 2.7 * len(activations) + 0.6),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    depth = ds["depth"].values
    mc_depth = ds["network_depth"].values.astype(float)
    shifts = _offsets(len(widths) + 3)
    for i, a in enumerate(activations):
        for j, p in enumerate(phases):
            ax = axes[i, j]
            theory = ds["variance"].sel(activation=a, phase=p).values
            ax.plot(depth, theory, color=PHASE_COLOURS.get(p, "k"), lw=1.6, label="Theorem 3")
            ax.plot(
                depth, ds["q"].sel(activation=a, phase=p).values, color="0.6", lw=0.9, ls=":", label="$q^L$ (Lemma 1)"
            )
            a_cell = ds.sel(activation=a, phase=p)
            v = a_cell["variance_a"].values
            ax.errorbar(
                mc_depth * shifts[0],
                v,
                yerr=_error(v, a_cell["variance_a_lo"].values, a_cell["variance_a_hi"].values, 0.01 * v),
                fmt="o",
                ms=3.5,
                color="k",
                label="(a) Gaussian $f^0$, $\\bar\\Theta^*$",
            )
            if a in networks:
                for m, width in enumerate(widths):
                    cell = ds.sel(network_activation=a, phase=p, width=width)
                    v = cell["variance_b"].values
                    ax.errorbar(
                        mc_depth * shifts[m + 1],
                        v,
                        yerr=_error(v, cell["variance_b_lo"].values, cell["variance_b_hi"].values, 0.01 * v),
                        fmt=WIDTH_MARKERS[m % len(WIDTH_MARKERS)],
                        mfc="none",
                        ms=4,
                        color=plt.get_cmap("viridis")(m / max(len(widths) - 1, 1) * 0.85),
                        label=f"(b) $M = {width}$",
                    )
                cell = ds.sel(network_activation=a, phase=p)
                c_depth = ds["training_depth"].values.astype(float)
                for k, (name, marker, label) in enumerate(
                    (("c", "D", "(c) trained"), ("linearised", "x", "(c) linearised"))
                ):
                    v = cell[f"variance_{name}"].values
                    ax.errorbar(
                        c_depth * shifts[len(widths) + 1 + k],
                        v,
                        yerr=_error(
                            v, cell[f"variance_{name}_lo"].values, cell[f"variance_{name}_hi"].values, 0.01 * v
                        ),
                        fmt=marker,
                        ms=4,
                        color="tab:purple" if name == "c" else "tab:orange",
                        label=f"{label}, $M = {int(ds.attrs['training_width'])}$",
                    )
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            if i == 0:
                ax.set_title(p)
            if j == 0:
                ax.set_ylabel(f"{a}: Var $f^\\infty(x)$")
            if i == len(activations) - 1:
                ax.set_xlabel("depth $L$")
    handles: dict[str, object] = {}
    for ax in axes.ravel():
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=min(len(handles), 4), fontsize=7)
    fig.suptitle(
        f"Theorem 3: output variance after training, S = {int(ds.attrs['samples'])}, "
        f"$q^0_{{sr}} = {float(ds.attrs['input_covariance']):g}$, $\\sigma_b^2 = {float(ds.attrs['bias_variance']):g}$",
        fontsize=10,
    )
    return fig


def plot_a(ds: xr.Dataset) -> plt.Figure:
    """A against depth: one panel per activation, one line per phase (Theorem 3's A, Lemma 2's
    kappas); markers: the mean of sum_s v_s over the (b) networks per width, 95 % intervals."""
    apply_style()
    activations = [str(a) for a in ds["activation"].values]
    networks = [str(a) for a in ds["network_activation"].values]
    widths = [int(m) for m in ds["width"].values]
    fig, axes = plt.subplots(
        1,
        len(activations),
        figsize=(3.4 * len(activations) + 0.4, 3.3),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    depth = ds["depth"].values
    mc_depth = ds["network_depth"].values.astype(float)
    shifts = _offsets(len(widths))
    for i, a in enumerate(activations):
        ax = axes[0, i]
        for p in ds["phase"].values:
            colour = PHASE_COLOURS.get(str(p), "k")
            ax.plot(depth, ds["a"].sel(activation=a, phase=p).values, color=colour, lw=1.5, label=f"A, {p}")
            if a not in networks:
                continue
            for m, width in enumerate(widths):
                cell = ds.sel(network_activation=a, phase=p, width=width)
                v = cell["weight_sum_mean"].values
                ax.errorbar(
                    mc_depth * shifts[m],
                    v,
                    yerr=_error(v, cell["weight_sum_mean_lo"].values, cell["weight_sum_mean_hi"].values, -np.inf),
                    fmt=WIDTH_MARKERS[m % len(WIDTH_MARKERS)],
                    mfc="none",
                    ms=4,
                    color=colour,
                    label=f"(b) $\\sum_s v_s$, $M = {width}$",
                )
        ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
        ax.set_xscale("log", base=2)
        ax.set_title(a)
        ax.set_xlabel("depth $L$")
    axes[0, 0].set_ylabel("$A(\\kappa_1, \\kappa_2)$")
    handles: dict[str, object] = {}
    for ax in axes.ravel():
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=min(len(handles), 3), fontsize=7)
    fig.suptitle(f"Theorem 3's A = S / ($\\kappa_1/\\kappa_2$ + S - 1), S = {int(ds.attrs['samples'])}", fontsize=10)
    return fig


def plot_distance(ds: xr.Dataset) -> plt.Figure:
    """The relative RMS distance of (b), (c) and the linearised network from the theory's
    output for the same f^0, against L/M: rows network activations, columns phases, 95 %
    intervals, log axes."""
    apply_style()
    networks = [str(a) for a in ds["network_activation"].values]
    phases = [str(p) for p in ds["phase"].values]
    widths = [int(m) for m in ds["width"].values]
    fig, axes = plt.subplots(
        len(networks),
        len(phases),
        figsize=(3.4 * len(phases) + 0.6, 2.8 * len(networks) + 0.6),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    mc_depth = ds["network_depth"].values.astype(float)
    c_width = int(ds.attrs["training_width"])
    c_depth = ds["training_depth"].values.astype(float)
    for i, a in enumerate(networks):
        for j, p in enumerate(phases):
            ax = axes[i, j]
            for m, width in enumerate(widths):
                cell = ds.sel(network_activation=a, phase=p, width=width)
                v = cell["distance_b"].values
                ax.errorbar(
                    mc_depth / width,
                    v,
                    yerr=_error(v, cell["distance_b_lo"].values, cell["distance_b_hi"].values, 0.01 * v),
                    fmt=WIDTH_MARKERS[m % len(WIDTH_MARKERS)] + "-",
                    mfc="none",
                    ms=4,
                    lw=0.8,
                    color=plt.get_cmap("viridis")(m / max(len(widths) - 1, 1) * 0.85),
                    label=f"(b) $M = {width}$",
                )
            cell = ds.sel(network_activation=a, phase=p)
            for name, marker, colour, label in (
                ("c", "D", "tab:purple", "(c) trained"),
                ("linearised", "x", "tab:orange", "(c) linearised"),
            ):
                v = cell[f"distance_{name}"].values
                ax.errorbar(
                    c_depth / c_width,
                    v,
                    yerr=_error(v, cell[f"distance_{name}_lo"].values, cell[f"distance_{name}_hi"].values, 0.01 * v),
                    fmt=marker,
                    ms=5,
                    color=colour,
                    label=f"{label}, $M = {c_width}$",
                )
            ax.set_xscale("log")
            ax.set_yscale("log")
            if i == 0:
                ax.set_title(p)
            if j == 0:
                ax.set_ylabel(f"{a}: RMS distance / sd")
            if i == len(networks) - 1:
                ax.set_xlabel("$L/M$")
    handles: dict[str, object] = {}
    for ax in axes.ravel():
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=min(len(handles), 5), fontsize=7)
    fig.suptitle("Distance of finite networks from eq. (10) with the deterministic NTK", fontsize=10)
    return fig


__all__ = ["plot_variance", "plot_a", "plot_distance"]
