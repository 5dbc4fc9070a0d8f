"""Seed 002, Table 2: the NTK predictor on images of the digit data set `seed002.digits_data`
names (MNIST by default, or scikit-learn's digits) at several depths."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.experiments import digits_table_dataset  # noqa: E402

config = snakemake.config  # noqa: F821
section = config["seed002"]["digits_table"]
source = config["seed002"]["digits_data"]
progress(
    f"{section['n_train']} training and {section['n_test']} test images of {source['dataset']}, "
    f"depths {section['depths']}"
)
ds = digits_table_dataset(
    config["root_seed"], section["n_train"], section["n_test"], section["depths"], section["stopping_time"], source
)
for depth in ds["depth"].values:
    row = ds.sel(depth=depth)
    progress(
        f"depth {depth}: MSE {float(row['mse']):.4f}, accuracy {float(row['accuracy']):.3f}, F1 {float(row['f1']):.3f}"
    )
write_netcdf_atomic(ds, snakemake.output[0], attrs={"root_seed": config["root_seed"], **provenance_attributes()})  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
