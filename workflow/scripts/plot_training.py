"""One training figure (params.figure) from the netCDFs of its inputs."""

import os
import sys

import xarray as xr

from finite_ntk.plotting.style import save_figure
from finite_ntk.plotting.training import (
    fnn_triptych,
    pinn_triptych,
    plot_init_kernels,
    plot_kernel_evolution,
    plot_poisson_solution,
    plot_training_comparison,
)

inputs = snakemake.input  # noqa: F821
name = snakemake.params.figure  # noqa: F821


def load(paths):
    out = []
    for path in paths:
        with xr.open_dataset(path) as ds:
            out.append(ds.load())
    return out


fnn = load(inputs.get("fnn", []))
pinn = load(inputs.get("pinn", []))
if name == "fig5":
    figure = fnn_triptych(fnn[0])
elif name == "fig6":
    figure = pinn_triptych(pinn[0], "uu")
elif name == "fig6b":
    figure = pinn_triptych(pinn[0], "rr")
elif name == "fig7":
    figure = plot_poisson_solution(pinn[0], pinn[1:])
elif name == "fig8":
    figure = plot_init_kernels(load(inputs.init)[0])
elif name in ("fig9", "fig10"):
    figure = plot_training_comparison(fnn[0], label=f"Figure {name[3:]}: ")
elif name == "figS1":
    figure = plot_kernel_evolution(fnn, pinn)
else:
    sys.exit(f"unknown training figure {name!r}")
stem = os.path.splitext(snakemake.output[0])[0]  # noqa: F821
for path in save_figure(figure, stem):
    print(f"wrote {path}", file=sys.stderr)
