"""Shared start of every rule script (workflow/scripts/*.py): precision first (before neural-tangents is
imported), then a progress logger that writes to the rule's log file and to stderr."""

from __future__ import annotations

import signal
import sys
import time
from typing import Callable

from finite_ntk.precision import set_precision


def start(snakemake) -> Callable[[str], None]:
    """Set the run's precision and return a ``progress(message)`` logger."""
    # Ctrl-C stops the job at once, as SIGTERM does. Python's KeyboardInterrupt can land in
    # a callback that swallows it (JAX's garbage-collector hook), and the job would then
    # finish and write its outputs after Snakemake has given up on it. Outputs are written
    # atomically, so a job stopped at any point leaves no partial file under its name.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    set_precision(snakemake.config["precision"])
    log_path = snakemake.log[0] if len(snakemake.log) else None
    log_file = open(log_path, "a") if log_path else None
    t0 = time.perf_counter()
    label = snakemake.rule

    def progress(message: str) -> None:
        line = f"[{label} +{time.perf_counter() - t0:7.1f}s] {message}"
        print(line, file=sys.stderr, flush=True)
        if log_file is not None:
            print(line, file=log_file, flush=True)

    return progress
