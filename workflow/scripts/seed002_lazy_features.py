"""Seed 002, Table 1 (scaled): the last hidden layer's deviation from initialisation of a
two-layer ReLU network of one width, trained on the one-hot token task."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed002.datasets import generator  # noqa: E402
from finite_ntk.papers.seed002.lazy import lazy_features_dataset, token_task  # noqa: E402
from finite_ntk.seeding import job_key  # noqa: E402

config = snakemake.config  # noqa: F821
section = config["seed002"]["lazy_features"]
width = int(snakemake.wildcards.width)  # noqa: F821
# The task is the same for every width (its own generator); the weights are the width's and
# the network's.
task = token_task(generator(config["root_seed"], "lazy_features/task"), section["tokens"], section["classes"])
keys = [
    job_key(config["root_seed"], "seed002/lazy_features", width=width, network=network)
    for network in range(section["networks"])
]
progress(
    f"width {width}: {section['networks']} networks, {section['tokens']} tokens, {section['classes']} classes, "
    f"{section['steps']} steps"
)
ds = lazy_features_dataset(keys, task, width, section["learning_rate"], section["steps"], progress)
write_netcdf_atomic(ds, snakemake.output[0], attrs={"root_seed": config["root_seed"], **provenance_attributes()})  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
