"""Seed 002, Figure 6: early stopping of the NTK predictor against depth and data-set size
(synthetic points and images of the digit data set `seed002.digits_data` names)."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.experiments import (  # noqa: E402
    data_attributes,
    log_depths,
    projection_dataset,
    projection_points,
)

config = snakemake.config  # noqa: F821
section = config["seed002"]["projection"]
sets = {name: projection_points(config, name) for name in ("synthetic", "digits")}
about = {name: data_attributes(config, name) for name in sets}
depths = log_depths(section["max_depth"], section["depth_points"])
progress(
    f"training sizes {section['sizes']}, {section['n_test']} evaluation points, {len(depths)} depths up to {depths[-1]}"
)
ds = projection_dataset(
    sets,
    section["sizes"],
    depths,
    section["fixed_depth"],
    section["depth_scale"],
    section["stopping_times"],
    progress,
    data_names={name: a["data_name"] for name, a in about.items()},
)
attrs = {
    "root_seed": config["root_seed"],
    "synthetic_dimension": config["seed002"]["synthetic"]["dimension"],
    **{key: value for key, value in about["digits"].items() if key.startswith("digits_")},
    **provenance_attributes(),
}
write_netcdf_atomic(ds, snakemake.output[0], attrs=attrs)  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
