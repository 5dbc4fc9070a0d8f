"""Seed 002, Figures 4 and 5: the deep ReLU kernel of a few points against depth (synthetic
points, or images of the digit data set `seed002.digits_data` names: MNIST by default)."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.experiments import (  # noqa: E402
    convergence_dataset,
    convergence_points,
    data_attributes,
    log_depths,
)

config, dataset = snakemake.config, snakemake.wildcards.dataset  # noqa: F821
section = config["seed002"]["convergence"]
points, labels = convergence_points(config, dataset)
depths = log_depths(section["max_depth"], section["depth_points"])
about = data_attributes(config, dataset)
progress(
    f"{dataset} ({about['data_name']}): {len(points)} points in dimension {points.shape[1]}, {len(depths)} depths up to {depths[-1]}"
)
ds = convergence_dataset(points, labels, depths)
attrs = {"dataset": dataset, **about, "root_seed": config["root_seed"], **provenance_attributes()}
write_netcdf_atomic(ds, snakemake.output[0], attrs=attrs)  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
