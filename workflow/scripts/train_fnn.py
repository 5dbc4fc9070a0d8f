"""Train one FNN on the sine target with NTK snapshots; write its netCDF atomically."""

import sys

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.papers.seed000.training_runs import write_fnn_training  # noqa: E402
from finite_ntk.training.adam import NonFiniteLossError  # noqa: E402

width, depth = int(snakemake.wildcards.width), int(snakemake.wildcards.depth)  # noqa: F821
path = snakemake.output[0]  # noqa: F821
try:
    dataset = write_fnn_training(snakemake.config, width, depth, path, progress)  # noqa: F821
except NonFiniteLossError as error:
    progress(f"ERROR: {error}")
    sys.exit(1)
progress(f"final loss {dataset.attrs['final_loss']:.4e} (initial {dataset.attrs['initial_loss']:.4e}); wrote {path}")
