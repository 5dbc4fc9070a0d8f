"""Seed 002, Figures 2 and 3: the normalised NTK matrix of synthetic points at a few depths,
and the correlation map kappa_1 with its iterates."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

import numpy as np  # noqa: E402

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.experiments import illustration_points, illustrations_dataset  # noqa: E402

config = snakemake.config  # noqa: F821
section = config["seed002"]["illustrations"]
points = illustration_points(config)
progress(f"{len(points)} points, depths {section['depths']}, iterates {section['iterates']}")
# The correlation map on [-1, 1] (401 points, both ends included).
ds = illustrations_dataset(points, section["depths"], np.linspace(-1.0, 1.0, 401), section["iterates"])
write_netcdf_atomic(ds, snakemake.output[0], attrs={"root_seed": config["root_seed"], **provenance_attributes()})  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
