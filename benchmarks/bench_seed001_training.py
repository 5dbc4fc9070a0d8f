"""Seed 001's training (issue 17): seconds per gradient-descent step, and the cost of the
default grid and of the paper's protocol. Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_seed001_training.py [--steps 100]

MEASURED (one process, XLA on one core as a training job runs it, load average printed):
for tanh and ReLU at widths 128, 256, 512 and depths 1, 4, 16, the wall time of
``finite_ntk.papers.seed001.training.train`` with ``steps`` and ``3 steps`` gradient steps
(128 digit samples, 10 outputs, float32; the program compiled by a first call), whose
difference over ``2 steps`` is the time per step (initialisation and the NTK matrices
cancel, up to their noise: the small cells' times are noisy, the large ones' are not).
EXTRAPOLATED: per step t = a + b M^2 L fitted by least squares on those cells (dominated by
the large ones, which dominate every grid's cost), times the steps and cells of
the default config and of ``config/seed001_training_paper.yaml`` (every run to its cap: runs
that stop early cost less), plus one compile per job; on one core, and the default on two.
"""

from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()

    from finite_ntk.jobs import start_cpu_backend

    start_cpu_backend(1)
    import jax
    import numpy as np

    from finite_ntk.config import load_config
    from finite_ntk.models.spec import NetworkSpec
    from finite_ntk.papers.seed001.data import training_set
    from finite_ntk.papers.seed001.training import train

    data = training_set({"dataset": "digits", "samples": 128, "seed": 0, "classes": 10, "balanced": True})
    print(
        f"start: load average {os.getloadavg()[0]:.2f}, jax {jax.__version__}, {args.steps} and {3 * args.steps} steps"
    )
    rows = []
    print(f"{'act':5} {'M':>4} {'L':>3} | {'compile+first s':>15} {'ms/step':>8}")
    for activation in ("tanh", "relu"):
        for width in (128, 256, 512):
            for depth in (1, 4, 16):
                spec = NetworkSpec(width, depth, activation, 64, "standard", math.sqrt(2.0), math.sqrt(2.0), 1.0)

                def run(steps: int) -> float:
                    start = time.perf_counter()
                    train(
                        spec,
                        jax.random.PRNGKey(0),
                        data.inputs,
                        data.targets,
                        max_steps=steps,
                        snapshot_steps=(steps,),
                        min_decrease=0.0,
                    )
                    return time.perf_counter() - start

                first = run(args.steps)
                per_step = (run(3 * args.steps) - run(args.steps)) / (2 * args.steps)
                rows.append((activation, width, depth, first, per_step))
                print(
                    f"{activation:5} {width:4d} {depth:3d} | {first:15.2f} {1e3 * per_step:8.3f}   (load {os.getloadavg()[0]:.2f})",
                    flush=True,
                )

    work = np.array([[1.0, m * m * d] for _, m, d, _, _ in rows])
    times = np.array([t for *_, t in rows])
    (a, b), *_ = np.linalg.lstsq(work, times, rcond=None)
    a = max(float(a), 0.0)
    compile_s = float(np.median([first for *_, first, _ in rows]))
    print(
        f"\nper step t = {1e3 * a:.3f} ms + {1e9 * b:.3f} ns x M^2 L (least squares over {len(rows)} cells); "
        f"compile and first call {compile_s:.1f} s (median)"
    )
    for name, files in (
        ("default", ["config/config.yaml"]),
        ("paper protocol", ["config/config.yaml", "config/seed001_training_paper.yaml"]),
    ):
        section = load_config(*files)["seed001"]["training"]
        cells = [(m, d) for m in section["widths"] for d in section["depths"]]
        per_sigma = sum(a + b * m * m * d for m, d in cells) * section["max_steps"]
        total = per_sigma * len(section["weight_variances"]) * len(section["activations"])
        total += compile_s * len(cells) * len(section["activations"])
        print(
            f"{name:15s}: {len(cells) * len(section['activations'])} jobs x {len(section['weight_variances'])} sigma_w^2, "
            f"{section['max_steps']} steps: {total / 60:.1f} min on one core ({total / 3600:.1f} core-hours), "
            f"{total / 120:.1f} min on two"
        )
    print(f"end: load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
