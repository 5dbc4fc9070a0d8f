"""Figures 1a-4b and the K_rr supplement (S2a, S2b) from the reduced statistics."""

import xarray as xr

from finite_ntk.plotting.monte_carlo import plot_parity, plot_relative_change, plot_second_moment
from finite_ntk.plotting.style import save_figure

config = snakemake.config  # noqa: F821
activations = config["activations"]
large_beta = config["monte_carlo"]["large_beta"]
out = snakemake.params.figures  # noqa: F821
with xr.open_dataset(snakemake.input.fnn) as fnn, xr.open_dataset(snakemake.input.pinn) as pinn:  # noqa: F821
    figures = {
        "fig1a": plot_second_moment(fnn, ["relu"], title="FNN, ReLU: Theorem 1"),
        "fig1b": plot_parity(fnn, "relu", large_beta=large_beta, title="FNN, ReLU: Theorem 2"),
        "fig2a": plot_second_moment(fnn, activations, title="FNN: second moment"),
        "fig2b": plot_relative_change(fnn, activations, title="FNN: relative NTK change"),
        "fig3a": plot_second_moment(pinn, ["relu"], "uu", title="PINN, ReLU: Theorem 1"),
        "fig3b": plot_parity(pinn, "relu", "uu", large_beta=large_beta, title="PINN, ReLU: Theorem 2"),
        "fig4a": plot_second_moment(pinn, activations, "uu", title="PINN: second moment of $K_{uu}$"),
        "fig4b": plot_relative_change(pinn, activations, "uu", title="PINN: relative change of $K_{uu}$"),
        "figS2a": plot_second_moment(pinn, activations, "rr", title="PINN: second moment of $K_{rr}$"),
        "figS2b": plot_relative_change(pinn, activations, "rr", title="PINN: relative change of $K_{rr}$"),
    }
    for name, figure in figures.items():
        save_figure(figure, f"{out}/{name}")
