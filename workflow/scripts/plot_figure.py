"""One registered figure (params.figure, finite_ntk.figures) from the netCDFs of its inputs."""

import os
import sys

import xarray as xr

from finite_ntk.papers import FIGURES_BY_NAME, SOURCES
from finite_ntk.plotting.style import save_figure

figure = FIGURES_BY_NAME[snakemake.params.figure]  # noqa: F821


def load(paths):
    datasets = []
    for path in paths:
        with xr.open_dataset(path) as ds:
            datasets.append(ds.load())
    return datasets


datasets = {}
for argument, source in figure.inputs.items():
    loaded = load(snakemake.input[argument])  # noqa: F821
    datasets[argument] = loaded if SOURCES[source].many else loaded[0]
drawn = figure.draw(datasets, snakemake.config)  # noqa: F821
stem = os.path.splitext(snakemake.output[0])[0]  # noqa: F821
for path in save_figure(drawn, stem):
    print(f"wrote {path}", file=sys.stderr)
