"""Dense vs matrix-free Monte-Carlo samplers (issue 7): prints timings, asserts nothing.

    .venv/bin/python benchmarks/bench_samplers.py [--quick] [--full-grid]

(default: about 5 to 15 minutes on the 2-core machine depending on its load, mostly
compiling; --quick about half.)

What is MEASURED (wall clock, this machine, one process; the load average is printed
because other processes share the cores):
  1. seconds per replicate (K before and after one SGD step, FNN and PINN, gelu) of the
     dense sampler (its program: jit(vmap(finite_ntk.samplers.dense.replicate_sampler)) as
     sample_dense runs it) and of the matrix-free one (finite_ntk.samplers.matrix_free) at widths
     512 .. 4096 and depths 2 and 8 (dense only where a replicate takes seconds, not
     minutes), compile time excluded;
  2. matrix-free seconds per replicate at a spread of (width, depth) points for three
     cost classes (FNN, PINN gelu/sigmoid, PINN relu whose Laplacian vanishes), with
     XLA's full optimisation, and at two points with the quick compile (optimisation
     level 0) the sampler uses for programs with little sampling work;
  3. compile times (full and quick) and the start-up of a sampling job (a fresh
     interpreter importing the package).
What is EXTRAPOLATED: the wall time of the full paper grid (config/config.yaml: 78
(width, depth) configurations x 3 activations x 2 models) with 100 and with 10,000
replicates: per-replicate cost models fitted on 1 and 2 (matrix-free:
a + b n h + c h + d n (capacity - h) + e (capacity - h), h = depth - 1 hidden n x n
layers, capacity the compiled layer count, times the measured slowdown for quick
programs; dense: a + b n^2 h + c n), plus one compile per compiled program (matrix-free:
per model, activation, width, capacity and optimisation level, as the sampler chooses
them for that replicate count; dense: one per configuration) and one start-up per
sampling job (model, activation, width). The grid is assumed to run as the Snakefile
runs it, two single-process jobs side by side on the two cores: the estimate is the
summed time divided by two; like a sampling job, the benchmark runs XLA on one core
(``finite_ntk.jobs.start_cpu_backend``). ``--full-grid`` measures every matrix-free grid
configuration instead (long).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]

import jax  # noqa: E402
import numpy as np  # noqa: E402
from scipy.optimize import nnls  # noqa: E402

import finite_ntk  # noqa: E402,F401
import finite_ntk.samplers.matrix_free as mf  # noqa: E402
import finite_ntk.seeding as seeding  # noqa: E402
from finite_ntk.config import grid_configurations, load_config  # noqa: E402
from finite_ntk.jobs import start_cpu_backend  # noqa: E402
from finite_ntk.papers.seed000.plan import sampling_batches  # noqa: E402
from finite_ntk.samplers.dense import replicate_sampler  # noqa: E402
from finite_ntk.samplers.setup import dense_batch_size, setup_from_config  # noqa: E402

# As a sampling job does: XLA's thread pools for the one core a job gets.
start_cpu_backend(1)

PARALLEL_JOBS = 2
# Cost classes of the matrix-free sampler: (model, activation measured, activations it stands for).
CLASSES = [
    ("fnn", "gelu", ("relu", "gelu", "sigmoid")),
    ("pinn", "gelu", ("gelu", "sigmoid")),
    ("pinn", "relu", ("relu",)),
]


def keys_of(replicates: int, salt: int = 0) -> jax.Array:
    return seeding.replicate_keys(jax.random.key(salt, impl=seeding.PRNG_IMPL), replicates)


def time_dense(setup, replicates: int) -> tuple[float, float]:
    """(compile seconds, seconds per replicate) of the dense sampler's program (what
    sample_dense runs: jit(vmap(replicate_sampler)) over batches of dense_batch_size):
    a first call compiles, then ``replicates`` replicates (whole batches) are timed."""
    batch = dense_batch_size(setup.spec)
    calls = max(1, -(-replicates // batch))
    program = jax.jit(jax.vmap(replicate_sampler(setup)))
    keys = keys_of(batch)
    t0 = time.perf_counter()
    jax.block_until_ready(program(keys))
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(calls):
        jax.block_until_ready(program(keys))
    per = (time.perf_counter() - t0) / (calls * batch)
    return max(first - batch * per, 0.0), per


def time_matrix_free(setup, replicates: int | None = None, quick: bool | None = None) -> tuple[float, float, int]:
    """(compile seconds, or 0 if the program was already compiled; seconds per replicate;
    compiled layer capacity) for ``replicates`` replicates (whole batches, at least one),
    with the program the sampler picks for that many replicates, or with XLA's quick
    (``quick=True``) or full optimisation."""
    batch = mf.matrix_free_batch_size(setup)
    replicates = batch * max(1, round((replicates or batch) / batch))
    static = mf._static(setup, replicates)
    if quick is None:
        quick = mf._quick_compile(static, hidden(setup.spec.depth), replicates)
    program = mf._compiled(static, quick)
    arguments = mf._runtime_arguments(setup, static)
    keys = keys_of(replicates)
    fresh = (static, quick) not in _compiled_programs
    t0 = time.perf_counter()
    if fresh:
        jax.block_until_ready(program(keys[:batch], *arguments))
        _compiled_programs.add((static, quick))
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for start in range(0, replicates, batch):
        jax.block_until_ready(program(keys[start : start + batch], *arguments))
    per = (time.perf_counter() - t0) / replicates
    return (max(first - batch * per, 0.0) if fresh else 0.0), per, static.capacity


_compiled_programs: set = set()


def job_startup_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import finite_ntk.papers.seed000.monte_carlo, xarray"],
        check=True,
    )
    return time.perf_counter() - t0


def hidden(depth: int) -> int:
    return depth - 1


def matrix_free_features(setup, capacity: int) -> list[float]:
    n, h = setup.spec.width, hidden(setup.spec.depth)
    return [1.0, n * h, h, n * (capacity - h), capacity - h]


def dense_features(setup) -> list[float]:
    n, h = setup.spec.width, hidden(setup.spec.depth)
    return [1.0, n * n * h, n]


def fit(rows: list[list[float]], seconds: list[float]) -> np.ndarray:
    """Non-negative least squares, relative errors (every point weighs the same)."""
    A, b = np.asarray(rows), np.asarray(seconds)
    coefficients, _ = nnls(A / b[:, None], np.ones_like(b))
    return coefficients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points (about half the time, rougher fits)")
    parser.add_argument("--full-grid", action="store_true", help="measure every matrix-free grid configuration")
    args = parser.parse_args()
    config = load_config(ROOT / "config" / "config.yaml")
    started = time.perf_counter()
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; jax {jax.__version__}; "
        f"{jax.devices()[0].platform}; {mf._static(setup_from_config(config, 'fnn', 'relu', 16, 1)).dtype}"
    )

    # ------------------------------------------------------------------ 1. side by side
    print("\n1. MEASURED seconds per replicate, compile excluded (gelu; x = config input point, lr = 1e-3)")
    print(f"{'model':5} {'width':>5} {'depth':>5} {'dense':>10} {'matrix-free':>12} {'speed-up':>9}")
    widths = [512, 4096] if args.quick else [512, 1024, 2048, 4096]
    depths = [2, 8]
    dense_points: dict[str, list] = {"fnn": [], "pinn": []}
    mf_points: dict[tuple[str, str], list] = {(m, a): [] for m, a, _ in CLASSES}
    dense_compile: dict[str, list[float]] = {"fnn": [], "pinn": []}
    mf_compile: dict[tuple[str, str], list[float]] = {(m, a): [] for m, a, _ in CLASSES}
    for model in ("fnn", "pinn"):
        for width in widths:
            for depth in depths:
                setup = setup_from_config(config, model, "gelu", width, depth)
                # Dense: only where one replicate stays around a second or two.
                dense = float("nan")
                if width * width * hidden(depth) <= 2**24:
                    c, dense = time_dense(setup, 2 if width >= 2048 else 4)
                    dense_points[model].append((setup, dense))
                    dense_compile[model].append(c)
                c, ours, capacity = time_matrix_free(setup, 8, quick=False)
                mf_points[(model, "gelu")].append((setup, capacity, ours))
                if c:
                    mf_compile[(model, "gelu")].append(c)
                print(f"{model:5} {width:5d} {depth:5d} {dense:10.4f} {ours:12.5f} {dense / ours:9.0f}", flush=True)

    # Issue's reference point: 100 replicates of a width-4096, depth-16 ReLU network.
    setup = setup_from_config(config, "fnn", "relu", 4096, 16)
    c, per, _ = time_matrix_free(setup, 100)
    print(f"fnn relu 4096x16, 100 replicates before and after the step: {100 * per:.2f} s (matrix-free)")

    # ------------------------------------------------------------------ 2. cost model points
    print("\n2. MEASURED matrix-free seconds per replicate for the cost model (compile s where compiled)")
    spread = [(16, 1), (16, 64), (64, 8), (64, 96), (256, 8), (256, 192), (1024, 4), (4096, 2)]
    if args.quick:
        spread = [(16, 1), (16, 64), (64, 96), (256, 8), (4096, 2)]
    for model, activation, _ in CLASSES:
        for width, depth in spread + ([] if activation == "gelu" else [(1024, 8), (4096, 16)]):
            setup = setup_from_config(config, model, activation, width, depth)
            c, per, capacity = time_matrix_free(setup, quick=False)
            mf_points[(model, activation)].append((setup, capacity, per))
            if c:
                mf_compile[(model, activation)].append(c)
            print(
                f"{model:5} {activation:7} {width:5d}x{depth:<4d} capacity {capacity:4d}: "
                f"{per * 1e3:9.3f} ms" + (f"  (compile {c:.1f} s)" if c else ""),
                flush=True,
            )
    # Programs with little sampling work compile with XLA's optimisation level 0.
    quick_compile: dict[tuple[str, str], list[float]] = {(m, a): [] for m, a, _ in CLASSES}
    slowdown: list[float] = []
    for model, activation, _ in CLASSES:
        for width, depth in [(32, 8), (512, 4)]:
            setup = setup_from_config(config, model, activation, width, depth)
            c, per_quick, _ = time_matrix_free(setup, quick=True)
            _, per_full, _ = time_matrix_free(setup, quick=False)
            quick_compile[(model, activation)].append(c)
            slowdown.append(per_quick / per_full)
            print(
                f"{model:5} {activation:7} {width:5d}x{depth:<4d} quick compile: {c:.1f} s, "
                f"{per_quick * 1e3:.3f} ms per replicate ({per_quick / per_full:.1f}x the optimised program)",
                flush=True,
            )
    startup = job_startup_seconds()
    print(f"job start-up (fresh interpreter, imports): {startup:.1f} s")
    for key, values in mf_compile.items():
        print(
            f"matrix-free compile, {key[0]} {key[1]}: mean {np.mean(values):.1f} s over {len(values)} programs "
            f"(quick: {np.mean(quick_compile[key]):.1f} s)"
        )
    quick_slowdown = float(np.mean(slowdown))
    for key, values in dense_compile.items():
        print(f"dense compile, {key} gelu: mean {np.mean(values):.1f} s over {len(values)} configurations")

    # ------------------------------------------------------------------ 3. the grid
    print(
        "\n3. EXTRAPOLATED wall time of the full paper grid "
        f"({len(grid_configurations(config))} configurations x {len(config['activations'])} activations x 2 models)"
    )
    models = {
        key: fit([matrix_free_features(s, c) for s, c, _ in pts], [t for _, _, t in pts])
        for key, pts in mf_points.items()
    }
    dense_models = {m: fit([dense_features(s) for s, _ in pts], [t for _, t in pts]) for m, pts in dense_points.items()}
    for key, coef in models.items():
        print(
            f"matrix-free model {key[0]} {key[1]}: t = {coef[0]:.2e} + {coef[1]:.2e} n h + {coef[2]:.2e} h "
            f"+ {coef[3]:.2e} n (cap - h) + {coef[4]:.2e} (cap - h) s"
        )
    for key, coef in dense_models.items():
        print(f"dense model {key} gelu: t = {coef[0]:.2e} + {coef[1]:.2e} n^2 h + {coef[2]:.2e} n s")
    jobs = len(sampling_batches(config))
    grid = grid_configurations(config)
    for replicates in (100, 10_000):
        mf_run = mf_compiles = dense_run = dense_compiles = 0.0
        programs = set()
        quick_programs = 0
        for model, activation, stands_for in CLASSES:
            coef = models[(model, activation)]
            for act in stands_for:
                for width, depth in grid:
                    setup = setup_from_config(config, model, act, width, depth)
                    static = mf._static(setup, replicates)
                    quick = mf._quick_compile(static, hidden(depth), replicates)
                    per = max(float(np.dot(coef, matrix_free_features(setup, static.capacity))), 0.0)
                    mf_run += replicates * per * (quick_slowdown if quick else 1.0)
                    # A sampling job (model, activation, width) compiles each program once.
                    if (model, act, static, quick) not in programs:
                        programs.add((model, act, static, quick))
                        quick_programs += quick
                        key = (model, activation)
                        mf_compiles += float(np.mean(quick_compile[key] if quick else mf_compile[key]))
                    dense_run += replicates * max(float(np.dot(dense_models[model], dense_features(setup))), 0.0)
                    dense_compiles += float(np.mean(dense_compile[model]))
        startups = jobs * startup
        mf_total = (mf_run + mf_compiles + startups) / PARALLEL_JOBS
        dense_total = (dense_run + dense_compiles + startups) / PARALLEL_JOBS
        print(
            f"{replicates:6d} replicates: matrix-free {mf_total / 60:7.1f} min "
            f"(sampling {mf_run / 60:.1f} + {len(programs)} compiles ({quick_programs} quick) {mf_compiles / 60:.1f} + {jobs} start-ups "
            f"{startups / 60:.1f} min, / {PARALLEL_JOBS} jobs side by side); "
            f"dense {dense_total / 60:9.1f} min (sampling {dense_run / 60:.1f} + compiles {dense_compiles / 60:.1f})"
        )

    if args.full_grid:
        print("\n4. MEASURED: every matrix-free grid configuration (one batch each)")
        total = {100: 0.0, 10_000: 0.0}
        for model, activation, stands_for in CLASSES:
            for width, depth in grid:
                setup = setup_from_config(config, model, activation, width, depth)
                c, per, _ = time_matrix_free(setup)
                for replicates in total:
                    total[replicates] += len(stands_for) * (replicates * per + c)
                print(
                    f"{model:5} {activation:7} {width:5d}x{depth:<4d}: {per * 1e3:9.3f} ms"
                    + (f"  (compile {c:.1f} s)" if c else ""),
                    flush=True,
                )
        for replicates, seconds in total.items():
            print(
                f"{replicates:6d} replicates: {(seconds + jobs * startup) / PARALLEL_JOBS / 60:.1f} min "
                f"(measured sampling + compiles, plus start-ups, / {PARALLEL_JOBS})"
            )
    print(f"\nbenchmark wall time {time.perf_counter() - started:.0f} s, load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
