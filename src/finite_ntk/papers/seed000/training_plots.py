"""Figures 5-10 and the kernel-evolution supplement S1 from the training netCDFs.

One function per kind of figure:

- :func:`plot_kernel_triptych`      three NTK heatmaps on one colour scale (Figures 5, 6)
- :func:`plot_poisson_solution`     exact solution, PINN prediction, error, loss curves (Figure 7)
- :func:`plot_init_kernels`         NTK at initialisation as beta -> 0, rows = depth (Figure 8)
- :func:`plot_training_comparison`  NTK at init and after training, spectra, prediction (Figures 9, 10)
- :func:`plot_kernel_evolution`     |K_t - K_0|_F / |K_0|_F against the step for several beta (S1)

:func:`training_figure` maps a figure name of the report (seed000fig5 .. seed000fig10, seed000figS1) to its
function and inputs: the one place the workflow and the tests take that mapping from.

Panels that are compared share their colour scale (one colour bar per group).
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib import colors

from finite_ntk.plotting.style import ACTIVATION_COLOURS, ACTIVATION_LABELS, apply_style

KERNEL_CMAP = "viridis"


def _architecture(ds: xr.Dataset) -> str:
    return f"width {ds.attrs['width']}, depth {ds.attrs['depth']}, $\\beta$ = {ds.attrs['beta']:.4g}"


def _heatmap(ax: plt.Axes, matrix: np.ndarray, norm: colors.Normalize, title: str) -> plt.cm.ScalarMappable:
    image = ax.imshow(matrix, cmap=KERNEL_CMAP, norm=norm, interpolation="nearest", origin="upper")
    ax.set_title(title, fontsize=8)
    ax.set_xlabel("sample index j")
    ax.set_ylabel("sample index i")
    ax.grid(False)
    return image


def _shared_norm(matrices: Sequence[np.ndarray]) -> colors.Normalize:
    """One colour scale for all ``matrices``: linear, or symmetric-logarithmic where their
    magnitudes differ by more than a factor 20 (a kernel that grew in training would
    otherwise leave the others as flat colour); the linear range then reaches up to a
    tenth of the smallest panel's largest magnitude."""
    lo = min(float(np.min(m)) for m in matrices)
    hi = max(float(np.max(m)) for m in matrices)
    if not hi > lo:
        return colors.Normalize(vmin=lo, vmax=lo + 1.0)
    scales = [float(np.max(np.abs(m))) for m in matrices]
    smallest = min(s for s in scales if s > 0) if any(s > 0 for s in scales) else 0.0
    if smallest > 0 and max(scales) > 20 * smallest:
        return colors.SymLogNorm(linthresh=smallest / 10, vmin=lo, vmax=hi, base=10)
    return colors.Normalize(vmin=lo, vmax=hi)


def _scale_label(norm: colors.Normalize, what: str = "kernel value") -> str:
    kind = "shared scale, symmetric log" if isinstance(norm, colors.SymLogNorm) else "shared scale"
    return f"{what} ({kind})"


def plot_kernel_triptych(panels: Sequence[tuple[str, np.ndarray]], title: str) -> plt.Figure:
    """Heatmaps of three (or more) kernel matrices side by side on one colour scale."""
    apply_style()
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3.2), constrained_layout=True)
    norm = _shared_norm([m for _, m in panels])
    image = None
    for ax, (name, matrix) in zip(np.atleast_1d(axes), panels):
        image = _heatmap(ax, matrix, norm, name)
    fig.colorbar(image, ax=axes, shrink=0.85, label=_scale_label(norm))
    fig.suptitle(title, fontsize=9)
    return fig


def fnn_triptych(ds: xr.Dataset) -> plt.Figure:
    """Figure 5: infinite-width NTK, empirical NTK at init and after training."""
    last = int(ds["step"].values[-1])
    panels = [
        ("(a) infinite-width NTK", ds["ntk_infinite"].values),
        ("(b) empirical NTK at initialisation", ds["ntk"].sel(step=0).values),
        (f"(c) empirical NTK after {last} epochs", ds["ntk"].sel(step=last).values),
    ]
    n = ds.sizes["i"]
    return plot_kernel_triptych(panels, f"FNN, {ds.attrs['activation']}, N = {n}, {_architecture(ds)}")


def pinn_triptych(ds: xr.Dataset, kernel: str = "uu") -> plt.Figure:
    """Figure 6: PINN K_uu (or K_rr) at init, infinite width, after training."""
    last = int(ds["step"].values[-1])
    name = {"uu": "$K_{uu}$", "rr": "$K_{rr}$"}[kernel]
    panels = [(f"empirical {name} at initialisation", ds[f"ntk_{kernel}"].sel(step=0).values)]
    if f"ntk_{kernel}_infinite" in ds:
        panels.append((f"infinite-width {name}", ds[f"ntk_{kernel}_infinite"].values))
    panels.append((f"empirical {name} after {last} steps", ds[f"ntk_{kernel}"].sel(step=last).values))
    n = ds.sizes["i"]
    label = ACTIVATION_LABELS.get(ds.attrs["activation"], ds.attrs["activation"])
    return plot_kernel_triptych(panels, f"PINN, {label}, N = {n} interior points, {_architecture(ds)}")


def plot_poisson_solution(ds: xr.Dataset, others: Sequence[xr.Dataset] = ()) -> plt.Figure:
    """Figure 7: exact solution, trained PINN prediction, absolute error on the test grid,
    and the training loss (total, residual, boundary) and relative L2 error; ``others``
    (e.g. the ReLU PINN) are added to the loss panel for comparison."""
    apply_style()
    fig, axes = plt.subplots(1, 4, figsize=(15.0, 3.4), constrained_layout=True)
    last = int(ds["step"].values[-1])
    exact = ds["exact"].values
    prediction = ds["prediction"].sel(step=last).values
    extent = (
        float(ds["x_test"].min()),
        float(ds["x_test"].max()),
        float(ds["y_test"].min()),
        float(ds["y_test"].max()),
    )
    norm = _shared_norm([exact, prediction])
    for ax, matrix, title in (
        (axes[0], exact, "exact $u = \\sin(\\pi x)\\sin(\\pi y)$"),
        (axes[1], prediction, f"PINN prediction (step {last})"),
    ):
        image = ax.imshow(matrix, origin="lower", extent=extent, cmap=KERNEL_CMAP, norm=norm)
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.grid(False)
    fig.colorbar(image, ax=axes[:2], shrink=0.85, label=_scale_label(norm, "u"))
    error = np.abs(prediction - exact)
    image = axes[2].imshow(error, origin="lower", extent=extent, cmap="magma")
    axes[2].set_title(f"|error|, relative L2 = {float(ds['relative_l2_error'].sel(step=last)):.2e}", fontsize=8)
    axes[2].set_xlabel("x")
    axes[2].set_ylabel("y")
    axes[2].grid(False)
    fig.colorbar(image, ax=axes[2], shrink=0.85)
    ax = axes[3]
    for d in (ds, *others):
        activation = d.attrs["activation"]
        colour = ACTIVATION_COLOURS.get(activation, "k")
        label = ACTIVATION_LABELS.get(activation, activation)
        steps = d["train_step"].values + 1
        ax.loglog(steps, d["loss"].values, color=colour, lw=1.0, label=f"{label}: total loss")
        ax.loglog(steps, d["loss_residual"].values, color=colour, lw=0.7, ls="--", label=f"{label}: residual")
        ax.loglog(
            steps,
            d.attrs["boundary_weight"] * d["loss_boundary"].values,
            color=colour,
            lw=0.7,
            ls=":",
            label=f"{label}: $\\lambda\\,\\times$ boundary",
        )
        ax.loglog(
            d["step"].values + 1,
            d["relative_l2_error"].values,
            "o-",
            color=colour,
            ms=3,
            lw=0.8,
            alpha=0.7,
            label=f"{label}: relative L2 error",
        )
    ax.set_xlabel("training step + 1")
    ax.set_title("training loss and test error", fontsize=8)
    ax.legend(fontsize=6)
    fig.suptitle(f"Poisson PINN, {_architecture(ds)}", fontsize=9)
    return fig


def plot_init_kernels(ds: xr.Dataset) -> plt.Figure:
    """Figure 8: NTK matrices at initialisation; rows = depth, columns = width with beta
    decreasing to the right, last column the infinite-width NTK of that depth. Each row
    shares one colour scale."""
    apply_style()
    depths = ds["depth"].values
    widths = ds["width"].values
    order = np.argsort(widths)
    ncols = len(widths) + 1
    fig, axes = plt.subplots(
        len(depths), ncols, figsize=(2.5 * ncols, 2.4 * len(depths)), constrained_layout=True, squeeze=False
    )
    for a, depth in enumerate(depths):
        row = [ds["ntk"].isel(depth=a, width=b).values for b in order] + [ds["ntk_infinite"].isel(depth=a).values]
        norm = _shared_norm(row)
        image = None
        for c, matrix in enumerate(row):
            if c < len(order):
                b = order[c]
                title = f"n = {widths[b]}, d = {depth}, $\\beta$ = {float(ds['beta'].isel(depth=a, width=b)):.3g}"
            else:
                title = f"infinite width, d = {depth}"
            image = _heatmap(axes[a, c], matrix, norm, title)
            axes[a, c].set_xlabel("j")
            axes[a, c].set_ylabel("i")
        fig.colorbar(image, ax=axes[a, :], shrink=0.85, label=_scale_label(norm))
    fig.suptitle(
        f"NTK at initialisation as $\\beta \\to 0$ ({ds.attrs['activation']}, N = {ds.sizes['i']})", fontsize=9
    )
    return fig


def _condition(ds: xr.Dataset, step: int) -> str:
    """Condition number at ``step``; a lower bound (">=") where lambda_min is round-off."""
    value = float(ds["condition_number"].sel(step=step))
    resolved = bool(ds["condition_number_resolved"].sel(step=step))
    return f"{value:.2e}" if resolved else f"$\\geq$ {value:.2e} (round-off)"


def plot_training_comparison(ds: xr.Dataset, label: str = "") -> plt.Figure:
    """Figures 9 and 10: (a) NTK at init, (b) after training (shared colour scale),
    (c) eigenvalue spectra at init, after training and at infinite width, (d) the trained
    prediction against the target on [-1, 1]."""
    apply_style()
    last = int(ds["step"].values[-1])
    fig, axes = plt.subplots(2, 2, figsize=(9.0, 7.4), constrained_layout=True)
    k0 = ds["ntk"].sel(step=0).values
    kt = ds["ntk"].sel(step=last).values
    norm = _shared_norm([k0, kt])
    _heatmap(axes[0, 0], k0, norm, "(a) NTK at initialisation")
    image = _heatmap(axes[0, 1], kt, norm, f"(b) NTK after {last} epochs")
    fig.colorbar(image, ax=axes[0, :], shrink=0.85, label=_scale_label(norm))
    ax = axes[1, 0]
    index = ds["eig"].values + 1
    for values, style, name in (
        (ds["eigenvalues"].sel(step=0).values, "-", f"initialisation (condition number {_condition(ds, 0)})"),
        (
            ds["eigenvalues"].sel(step=last).values,
            "-",
            f"after {last} epochs (condition number {_condition(ds, last)})",
        ),
        (ds["eigenvalues_infinite"].values, "--", "infinite width"),
    ):
        positive = values > 0
        ax.loglog(index[positive], values[positive], style, lw=1.0, label=name)
    floor = ds.sizes["eig"] * np.finfo(np.dtype(ds.attrs["precision"])).eps * float(ds["eigenvalues"].sel(step=0)[0])
    ax.axhline(floor, color="grey", ls=":", lw=0.8, label=f"{ds.attrs['precision']} round-off level")
    ax.set_title("(c) eigenvalue spectra", fontsize=8)
    ax.set_xlabel("eigenvalue index")
    ax.set_ylabel("eigenvalue")
    ax.legend(fontsize=6)
    ax = axes[1, 1]
    ax.plot(ds["x_test"].values, ds["target"].values, color="k", lw=1.0, label="target")
    ax.plot(
        ds["x_test"].values,
        ds["prediction"].sel(step=last).values,
        color="tab:red",
        lw=1.0,
        label=f"prediction after {last} epochs",
    )
    ax.plot(
        ds["x_test"].values,
        ds["prediction"].sel(step=0).values,
        color="tab:grey",
        lw=0.7,
        ls=":",
        label="prediction at initialisation",
    )
    ax.plot(ds["x"].values, ds["target_train"].values, ".", color="k", ms=2, label="training points")
    ax.set_title(f"(d) prediction against target; training MSE {ds.attrs['final_loss']:.2e}", fontsize=8)
    ax.set_xlabel("x")
    ax.legend(fontsize=6)
    fig.suptitle(f"{label}FNN, {ds.attrs['activation']}, {_architecture(ds)}", fontsize=9)
    return fig


def plot_kernel_evolution(datasets: Sequence[xr.Dataset], pinn: Sequence[xr.Dataset] = ()) -> plt.Figure:
    """Supplement S1: relative NTK change |K_t - K_0|_F / |K_0|_F against the training
    step, one line per FNN architecture coloured by beta (and K_uu / K_rr of the PINNs)."""
    apply_style()
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    betas = [d.attrs["beta"] for d in datasets]
    norm = colors.LogNorm(vmin=min(betas), vmax=max(betas) if max(betas) > min(betas) else min(betas) * 10)
    cmap = plt.get_cmap("plasma")  # 0 .. 0.85 of it: the pale yellow end is unreadable on white
    for d in sorted(datasets, key=lambda d: d.attrs["beta"]):
        steps = d["step"].values
        keep = steps > 0
        ax.loglog(
            steps[keep],
            d["relative_change"].values[keep],
            "o-",
            ms=3,
            lw=1.0,
            color=cmap(0.85 * norm(d.attrs["beta"])),
            label=f"FNN n = {d.attrs['width']}, d = {d.attrs['depth']} ($\\beta$ = {d.attrs['beta']:.3g})",
        )
    for d in pinn:
        steps = d["step"].values
        keep = steps > 0
        colour = ACTIVATION_COLOURS.get(d.attrs["activation"], "k")
        name = ACTIVATION_LABELS.get(d.attrs["activation"], d.attrs["activation"])
        ax.loglog(
            steps[keep],
            d["relative_change_uu"].values[keep],
            "s--",
            ms=3,
            lw=0.8,
            color=colour,
            label=f"PINN {name} $K_{{uu}}$ ($\\beta$ = {d.attrs['beta']:.3g})",
        )
        if "relative_change_rr" in d:
            ax.loglog(
                steps[keep],
                d["relative_change_rr"].values[keep],
                "^:",
                ms=3,
                lw=0.8,
                color=colour,
                label=f"PINN {name} $K_{{rr}}$",
            )
    rates = sorted({d.attrs["learning_rate"] for d in (*datasets, *pinn)})
    ax.set_xlabel(f"training step (full-batch Adam, learning rate {', '.join(f'{r:g}' for r in rates)})")
    ax.set_ylabel(r"$\|K_t - K_0\|_F / \|K_0\|_F$")
    ax.set_title("Evolution of the empirical NTK over training", fontsize=9)
    ax.legend(fontsize=6)
    return fig
