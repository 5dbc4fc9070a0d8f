"""Seed 001, Figures 5 and 6: Lemma 2's kappa_1 and kappa_2 against depth (closed forms)."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed001.kappa import kappa_dataset  # noqa: E402

section = snakemake.config["seed001"]  # noqa: F821
ds = kappa_dataset(section["kappa"], section["network"]["input_length"])
progress(f"activations {list(ds['activation'].values)}, depths 1 .. {int(ds['depth'].max())}")
write_netcdf_atomic(ds, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
