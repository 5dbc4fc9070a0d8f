"""One training figure (params.figure) from the netCDFs of its inputs."""

import os
import sys

import xarray as xr

from finite_ntk.plotting.style import save_figure
from finite_ntk.plotting.training import training_figure

inputs = snakemake.input  # noqa: F821


def load(paths):
    out = []
    for path in paths:
        with xr.open_dataset(path) as ds:
            out.append(ds.load())
    return out


init = load(inputs.init)[0] if "init" in inputs.keys() else None
figure = training_figure(
    snakemake.params.figure, fnn=load(inputs.get("fnn", [])), pinn=load(inputs.get("pinn", [])), init=init  # noqa: F821
)
stem = os.path.splitext(snakemake.output[0])[0]  # noqa: F821
for path in save_figure(figure, stem):
    print(f"wrote {path}", file=sys.stderr)
