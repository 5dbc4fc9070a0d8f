"""Train one Poisson PINN with K_uu / K_rr snapshots; write its netCDF atomically."""

import sys

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.papers.seed000.training_runs import write_pinn_training  # noqa: E402
from finite_ntk.training.adam import NonFiniteLossError  # noqa: E402

w = snakemake.wildcards  # noqa: F821
path = snakemake.output[0]  # noqa: F821
try:
    dataset = write_pinn_training(snakemake.config, w.activation, int(w.width), int(w.depth), path, progress)  # noqa: F821
except NonFiniteLossError as error:
    progress(f"ERROR: {error}")
    sys.exit(1)
attrs = dataset.attrs
progress(
    f"relative L2 error {attrs['initial_relative_l2_error']:.3e} -> {attrs['final_relative_l2_error']:.3e}; "
    f"loss {attrs['initial_loss']:.4e} -> {attrs['final_loss']:.4e}; wrote {path}"
)
