"""Seed 002's figures: the deep ReLU kernel against depth (Figures 4, 5), the projection
term of the NTK predictor (6), the smallest eigenvalue (7), and Table 1's deviations
against width."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from finite_ntk.plotting.style import apply_style


def plot_convergence(ds: xr.Dataset, title: str = "") -> plt.Figure:
    """Three panels against depth (log): :math:`1 - \\rho^{(L)}` (log) with the law
    :math:`9\\pi^2/(2L^2)`, the normalised NTK with its limit 1/4, and
    :math:`|\\bar\\Theta^{(L)} - 1/4|` (log); one curve per pair of points. Without a
    ``title``, the data set's name (attribute ``data_name``) "on the sphere"."""
    apply_style()
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 3.6))
    depth = ds["depth"].values
    colours = plt.cm.viridis(np.linspace(0, 0.9, ds.sizes["pair"]))
    for k, pair in enumerate(ds["pair"].values):
        label = f"{pair} ($\\rho_0$ = {float(ds['rho0'].values[k]):.2f})"
        row = ds.sel(pair=pair)
        axes[0].loglog(depth, row["one_minus_rho"], color=colours[k], lw=1, label=label)
        axes[1].semilogx(depth, row["normalised_ntk"], color=colours[k], lw=1)
        axes[2].loglog(depth, np.abs(row["off_diagonal_gap"]), color=colours[k], lw=1)
    axes[0].loglog(depth, ds["gap_asymptote"], "k--", lw=1, label=r"$9\pi^2/(2L^2)$")
    axes[1].axhline(float(ds.attrs["off_diagonal_limit"]), color="k", ls="--", lw=1, label="1/4")
    axes[0].set_ylabel(r"$1 - \rho^{(L)}$")
    axes[1].set_ylabel(r"normalised NTK $\Theta^{(L)}(x, x') / (L + 1)$")
    axes[2].set_ylabel(r"$|\Theta^{(L)}(x, x') / (L + 1) - 1/4|$")
    for ax in axes:
        ax.set_xlabel("depth $L$")
    axes[0].legend(fontsize=6, ncol=1, loc="lower left")
    axes[1].legend(fontsize=7)
    if not title and "data_name" in ds.attrs:
        title = f"{ds.attrs['data_name']} on the sphere"
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_projection(ds: xr.Dataset) -> plt.Figure:
    """One panel per data set (titled by its coordinate ``data_name`` when there is one):
    the projection term's norm against depth, largest over the evaluation points (solid) and
    median (dotted), one colour per stopping time."""
    apply_style()
    names = list(ds["dataset"].values)
    fig, axes = plt.subplots(1, len(names), figsize=(5.0 * len(names), 3.6), squeeze=False)
    depth = ds["depth"].values
    times = ds["stopping_time"].values
    colours = plt.cm.plasma(np.linspace(0, 0.8, len(times)))
    for ax, name in zip(axes[0], names):
        norm = ds["projection_norm"].sel(dataset=name)
        for k, t in enumerate(times):
            label = "$t = \\infty$" if np.isinf(t) else f"$t = {t:g}$"
            ax.semilogx(
                depth, norm.sel(stopping_time=t).max("test_point"), color=colours[k], lw=1.2, label=label + " (max)"
            )
            ax.semilogx(depth, norm.sel(stopping_time=t).median("test_point"), color=colours[k], lw=1, ls=":")
        ax.plot([], [], color="gray", lw=1, ls=":", label="median")
        shown = str(ds["data_name"].sel(dataset=name).item()) if "data_name" in ds.coords else name
        ax.set_title(f"{shown} on the sphere, n = {int(ds.attrs['n_train'])}")
        ax.set_xlabel("depth $L$")
        ax.set_ylabel(r"$|\Theta(x, X)\Theta^{-1}(I - e^{-t\Theta})|_2$")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_smallest_eigenvalue(ds: xr.Dataset) -> plt.Figure:
    """Smallest eigenvalue of the normalised NTK matrix against depth, one curve per n."""
    apply_style()
    fig, ax = plt.subplots()
    depth = ds["depth"].values
    keep = depth >= 1  # depth 0 is the Gram matrix, singular for n > dimension
    for n in ds["size"].values:
        ax.semilogy(
            depth[keep],
            ds["smallest_eigenvalue"].sel(size=n).values[keep],
            marker="o",
            ms=3,
            lw=1,
            label=f"n = {int(n)}",
        )
    ax.axhline(float(ds.attrs["limit_smallest_eigenvalue"]), color="k", ls="--", lw=1, label="limit 3/4")
    ax.set_xlabel("depth $L$")
    ax.set_ylabel(r"$\lambda_{\min}$ of the normalised NTK")
    ax.set_title(f"points uniform on the sphere of $R^{{{int(ds.attrs['dimension'])}}}$")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_lazy_deviation(datasets: Sequence[xr.Dataset]) -> plt.Figure:
    """Table 1 against width (log-log): the aggregate deviation of the last hidden layer,
    its mean and largest single-neuron deviations and the relative aggregate deviation
    (means over input tokens, bars one standard deviation)."""
    apply_style()
    ordered = sorted(datasets, key=lambda ds: int(ds.attrs["width"]))
    widths = np.array([int(ds.attrs["width"]) for ds in ordered])
    fig, ax = plt.subplots(figsize=(7.5, 3.6))  # room for the legend on the right
    series = (
        ("aggregate_deviation", r"aggregate $|\Delta h_2|_2$", "tab:red"),
        ("neuron_deviation_mean", r"single neuron $|\Delta h_{2,j}|$, mean over $j$", "tab:blue"),
        ("neuron_deviation_max", r"single neuron, largest over $j$", "tab:cyan"),
        ("relative_deviation", r"relative $|\Delta h_2| / |h_2^{(0)}|$", "tab:gray"),
    )
    for name, label, colour in series:
        mean = np.array([float(ds[name].mean()) for ds in ordered])
        sd = np.array([float(ds[name].std()) for ds in ordered])
        ax.errorbar(widths, mean, yerr=sd, marker="o", ms=3, lw=1, capsize=2, color=colour, label=label)
    reference = np.array([float(ds["neuron_deviation_mean"].mean()) for ds in ordered])
    ax.loglog(widths, reference[0] * np.sqrt(widths[0] / widths), "k:", lw=1, label=r"$\propto n^{-1/2}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.minorticks_off()
    ax.set_xlabel("width $n$ of both hidden layers")
    ax.set_ylabel("deviation from initialisation")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    return fig


__all__ = ["plot_convergence", "plot_projection", "plot_smallest_eigenvalue", "plot_lazy_deviation"]
