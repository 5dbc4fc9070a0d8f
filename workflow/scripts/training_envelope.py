"""Train the round-off twin of one training job and write its envelope atomically."""

import sys

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.papers.seed000.roundoff import write_roundoff_envelope  # noqa: E402
from finite_ntk.training.adam import NonFiniteLossError  # noqa: E402

path = snakemake.output[0]  # noqa: F821
try:
    envelope = write_roundoff_envelope(snakemake.config, snakemake.input[0], path, progress)  # noqa: F821
except NonFiniteLossError as error:
    progress(f"ERROR: {error}")
    sys.exit(1)
final = ", ".join(f"{name} {float(envelope[name].values[-1]):.2e}" for name in envelope.data_vars)
progress(f"relative separation from the twin at the end: {final}; wrote {path}")
