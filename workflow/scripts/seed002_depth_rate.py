"""Seed 002, Theorem 2's rate and Corollary 1's onset: the deep ReLU kernel of input pairs
given by their gap 1 - rho0, at log-spaced depths (figure seed002rate, claim seed002.5)."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.experiments import depth_rate_dataset, log_depths  # noqa: E402

config = snakemake.config  # noqa: F821
section = config["seed002"]["depth_rate"]
depths = log_depths(section["max_depth"], section["depth_points"])
progress(f"{len(section['one_minus_rho0'])} input gaps, {len(depths)} depths up to {depths[-1]}")
ds = depth_rate_dataset(section["one_minus_rho0"], depths)
write_netcdf_atomic(ds, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
