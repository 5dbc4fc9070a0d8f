"""Seed 001: the training jobs' results on one grid, with the order/chaos border and mean-field
theory's largest stable learning rate (finite_ntk.papers.seed001.learning_rate)."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

import xarray as xr  # noqa: E402

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed001.learning_rate import with_max_learning_rate_theory  # noqa: E402
from finite_ntk.papers.seed001.training_grid import run_training_set, training_statistics  # noqa: E402

section = snakemake.config["seed001"]["training"]  # noqa: F821
network = snakemake.config["seed001"]["network"]  # noqa: F821
jobs = [xr.load_dataset(path) for path in snakemake.input.jobs]  # noqa: F821
data = run_training_set(snakemake.config)  # noqa: F821
ds = training_statistics(jobs, section["main_width"], section["bias_variance"], data.targets)
ds = with_max_learning_rate_theory(
    ds,
    data.inputs,
    float(section["bias_variance"]),
    network["readout_weight_variance"],
    network["parameterization"],
)
write_netcdf_atomic(ds, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"{len(jobs)} training jobs: wrote {snakemake.output[0]}")  # noqa: F821
