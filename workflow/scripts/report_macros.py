"""report/<run>/macros.tex: every number of the report's prose, from config and data."""

from pathlib import Path

import xarray as xr
import yaml

from finite_ntk.claims import read_claims_csv, verdict_counts
from finite_ntk.papers.seed000.report import run_macros, training_attributes

inputs, params = snakemake.input, snakemake.params  # noqa: F821
config = snakemake.config  # noqa: F821


def load(paths):
    out = {}
    for path in paths:
        with xr.open_dataset(path) as ds:
            out[str(ds.attrs["model"])] = ds.load()
    return out


stats = load(inputs.stats)
paper_config = None
if Path(params.paper_config).is_file():
    with open(params.paper_config) as f:
        paper_config = yaml.safe_load(f)
precise = None
if len(inputs.precise):
    precise_stats = load(inputs.precise)
    any_stats = next(iter(precise_stats.values()))
    precise = {"run": params.precise_run, "replicates": int(any_stats["replicates"].max())}
convergence = None
if len(inputs.convergence):
    with xr.open_dataset(inputs.convergence[0]) as ds:
        convergence = ds.load()
text = run_macros(
    config,
    paper_config,
    fnn=stats.get("fnn"),
    pinn=stats.get("pinn"),
    verdicts=verdict_counts(read_claims_csv(inputs.claims)),
    precise=precise,
    training=training_attributes(sorted(inputs.training)),  # by file name, whatever the rule's order
    convergence=convergence,
)
Path(snakemake.output[0]).write_text(text)  # noqa: F821
