"""Seed 001: R = E[K^2]/E[K]^2 of every sampled cell with bootstrap intervals, saturation
flags, the log-space statistics of K (the log-normal plug-in R_log, its chi-square interval
and the normality test of log K) and mean-field theory, in one dataset."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

import xarray as xr  # noqa: E402

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed001.reduction import phase_statistics  # noqa: E402

section = snakemake.config["seed001"]  # noqa: F821
samples = [xr.load_dataset(path) for path in snakemake.input]  # noqa: F821
progress(f"{len(samples)} sampling jobs")
ds = phase_statistics(
    samples,
    section["network"],
    snakemake.config["root_seed"],  # noqa: F821
    section["bootstrap"]["resamples"],
    section["bootstrap"]["confidence"],
    section["saturation_fraction"],
    progress,
)
write_netcdf_atomic(
    ds, snakemake.output[0], attrs={"root_seed": snakemake.config["root_seed"], **provenance_attributes()}
)  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
