"""Seed 000's convergence experiment (monte_carlo.convergence): prints timings, asserts nothing.

    .venv/bin/python benchmarks/bench_convergence.py [--replicates R] [--skip-full] [--candidates] [--output F]

(default: about 7 to 8 minutes on the 2-core machine, most of it the full run of item 3;
--skip-full about a minute.)

What is MEASURED (wall clock, this machine, one process on one core, as the rule's job runs
XLA: ``finite_ntk.jobs.start_cpu_backend(1)``; the load average is printed because other
processes share the cores):
  1. seconds per replicate of K(x,x) at initialisation (FNN, step_loss 'none') for every
     activation of the config and every configuration of the default settings
     (:class:`finite_ntk.papers.seed000.convergence.ConvergenceSettings`), drawn as the job
     draws them (the sampler's plan over the depths of a width for one chunk, through
     ``finite_ntk.samplers.dispatch.sample``), compile excluded: R replicates (default 20,000)
     after a first call that compiles; ``--candidates`` adds width 8 (depths 2, 4, 8, 16);
  2. the compile seconds of each program (its first call less one batch's sampling), and
     the statistics of all prefixes of 10^6 draws (``prefix_statistics``);
  3. the wall time of the whole default experiment (``convergence_dataset`` on every
     activation: the rule's work less the interpreter start-up and the netCDF write),
     unless ``--skip-full``.
What is EXTRAPOLATED: the default's wall time from 1 and 2 (per-replicate cost x max_draws,
plus compiles and statistics), and per width the largest max_draws whose run fits the
budget of 10 minutes (BUDGET_SECONDS) on its own.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]

from finite_ntk.config import load_config  # noqa: E402
from finite_ntk.precision import set_precision  # noqa: E402

CONFIG = load_config(ROOT / "config" / "config.yaml")
set_precision(CONFIG["precision"])

import jax  # noqa: E402
import numpy as np  # noqa: E402

import finite_ntk.seeding as seeding  # noqa: E402
from finite_ntk.jobs import start_cpu_backend  # noqa: E402
from finite_ntk.papers.seed000.convergence import (  # noqa: E402
    ConvergenceSettings,
    convergence_dataset,
    convergence_setup,
    prefix_statistics,
    sampler_plans,
)
from finite_ntk.samplers.cost import matrix_free_batch_size  # noqa: E402
from finite_ntk.samplers.dispatch import sample  # noqa: E402

start_cpu_backend(1)  # as the job: XLA on one core (two threads ran 2.5x slower, measured)

BUDGET_SECONDS = 600.0
CANDIDATES = ((8, 2), (8, 4), (8, 8), (8, 16))


def time_configuration(settings: ConvergenceSettings, activation: str, width: int, depth: int, replicates: int):
    """(compile seconds, seconds per replicate) of one configuration with the job's program."""
    sampler = CONFIG["monte_carlo"]["sampler"]
    plan = sampler_plans(CONFIG, settings, activation, width, sampler)[depth]
    setup = convergence_setup(CONFIG, activation, width, depth)
    batch = matrix_free_batch_size(setup)
    keys = seeding.replicate_keys(jax.random.key(1, impl=seeding.PRNG_IMPL), replicates)
    t0 = time.perf_counter()
    sample(setup, keys[:batch], sampler=sampler, plan=plan)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    sample(setup, keys, sampler=sampler, plan=plan)
    per = (time.perf_counter() - t0) / replicates
    return max(first - batch * per, 0.0), per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20_000, help="replicates timed per configuration")
    parser.add_argument("--skip-full", action="store_true", help="no full run (item 3)")
    parser.add_argument("--candidates", action="store_true", help="also time width 8 (depths 2, 4, 8, 16)")
    parser.add_argument("--output", type=Path, help="write the full run's dataset (netCDF) here")
    args = parser.parse_args()
    started = time.perf_counter()
    defaults = ConvergenceSettings.from_config(CONFIG)
    activations = list(CONFIG["activations"])
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; jax {jax.__version__}; "
        f"precision {CONFIG['precision']}; sampler {CONFIG['monte_carlo']['sampler']}; "
        f"max_draws {defaults.max_draws}, chunk {defaults.chunk}"
    )

    print(f"\n1. MEASURED seconds per replicate of K(x,x) at init, compile excluded ({args.replicates} replicates)")
    print(f"{'activation':10} {'width':>5} {'depth':>5} {'beta':>5} {'us/draw':>8} {'compile s':>9} {'s per 1e6':>9}")
    configurations = list(defaults.configurations) + (list(CANDIDATES) if args.candidates else [])
    per_draw: dict[tuple[str, int, int], float] = {}
    compile_seconds = 0.0
    for activation in activations:
        for width, depth in configurations:
            settings = defaults if (width, depth) in defaults.configurations else ConvergenceSettings(CANDIDATES)
            compiled, per = time_configuration(settings, activation, width, depth, args.replicates)
            per_draw[(activation, width, depth)] = per
            if (width, depth) in defaults.configurations:
                compile_seconds += compiled
            print(
                f"{activation:10} {width:5d} {depth:5d} {depth / width:5.2f} {1e6 * per:8.2f} {compiled:9.2f} {1e6 * per:9.1f}",
                flush=True,
            )

    print("\n2. MEASURED statistics of every prefix of 1e6 draws (one configuration)")
    draws = np.random.default_rng(0).lognormal(0.0, 2.0, size=10**6)
    counts = ConvergenceSettings().draw_counts()
    t0 = time.perf_counter()
    prefix_statistics(draws, counts, defaults.confidence)
    statistics_per_million = time.perf_counter() - t0
    print(f"prefixes {counts}: {statistics_per_million:.2f} s")

    print(
        f"\nEXTRAPOLATED default run ({len(activations)} activations x {len(defaults.configurations)} configurations)"
    )
    total_draw = 0.0
    print(f"{'width':>5} {'s per 1e6 draws (all activations, depths)':>42} {'largest max_draws in 10 min':>28}")
    for width in sorted({w for w, _ in configurations}):
        depths = [d for w, d in configurations if w == width]
        seconds = sum(per_draw[(a, width, d)] for a in activations for d in depths)
        stats_seconds = statistics_per_million * len(activations) * len(depths)
        if all((width, d) in defaults.configurations for d in depths):
            total_draw += seconds * defaults.max_draws
        fits = int((BUDGET_SECONDS - 2.0 * len(activations) * len(depths)) / (seconds + stats_seconds / 1e6))
        print(f"{width:5d} {1e6 * seconds:42.1f} {fits:28,d}")
    statistics_total = (
        statistics_per_million * defaults.max_draws / 1e6 * len(activations) * len(defaults.configurations)
    )
    estimate = total_draw + compile_seconds + statistics_total
    print(
        f"default: sampling {total_draw:.0f} s + compiles {compile_seconds:.0f} s + statistics {statistics_total:.0f} s "
        f"= {estimate:.0f} s ({estimate / 60:.1f} min; budget {BUDGET_SECONDS / 60:.0f} min)"
    )

    if not args.skip_full:
        print("\n3. MEASURED the whole default experiment (convergence_dataset, every activation)", flush=True)
        t0 = time.perf_counter()

        def progress(message: str) -> None:
            if "statistics" in message:
                print(f"  [+{time.perf_counter() - t0:6.1f} s] {message}", flush=True)

        ds = convergence_dataset(CONFIG, defaults, progress=progress)
        wall = time.perf_counter() - t0
        if args.output is not None:
            from finite_ntk.io import write_netcdf_atomic

            write_netcdf_atomic(ds, args.output)
        print(f"whole default experiment: {wall:.0f} s ({wall / 60:.1f} min), load average {os.getloadavg()[0]:.1f}")
        print("\nat N = max_draws: plain ratio / R_log [chi-square interval] / normality p / exp(5 beta)")
        for activation in activations:
            for c, (width, depth) in enumerate(defaults.configurations):
                row = ds.sel(activation=activation).isel(config=c, draws=-1)
                print(
                    f"{activation:8} n={width:3d} d={depth:3d} beta={depth / width:4.2f}: "
                    f"{float(row['second_moment_ratio']):10.4g} / {float(row['log_normal_ratio']):10.4g} "
                    f"[{float(row['log_normal_ratio_lo']):.4g}, {float(row['log_normal_ratio_hi']):.4g}] / "
                    f"{float(row['normality_pvalue']):.2g} / {float(row['theory_exp5beta']):.4g}"
                )
    print(f"\nbenchmark wall time {time.perf_counter() - started:.0f} s, load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
