"""report/<run>/seed002.tex: the seed-002 chapter's numbers and Tables 1 and 2."""

from pathlib import Path

import xarray as xr

from finite_ntk.papers.seed002.claims import STATED_DEPTH
from finite_ntk.papers.seed002.report import seed002_latex

inputs = snakemake.input  # noqa: F821


def load(path):
    with xr.open_dataset(path) as ds:
        return ds.load()


convergence = {str(ds.attrs["dataset"]): ds for ds in map(load, inputs.convergence)}
text = seed002_latex(
    convergence=convergence,
    projection=load(inputs.projection[0]),
    eigenvalues=load(inputs.eigenvalues[0]),
    digits_table=load(inputs.digits_table[0]),
    lazy=[load(path) for path in inputs.lazy],
    stated_depth=STATED_DEPTH,
    depth_rate=load(inputs.depth_rate[0]),
)
Path(snakemake.output[0]).write_text(text)  # noqa: F821
with open(snakemake.log[0], "w") as log:  # noqa: F821
    print(f"wrote {snakemake.output[0]}", file=log)  # noqa: F821
