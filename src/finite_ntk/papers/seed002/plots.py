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


def _time_label(t: float) -> str:
    return "no stopping ($t = \\infty$)" if np.isinf(t) else f"$t = {t:g}$"


def plot_projection(ds: xr.Dataset) -> plt.Figure:
    """Figure 6, early stopping (Theorem 3): the norm of the projection operator
    :math:`\\bar\\Theta^{-1}(I - e^{-t\\bar\\Theta})` of the normalised kernel on the training
    set, one colour per stopping time (:math:`t = \\infty`: kernel regression). Top row, per
    data set: against depth at the largest n, the depth scaled to n marked, with the norm of
    the projection term :math:`\\bar\\Theta(x, X)\\bar\\Theta^{-1}(I - e^{-t\\bar\\Theta})` at the
    evaluation point where it is largest (dotted); bottom row:
    against n at the fixed depth (solid) and at the depth scaled to n (dashed)."""
    apply_style()
    names = list(ds["dataset"].values)
    fig, axes = plt.subplots(2, len(names), figsize=(5.0 * len(names), 7.0), squeeze=False)
    depth = ds["depth"].values
    sizes = ds["size"].values
    times = ds["stopping_time"].values
    colours = plt.cm.plasma(np.linspace(0, 0.8, len(times)))
    fixed = int(ds.attrs["fixed_depth"])
    for column, name in enumerate(names):
        norm = ds["operator_norm"].sel(dataset=name)
        shown = str(ds["data_name"].sel(dataset=name).item()) if "data_name" in ds.coords else name
        top, bottom = axes[0, column], axes[1, column]
        for k, t in enumerate(times):
            top.loglog(depth, norm.sel(size=sizes[-1], stopping_time=t), color=colours[k], lw=1.2, label=_time_label(t))
            term = ds["projection_norm"].sel(dataset=name, stopping_time=t).max("test_point")
            top.loglog(depth, term, color=colours[k], lw=0.8, ls=":")
            at_fixed = norm.sel(depth=fixed, stopping_time=t)
            scaled = [
                float(norm.sel(size=n, depth=int(ds["scaled_depth"].sel(dataset=name, size=n)), stopping_time=t))
                for n in sizes
            ]
            bottom.loglog(sizes, at_fixed, color=colours[k], marker="o", ms=3, lw=1.2)
            bottom.loglog(sizes, scaled, color=colours[k], marker="s", ms=3, lw=1, ls="--")
        top.axvline(int(ds["scaled_depth"].sel(dataset=name, size=sizes[-1])), color="gray", lw=0.8, ls="-.")
        top.plot(
            [], [], color="gray", lw=0.8, ls=":", label=r"projection term $|\bar\Theta(x, X)\,\cdot|$, largest $x$"
        )
        top.plot([], [], color="gray", lw=0.8, ls="-.", label="depth scaled to n")
        top.set_title(f"{shown} on the sphere, n = {int(sizes[-1])}")
        top.set_xlabel("depth $L$")
        bottom.plot([], [], color="gray", marker="o", ms=3, lw=1.2, label=f"depth {fixed}")
        bottom.plot([], [], color="gray", marker="s", ms=3, lw=1, ls="--", label="depth scaled to n")
        bottom.set_title(f"{shown}: against the data-set size")
        bottom.set_xlabel("training points $n$")
        for ax in (top, bottom):
            ax.set_ylabel(r"$|\bar\Theta^{-1}(I - e^{-t\bar\Theta})|_2$")
            ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_smallest_eigenvalue(ds: xr.Dataset, stated_depth: int | None = None) -> plt.Figure:
    """Figure 7: smallest eigenvalue of the normalised NTK matrix against depth (log-log),
    one panel per input dimension d, one curve per n, with the growth law
    :math:`\\tfrac34 L/(L + L_{1/2})` fitted to each (dashed; :func:`.report.saturation_half_depth`),
    the limit 3/4 and the stated depth (default: claim seed002.2's, "a depth of 5")."""
    from finite_ntk.papers.seed002.claims import STATED_DEPTH
    from finite_ntk.papers.seed002.report import saturation_half_depth

    stated_depth = STATED_DEPTH if stated_depth is None else stated_depth
    apply_style()
    dimensions = ds["dimension"].values
    fig, axes = plt.subplots(1, len(dimensions), figsize=(4.2 * len(dimensions), 3.6), squeeze=False, sharey=True)
    depth = ds["depth"].values
    keep = depth >= 1  # depth 0 is the Gram matrix, singular for n > dimension
    limit = float(ds.attrs["limit_smallest_eigenvalue"])
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["size"]))
    for ax, dimension in zip(axes[0], dimensions):
        for k, n in enumerate(ds["size"].values):
            curve = ds["smallest_eigenvalue"].sel(dimension=dimension, size=n).values
            ax.loglog(depth[keep], curve[keep], marker="o", ms=2.5, lw=1, color=colours[k], label=f"n = {int(n)}")
            half = saturation_half_depth(depth, curve, limit)
            if np.isfinite(half):
                law = limit * depth[keep] / (depth[keep] + half)
                ax.loglog(depth[keep], law, color=colours[k], lw=0.8, ls="--")
        ax.axhline(limit, color="k", ls="--", lw=1, label="limit 3/4")
        ax.axvline(stated_depth, color="gray", ls=":", lw=1, label=f"depth {stated_depth}")
        ax.plot([], [], color="gray", lw=0.8, ls="--", label=r"$\frac{3}{4} L/(L + L_{1/2})$")
        ax.set_xlabel("depth $L$")
        ax.set_title(f"uniform on the sphere of $R^{{{int(dimension)}}}$")
    axes[0, 0].set_ylabel(r"$\lambda_{\min}$ of the normalised NTK")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_kernel_matrices(ds: xr.Dataset) -> plt.Figure:
    """Figure 2: the normalised NTK matrix of the same points at four (or more) depths, one
    panel each, on one colour scale from 0 to 1; it drifts to :math:`\\tfrac34 I + \\tfrac14 J`."""
    apply_style()
    depths = ds["depth"].values
    fig, axes = plt.subplots(1, len(depths), figsize=(3.2 * len(depths) + 0.8, 3.2), squeeze=False)
    image = None
    for ax, depth, letter in zip(axes[0], depths, "abcdefgh"):
        image = ax.imshow(ds["normalised_ntk"].sel(depth=depth), vmin=0.0, vmax=1.0, cmap="viridis")
        ax.set_title(f"{letter}) $L = {int(depth)}$")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.85, label=r"$\Theta^{(L)}(x_i, x_j) / (L + 1)$")
    fig.suptitle(
        f"{int(ds.attrs['points'])} points on the sphere of $R^{{{int(ds.attrs['dimension'])}}}$; limit 1/4 off the diagonal"
    )
    return fig


def plot_correlation_map(ds: xr.Dataset) -> plt.Figure:
    """Figure 3: the correlation map :math:`\\kappa_1` and its iterates
    :math:`\\kappa_1^{\\circ k}(\\rho)` on [-1, 1], with the identity: strictly increasing,
    above the identity, every iterate pushed towards the fixed point 1."""
    apply_style()
    fig, ax = plt.subplots(figsize=(5.0, 4.0))
    rho = ds["rho0"].values
    iterates = ds["iterate"].values
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(iterates)))
    for k, iterate in enumerate(iterates):
        label = r"$\kappa_1(\rho)$" if iterate == 1 else f"$\\kappa_1^{{\\circ {int(iterate)}}}(\\rho)$"
        ax.plot(rho, ds["correlation_map"].sel(iterate=iterate), color=colours[k], lw=1.2, label=label)
    ax.plot(rho, rho, "k:", lw=1, label="identity")
    ax.set_xlabel(r"$\rho$")
    ax.set_ylabel("iterated correlation map")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_depth_rate(ds: xr.Dataset) -> plt.Figure:
    """Theorem 2's rate and Corollary 1's onset, one curve per input gap
    :math:`1 - \\rho^{(0)}`: (a) :math:`(N_L - 1/4)L` against :math:`\\log L`, straight with slope
    c once past the onset (the fit :math:`c\\log L + b` on the last decade dashed;
    :func:`.report.depth_rate_summary`; pairs near :math:`\\rho^{(0)} = 1` run above the frame
    until their onset); (b) its local slope :math:`d[(N_L - 1/4)L]/d\\log L` against
    :math:`u = L\\sqrt{1 - \\rho^{(0)}}`, reaching the one c of every pair past the onset; (c)
    :math:`L^2(1 - \\rho^{(L)})` against u (log-log), collapsing on :math:`u^2/(1 + au/2)^2`
    (dashed) towards :math:`9\\pi^2/2`, with the fitted onset (half of it)."""
    from finite_ntk.papers.seed002.report import depth_rate_summary

    apply_style()
    summary = depth_rate_summary(ds)
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(14.0, 3.8))
    depth = ds["depth"].values.astype(np.float64)
    gaps = ds["one_minus_rho0"].values
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(gaps)))
    for k, gap in enumerate(gaps):
        scaled = ds["scaled_off_diagonal"].values[:, k]
        onset = ds["onset_coordinate"].values[:, k]
        left.semilogx(depth, scaled, color=colours[k], lw=1, label=f"$1 - \\rho_0$ = {gap:.3g}")
        keep = depth >= 2
        middle.semilogx(onset[keep], np.gradient(scaled[keep], np.log(depth[keep])), color=colours[k], lw=1)
        right.loglog(onset, ds["scaled_gap"].values[:, k], color=colours[k], lw=1)
    lo, hi = summary.decades[-1]
    fitted = [k for k, p in enumerate(summary.pairs) if np.isfinite(p.rates[-1])]
    top = 10.0
    if fitted:
        inside = (depth >= lo) & (depth <= hi)
        k = fitted[-1]
        intercept = np.polyfit(np.log(depth[inside]), ds["scaled_off_diagonal"].values[inside, k], 1)[1]
        line = summary.rate * np.log(depth[inside]) + intercept
        left.semilogx(depth[inside], line, "k--", lw=1, label=f"$c\\log L + b$, c = {summary.rate:.3f}")
        middle.axhline(summary.rate, color="k", ls="--", lw=1, label=f"c = {summary.rate:.3f}")
        top = max(top, 1.5 * float(line.max()))
    left.set_ylim(min(-1.0, float(np.nanmin(ds["scaled_off_diagonal"].values))), top)
    middle.set_ylim(-0.5, 2.0)
    u = np.geomspace(max(float(ds["onset_coordinate"].min()), 1e-3), float(ds["onset_coordinate"].max()), 200)
    a = float(ds.attrs.get("collapse_coefficient", 2 * np.sqrt(2) / (3 * np.pi)))
    right.loglog(u, u**2 / (1 + a * u / 2) ** 2, "k--", lw=1, label=r"$u^2/(1 + au/2)^2$")
    right.axhline(float(ds.attrs["gap_constant"]), color="gray", lw=1, ls=":", label=r"$9\pi^2/2$")
    if np.isfinite(summary.onset_constant):
        for ax in (middle, right):
            ax.axvline(
                summary.onset_constant, color="tab:red", lw=0.8, ls=":", label=f"onset u = {summary.onset_constant:.3g}"
            )
    left.set_xlabel("depth $L$")
    left.set_ylabel(r"$(N_L - 1/4)\,L$")
    middle.set_xlabel(r"$u = L\sqrt{1 - \rho^{(0)}}$")
    middle.set_ylabel(r"$d[(N_L - 1/4)L] / d\log L$")
    right.set_xlabel(r"$u = L\sqrt{1 - \rho^{(0)}}$")
    right.set_ylabel(r"$L^2 (1 - \rho^{(L)})$")
    left.legend(fontsize=6, loc="upper left")
    middle.legend(fontsize=7, loc="upper left")
    right.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def plot_lazy_deviation(datasets: Sequence[xr.Dataset]) -> plt.Figure:
    """Table 1 against width (log-log, :func:`.report.summarise_lazy`): left, the aggregate
    deviation of the last hidden layer, its mean and largest single-neuron deviations and the
    relative aggregate deviation; right, Proposition 4, the change of the inner product
    :math:`h_2(x)\\cdot h_2(x')` of two inputs and of the normalised Gram
    :math:`h_2(x)\\cdot h_2(x')/n`. Means over the networks of each width (each network's mean
    over tokens or pairs), bars one standard deviation over the networks; guides
    :math:`\\propto n^{-1/2}` and :math:`\\propto n^{-1}`."""
    from finite_ntk.papers.seed002.report import summarise_lazy

    apply_style()
    summary = summarise_lazy(datasets)
    widths = summary.widths
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 3.8))
    zero = np.zeros(len(widths))
    series = (
        (left, summary.aggregate, summary.aggregate_sd, r"aggregate $|\Delta h_2|_2$", "tab:red"),
        (left, summary.neuron, summary.neuron_sd, r"single neuron $|\Delta h_{2,j}|$, mean over $j$", "tab:blue"),
        (left, summary.neuron_max, zero, r"single neuron, largest over $j$", "tab:cyan"),
        (left, summary.relative, zero, r"relative $|\Delta h_2| / |h_2^{(0)}|$", "tab:gray"),
        (right, summary.inner_product, summary.inner_product_sd, r"$|\Delta\, h_2(x)\cdot h_2(x')|$", "tab:purple"),
        (right, summary.gram, zero, r"normalised Gram $|\Delta\, h_2(x)\cdot h_2(x')|/n$", "tab:green"),
        (right, summary.cosine, zero, r"cosine $|\Delta\cos(h_2(x), h_2(x'))|$", "tab:olive"),
    )
    for ax, mean, sd, label, colour in series:
        if np.all(np.isfinite(mean)):
            ax.errorbar(widths, mean, yerr=sd, marker="o", ms=3, lw=1, capsize=2, color=colour, label=label)
    left.loglog(widths, summary.neuron[0] * np.sqrt(widths[0] / widths), "k:", lw=1, label=r"$\propto n^{-1/2}$")
    if np.all(np.isfinite(summary.gram)):
        right.loglog(widths, summary.gram[0] * widths[0] / widths, "k:", lw=1, label=r"$\propto n^{-1}$")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(widths, [str(w) for w in widths])
        ax.minorticks_off()
        ax.set_xlabel("width $n$ of both hidden layers")
        ax.legend(fontsize=7)
    left.set_ylabel("deviation from initialisation")
    right.set_ylabel("change during training, mean over pairs")
    left.set_title(f"last hidden layer, {summary.networks} networks per width")
    right.set_title("Proposition 4: inner products of two inputs")
    fig.tight_layout()
    return fig


__all__ = [
    "plot_convergence",
    "plot_projection",
    "plot_smallest_eigenvalue",
    "plot_kernel_matrices",
    "plot_correlation_map",
    "plot_depth_rate",
    "plot_lazy_deviation",
]
