"""The coverage table of the intervals for R = E[K^2]/E[K]^2 (finite_ntk.coverage)."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.coverage import coverage_table  # noqa: E402
from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402

config = snakemake.config  # noqa: F821
section = config["heavy_tails"]
settings = section["coverage"]
progress(f"N = {settings['sample_sizes']}, R = {settings['ratios']}, {settings['simulations']} simulations each")
table = coverage_table(
    config["root_seed"],
    sample_sizes=sorted(settings["sample_sizes"]),
    ratios=sorted(settings["ratios"]),
    simulations=settings["simulations"],
    resamples=settings["resamples"],
    confidence=settings["confidence"],
    gamma_shape=settings["gamma_shape"],
    significance=section["significance"],
)
write_netcdf_atomic(table, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
