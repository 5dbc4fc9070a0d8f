"""finite_ntk.jobs: the shared start of the rule scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from finite_ntk.jobs import start_cpu_backend

# Thread count and CPU affinity of every thread, after the backend has started.
PROBE = """
import json, os, sys
import jax
from finite_ntk.jobs import start_cpu_backend
if sys.argv[1] == "limited":
    start_cpu_backend(1)
else:
    jax.devices()
jax.numpy.ones(3).sum().block_until_ready()
tasks = os.listdir("/proc/self/task")
print(json.dumps({"threads": len(tasks),
                  "affinities": sorted({tuple(sorted(os.sched_getaffinity(int(t)))) for t in tasks})}))
"""


def probe(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")
@pytest.mark.slow
def test_cpu_backend_for_one_core_keeps_every_cpu() -> None:
    """One job core: fewer XLA worker threads than a backend sized for the machine, and
    afterwards every thread may run on every CPU the process had."""
    allowed = sorted(os.sched_getaffinity(0))
    limited, default = probe("limited"), probe("default")
    assert limited["threads"] < default["threads"], (limited, default)
    assert limited["affinities"] == [allowed]


def test_cpu_backend_rejects_zero_threads() -> None:
    with pytest.raises(ValueError, match="threads"):
        start_cpu_backend(0)
