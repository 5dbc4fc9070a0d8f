"""Seed 001: gradient descent for every sigma_w^2 of one (activation, width, depth)."""

from finite_ntk.jobs import start, start_cpu_backend

progress = start(snakemake)  # noqa: F821
start_cpu_backend(snakemake.threads)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed001.training_grid import train_job  # noqa: E402

job = snakemake.params.job  # noqa: F821
progress(f"{job.activation}, width {job.width}, depth {job.depth}: {len(job.weight_variances)} sigma_w^2 values")
dataset = train_job(snakemake.config, job, progress)  # noqa: F821
write_netcdf_atomic(dataset, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
