"""Shared start of every rule script (workflow/scripts/*.py): precision first (before neural-tangents is
imported), then a progress logger that writes to the rule's log file and to stderr."""

from __future__ import annotations

import os
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


def start_cpu_backend(threads: int) -> None:
    """Start JAX's CPU backend with thread pools for ``threads`` cores (call before any JAX
    computation). XLA sizes its pools by the CPUs the process may run on when the backend
    starts (numpy's BLAS pool is limited to ``threads`` for good); a job that Snakemake gives
    one core would otherwise run one worker per core of
    the machine, and two matrix-free sampling jobs side by side on 2 cores ran 2.4x slower
    than each alone (measured: 22 against 9 ms per replicate, PINN 1024 x 32). The process
    is held to ``threads`` of its CPUs while the backend starts, then every thread gets all
    of them back, so the operating system still places the job on any free core. Where
    the platform has no CPU affinity (macOS) this only starts the backend."""
    import jax
    from threadpoolctl import threadpool_limits

    if threads < 1:
        raise ValueError(f"threads: must be at least 1, got {threads}")
    # numpy's BLAS too: its spinning worker threads on a core that another job holds made a
    # 128 x 128 eigh 38 ms instead of 1 ms (seed 001's gradient flow, two jobs on 2 cores).
    threadpool_limits(threads)
    if not hasattr(os, "sched_setaffinity"):
        jax.devices()
        return
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(sorted(allowed)[:threads]))
    try:
        jax.devices()
    finally:
        for task in os.listdir("/proc/self/task"):
            try:
                os.sched_setaffinity(int(task), allowed)
            except OSError:  # a thread that has ended meanwhile
                pass
