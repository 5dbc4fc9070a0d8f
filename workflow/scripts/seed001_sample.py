"""Seed 001: K(x, x) at initialisation for every sigma_w^2 and depth of one (activation,
sigma_b^2, width) sampling job."""

from finite_ntk.jobs import start, start_cpu_backend

progress = start(snakemake)  # noqa: F821
start_cpu_backend(snakemake.threads)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed001.sampling import sample_job  # noqa: E402

job = snakemake.params.job  # noqa: F821
progress(
    f"{job.activation}, sigma_b^2 = {job.bias_variance:g}, width {job.width}: {len(job.weight_variances)} sigma_w^2 values"
)
dataset = sample_job(snakemake.config, job, progress)  # noqa: F821
write_netcdf_atomic(dataset, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
