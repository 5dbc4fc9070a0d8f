"""report/<run>/seed001.tex: the seed-001 chapter's settings and numbers."""

from pathlib import Path

import xarray as xr

from finite_ntk.papers.seed001.report import seed001_latex

inputs = snakemake.input  # noqa: F821
stats, kappa = xr.load_dataset(inputs.stats[0]), xr.load_dataset(inputs.kappa[0])
training = xr.load_dataset(inputs.training[0])
Path(snakemake.output[0]).write_text(seed001_latex(stats, kappa, snakemake.config, training))  # noqa: F821
with open(snakemake.log[0], "w") as log:  # noqa: F821
    print(f"wrote {snakemake.output[0]}", file=log)  # noqa: F821
