"""Seed 000: the plain ratio and the log-normal plug-in of E[K^2]/E[K]^2 on nested prefixes of
up to monte_carlo.convergence.max_draws draws of K(x,x) at initialisation (FNN), for every
activation and configuration of the section; one netCDF."""

from finite_ntk.jobs import start, start_cpu_backend

progress = start(snakemake)  # noqa: F821
start_cpu_backend(snakemake.threads)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed000.convergence import ConvergenceSettings, convergence_dataset  # noqa: E402

settings = ConvergenceSettings.from_config(snakemake.config)  # noqa: F821
progress(
    f"{len(snakemake.config['activations'])} activations x {len(settings.configurations)} configurations, "  # noqa: F821
    f"{settings.max_draws} draws each, prefixes {settings.draw_counts()}"
)
dataset = convergence_dataset(snakemake.config, settings, progress=progress)  # noqa: F821
write_netcdf_atomic(dataset, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
