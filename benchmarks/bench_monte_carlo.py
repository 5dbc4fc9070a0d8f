"""Speed of the Monte-Carlo sampling (issue 3): prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_monte_carlo.py [--sampler dense|matrix_free] [--quick] [--measure-grid]

1. seconds per replicate (K before and after one SGD step) of our sampler and of a
   straightforward neural-tangents baseline (`empirical_ntk_fn` per replicate, the step
   by `jax.grad`), on the same configurations;
2. compile time of our sampler at depth 1 and at depth 192 (width 64);
3. the wall time of the full paper grid (config/config.yaml: 78 configurations x 3
   activations x 2 models x 100 replicates), extrapolated from measured pieces: a per-
   replicate cost linear in the parameter count fitted per model, a measured compile time
   per configuration and a measured job start-up, summed (the timings already use every
   core). This model fits the dense sampler (cost ~ n^2 d); for the matrix-free one (cost
   ~ n d, compile per program, not per configuration) it is crude, and
   benchmarks/bench_samplers.py fits a proper one;
4. with --measure-grid: the wall time of the full paper grid MEASURED, by running the
   workflow's Monte-Carlo part (every sampling job and both reductions) with
   `snakemake --cores all` in a temporary copy of the checkout (about 5 minutes with the
   matrix-free sampler on the 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import neural_tangents as nt  # noqa: E402
import numpy as np  # noqa: E402

import finite_ntk  # noqa: E402,F401
import finite_ntk.seeding as seeding  # noqa: E402
from finite_ntk.config import grid_configurations, load_config  # noqa: E402
from finite_ntk.models.networks import build_network  # noqa: E402
from finite_ntk.papers.seed000.plan import sampling_batches  # noqa: E402
from finite_ntk.samplers.dispatch import sample  # noqa: E402
from finite_ntk.samplers.matrix_free import matrix_free_batch_size  # noqa: E402
from finite_ntk.samplers.setup import (  # noqa: E402
    dense_batch_size,
    parameter_count,
    setup_from_config,
)


def time_sampler(setup, sampler: str, replicates: int) -> tuple[float, float]:
    """(compile time: the first call less the second, per-replicate time of the second
    call) in seconds.

    The sampler computes whole batches (of a size fixed per configuration), so the count
    is rounded up to whole batches: timing 4 replicates of a batch of 256 would charge
    the 252 padding replicates to the 4."""
    batch = matrix_free_batch_size(setup) if sampler == "matrix_free" else dense_batch_size(setup.spec)
    replicates = batch * -(-replicates // batch)
    keys = seeding.replicate_keys(jax.random.key(0, impl="rbg"), replicates)
    t0 = time.perf_counter()
    sample(setup, keys, sampler=sampler)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    sample(setup, keys, sampler=sampler)
    second = time.perf_counter() - t0
    return max(first - second, 0.0), second / replicates


def time_baseline(setup, replicates: int) -> float:
    """neural-tangents baseline: per replicate, init, empirical_ntk_fn, SGD step, again."""
    init_fn, apply_fn, _ = build_network(setup.spec)
    ntk = jax.jit(
        nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), implementation=nt.NtkImplementation.JACOBIAN_CONTRACTION)
    )
    x = jnp.asarray(setup.input_point)[None, :]
    target = setup.target()

    @jax.jit
    def step(params):
        grads = jax.grad(lambda p: 0.5 * (apply_fn(p, x)[0, 0] - target) ** 2)(params)
        return jax.tree_util.tree_map(lambda p, g: p - setup.learning_rate * g, params, grads)

    init = jax.jit(lambda k: init_fn(k, x.shape)[1])

    def one(key):
        params = init(key)
        before = ntk(x, None, params)
        after = ntk(x, None, step(params))
        return jax.block_until_ready((before, after))

    keys = seeding.replicate_keys(jax.random.key(0, impl="rbg"), replicates + 1)
    one(keys[0])  # compile
    t0 = time.perf_counter()
    for key in keys[1:]:
        one(key)
    return (time.perf_counter() - t0) / replicates


def job_startup_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import finite_ntk, finite_ntk.samplers.dense, xarray"], check=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sampler", choices=["dense", "matrix_free"], default="dense")
    parser.add_argument("--quick", action="store_true", help="fewer replicates and configurations")
    parser.add_argument(
        "--measure-grid",
        action="store_true",
        help="also run the paper grid's Monte-Carlo jobs with snakemake and time them",
    )
    args = parser.parse_args()
    config = load_config(ROOT / "config" / "config.yaml")
    reps = 4 if args.quick else 10
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores; jax {jax.__version__}; devices {jax.devices()}")

    print("\n1. seconds per replicate (K before and after one SGD step)")
    print(
        f"{'model':5} {'act':7} {'width':>5} {'depth':>5} {'params':>10} {args.sampler:>12} {'nt baseline':>12} {'speed-up':>8}"
    )
    points = [(16, 4), (64, 16), (256, 8), (1024, 4)] + ([] if args.quick else [(2048, 4)])
    measured: dict[str, list[tuple[int, float]]] = {"fnn": [], "pinn": []}
    for model in ("fnn", "pinn"):
        for width, depth in points:
            setup = setup_from_config(config, model, "gelu", width, depth)
            _, ours = time_sampler(setup, args.sampler, reps)
            measured[model].append((parameter_count(setup.spec), ours))
            baseline = time_baseline(setup, max(2, reps // 2)) if model == "fnn" else float("nan")
            print(
                f"{model:5} {'gelu':7} {width:5d} {depth:5d} {parameter_count(setup.spec):10d} {ours:12.5f} "
                f"{baseline:12.5f} {baseline / ours:8.1f}"
            )

    print("\n2. compile time (first call minus steady state), width 64, fnn/relu, one batch")
    compile_times = {}
    for depth in (1, 192):
        setup = setup_from_config(config, "fnn", "relu", 64, depth)
        compile_times[depth], _ = time_sampler(setup, args.sampler, 2)
        print(f"depth {depth:3d}: {compile_times[depth]:.2f} s")
    print(f"ratio depth 192 / depth 1: {compile_times[192] / compile_times[1]:.2f}")

    print("\n3. full paper grid, extrapolated from the measurements above")
    startup = job_startup_seconds()
    replicates = config["monte_carlo"]["replicates"]
    activations = len(config["activations"])
    compile_each = max(compile_times.values())
    total = 0.0
    for model in ("fnn", "pinn"):
        sizes, seconds = map(np.array, zip(*measured[model]))
        slope, intercept = np.polyfit(sizes, seconds, 1)
        for width, depth in grid_configurations(config):
            setup = setup_from_config(config, model, "relu", width, depth)
            per = max(intercept + slope * parameter_count(setup.spec), seconds.min())
            total += activations * (replicates * per + compile_each)
    jobs = len(sampling_batches(config))
    total += jobs * startup
    print("per-replicate cost model: linear in the parameter count, fitted per model on section 1")
    print(f"compile per configuration: {compile_each:.2f} s (measured); job start-up: {startup:.2f} s x {jobs} jobs")
    # The timings above already use every core (XLA threads), so jobs run side by side
    # share the same cores: the sum is the wall-time estimate.
    print(
        f"extrapolated wall time: {total / 60:.1f} min ({replicates} replicates, "
        f"{len(grid_configurations(config))} configurations, {activations} activations, 2 models)"
    )

    if args.measure_grid:
        print("\n4. full paper grid, measured: snakemake --cores all on the Monte-Carlo targets")
        seconds, jobs = measure_grid(config)
        print(
            f"measured wall time: {seconds / 60:.1f} min ({jobs} jobs, sampler "
            f"{config['monte_carlo']['sampler']!r} as config/config.yaml sets it)"
        )


def checkout_copy(destination: Path) -> None:
    """Copy the checkout's tracked and untracked-not-ignored files (not data, .venv)."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)


def measure_grid(config) -> tuple[float, int]:
    """Wall seconds of `snakemake --cores all` making both ntk_stats files from nothing
    (every sampling job, both reductions) in a temporary copy; and the number of jobs."""
    run = config["run"]
    targets = [f"data/{run}/ntk_stats_{model}.nc" for model in ("fnn", "pinn")]
    with tempfile.TemporaryDirectory(prefix="bench-grid-") as tmp:
        work = Path(tmp)
        checkout_copy(work)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "snakemake", *targets, "--cores", "all", "--quiet", "all"], cwd=work, check=True
        )
        seconds = time.perf_counter() - t0
    return seconds, len(sampling_batches(config)) + 2


if __name__ == "__main__":
    main()
