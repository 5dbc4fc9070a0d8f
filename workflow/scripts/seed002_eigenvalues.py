"""Seed 002, Figure 7: smallest eigenvalue of the normalised NTK matrix against depth."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.experiments import eigenvalue_dataset  # noqa: E402

config = snakemake.config  # noqa: F821
section = config["seed002"]["eigenvalues"]
progress(f"sizes {section['sizes']}, dimension {section['dimension']}, depths 0 .. {section['max_depth']}")
ds = eigenvalue_dataset(config["root_seed"], section["sizes"], section["dimension"], section["max_depth"], progress)
write_netcdf_atomic(ds, snakemake.output[0], attrs={"root_seed": config["root_seed"], **provenance_attributes()})  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
