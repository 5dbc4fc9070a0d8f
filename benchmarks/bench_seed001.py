"""Seed 001's Monte-Carlo grid (Seleznova & Kutyniok: R = E[K(x,x)^2] / E[K(x,x)]^2 over
sigma_w^2 x depth x width x activation, standard parameterisation with biases): the
matrix-free sampler against the dense one and against the authors' method, neural-tangents'
``empirical_ntk_fn``. Prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_seed001.py [--quick] [--full-grid] [--config EXTRA.yaml ...]

(default: 5 to 6 minutes on the 2-core machine at a load average of 1.5 to 2.8, measured,
up to about 10 at a load of 4 to 6; --quick 2.5 to 3 minutes; --full-grid adds the whole
grid, about 10 minutes more: 9 CPU minutes extrapolated.)
``--config`` files are merged over config/config.yaml as ``snakemake --configfile`` does.

Every timing is taken in one process with XLA on one core
(``finite_ntk.jobs.start_cpu_backend(1)``, as a sampling job runs), in the config's
precision, twice: wall clock and the process's CPU time. Other processes share the two
cores (the load average is printed): wall time then grows with the load, CPU time hardly,
so the comparisons and fits use CPU time ("cpu"), and the grid totals are printed in both.

1. The grid (``finite_ntk.papers.seed001.settings.sampling_jobs``): jobs, cells, replicates.
   MEASURED: for each (activation, width) of the jobs, one job of that pair (the one at
   the maps' sigma_b^2) cut to single sigma_w^2 rows (every depth, the config's
   replicates, run by ``sample_job`` as the workflow runs it, its program compiled
   afresh): an ordered row (compile + sampling), a chaotic row and, except with --quick,
   the ordered row again (sampling only). Compile = first row - last row.
   EXTRAPOLATED: each job = that compile + its number of sigma_w^2 rows x the mean row
   time of its (activation, width) (a row's cost does not depend on sigma_w^2 or
   sigma_b^2: same program, same operations); the grid on the two cores = sum / 2 (two
   single-core jobs side by side as the Snakefile runs them), the longest-first schedule
   on 2 cores beside it, and with a job start-up (fresh interpreter, imports; measured)
   per job. ``--full-grid`` MEASURES every job whole (``sample_job``, caches cleared
   before each as in a fresh job process): per-job times beside the extrapolation, the
   total and sum / 2.
2. MEASURED seconds per replicate, compile excluded (compile printed separately), on
   representative cells: both activations, widths 50 and 500, depths 8 and 64, an ordered
   and a chaotic sigma_w^2 (ReLU 1 and 3, tanh 1 and 4), at the maps' sigma_b^2; --quick:
   depth 8 and the ordered sigma_w^2 only. Methods:
   - matrix-free: ``samplers.sample`` with the program the job's plan gives the cell
     (``program_plan(..., quick_compile=False)`` over the job's depths, as ``sample_job``;
     compiled in 1 already, hence 'in 1'), the config's replicate count, the cell's keys;
   - dense: ``finite_ntk.samplers.dense.sample_dense`` on ``cell_setup``'s kernel-only
     setup (full weight matrices from stax, K = |grad|^2, vmapped in its batches);
   - nt: params from stax ``init_fn`` with the replicate keys, K(x, x) from
     ``nt.empirical_ntk_fn(apply_fn)`` (its default, Jacobian contraction), jit(vmap) over
     the dense sampler's batches (so dense and nt draw the same networks).
   Dense and nt time fewer replicates where one takes long (5 at width 500 x depth 64,
   10 at width 500 x depth 8, whole batches; the count is printed).
   EXTRAPOLATED: the grid with dense and with nt: per-replicate CPU time a + b P
   (P = parameter count = M^2 (L - 1) + M (n0 + L + 1) + 1), fitted per activation and
   method on the measured cells (non-negative least squares on relative errors), times
   the replicates of every cell, plus one compile per cell (stax bakes sigma_w, sigma_b
   and the depth into the program; the mean measured compile), / 2 cores.
3. MEASURED agreement (from the width-50, depth-8 cells of 2, 200 replicates per method):
   mean K and R with standard errors (R's by bootstrap). The matrix-free draws use the
   workflow's keys and program for the cell, so they are the workflow's numbers; dense
   and nt use the same keys and batches, hence the same networks, so their draw-by-draw
   difference is printed too. Not asserted (tests/ does that). 200 draws of a chaotic
   cell are a rough check: K is heavy-tailed there (ReLU, sigma_w^2 = 3: median 0.78 x
   mean), and a 200-draw mean can sit 2 to 3 of its standard errors from the law's mean
   (checked with 8,000 draws of that cell's keys: matrix-free 20794 +- 194, dense
   20573 +- 190; the workflow's first 200 were the lowest of the 40 blocks of 200).
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

from finite_ntk.config import load_config  # noqa: E402  (no JAX at import)
from finite_ntk.papers.seed001.settings import sampling_jobs  # noqa: E402

PARALLEL_JOBS = 2
# Representative sigma_w^2 at the maps' sigma_b^2 = 1: ordered and chaotic (the borders:
# ReLU 2, tanh 2.84).
PHASE_POINTS = {"relu": {"ordered": 1.0, "chaotic": 3.0}, "tanh": {"ordered": 1.0, "chaotic": 4.0}}
AGREEMENT_REPLICATES = 200
BOOTSTRAP = 1000


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


class Clock:
    """Wall and CPU seconds since start (CPU: every thread of this process)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def clear_caches() -> None:
    """Forget every compiled program, as a fresh sampling job process starts."""
    import jax

    import finite_ntk.samplers.dense as dense
    import finite_ntk.samplers.matrix_free as mf

    mf._compiled.cache_clear()
    dense.compiled_batch_sampler.cache_clear()
    jax.clear_caches()


def phase_weights(activation: str, available) -> dict[str, float]:
    """The ordered and chaotic sigma_w^2 of an activation (PHASE_POINTS), or the smallest
    and largest available where those are not in the grid."""
    available = sorted(float(w) for w in available)
    wanted = PHASE_POINTS.get(activation, {})
    return {
        phase: wanted[phase]
        if wanted.get(phase) in available
        else (available[0] if phase == "ordered" else available[-1])
        for phase in ("ordered", "chaotic")
    }


def parameter_count_of(network, activation: str, width: int, depth: int) -> int:
    from finite_ntk.papers.seed001.sampling import network_spec
    from finite_ntk.samplers.setup import parameter_count

    return parameter_count(network_spec(network, activation, width, depth, 1.0, 1.0))


def job_startup_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import finite_ntk.papers.seed001.sampling, finite_ntk.samplers.dispatch, xarray"],
        check=True,
    )
    return time.perf_counter() - t0


def two_core_schedule(seconds: list[float]) -> float:
    """Makespan of the jobs on PARALLEL_JOBS cores, longest first, each to the freest core."""
    cores = [0.0] * PARALLEL_JOBS
    for s in sorted(seconds, reverse=True):
        cores[cores.index(min(cores))] += s
    return max(cores)


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


# ---------------------------------------------------------------------------- 1. the grid


def section_grid(config, quick: bool, full_grid: bool) -> dict[str, float]:
    """Prints section 1; returns the matrix-free grid's time on the 2 cores (sum / 2), in
    wall and CPU seconds: measured with --full-grid, extrapolated otherwise."""
    from finite_ntk.papers.seed001.sampling import sample_job

    section = config["seed001"]
    jobs = sampling_jobs(config)
    depths = list(section["depths"])
    replicates = int(section["replicates"])
    rows = sum(len(job.weight_variances) for job in jobs)
    cells = rows * len(depths)
    print(
        f"\n1. THE GRID: {len(jobs)} sampling jobs, {rows} (job, sigma_w^2) rows x {len(depths)} depths = "
        f"{cells} cells, {replicates} replicates each = {cells * replicates:,} replicates "
        f"(widths {section['widths']}, depths {depths[0]}..{depths[-1]}, sampler {section['sampler']!r})"
    )
    for job in jobs:
        print(f"   {job.stem:16s} {len(job.weight_variances):2d} sigma_w^2 x {len(depths)} depths")

    print(
        f"\n1a. MEASURED: per (activation, width) one job cut to single sigma_w^2 rows "
        f"({len(depths)} depths x {replicates} replicates each, sample_job, compiled afresh) [{load()}]"
    )
    print(
        f"{'job':16s} {'sigma_w^2':>10s} | wall s: {'row 1':>6s} {'row 2':>6s} {'row 3':>6s} -> {'row':>5s} "
        f"{'compile':>7s} | cpu s: {'row 1':>6s} {'row 2':>6s} {'row 3':>6s} -> {'row':>5s} {'compile':>7s}"
    )
    maps_bias = float(section["maps"]["bias_variance"])
    groups: dict[tuple[str, int], dict[str, tuple[float, float]]] = {}  # -> {'wall'|'cpu': (compile, row)}
    clear_caches()
    for activation, width in dict.fromkeys((job.activation, job.width) for job in jobs):
        candidates = [job for job in jobs if (job.activation, job.width) == (activation, width)]
        job = next((j for j in candidates if j.bias_variance == maps_bias), candidates[0])
        weights = phase_weights(activation, job.weight_variances)
        order = [weights["ordered"], weights["chaotic"]] + ([] if quick else [weights["ordered"]])
        times = []  # (wall, cpu) per row
        for weight in order:
            clock = Clock()
            sample_job(config, job._replace(weight_variances=(weight,)))
            times.append(clock.read())
        cols = {}
        for index, name in enumerate(("wall", "cpu")):
            t = [row[index] for row in times]
            cols[name] = (max(t[0] - t[-1], 0.0), sum(t[1:]) / len(t[1:]))
        groups[(activation, width)] = cols

        def fmt(index: int) -> str:
            t = [f"{row[index]:6.2f}" for row in times] + [f"{'-':>6s}"] * (3 - len(times))
            compile_s, row = cols[("wall", "cpu")[index]]
            return f"{' '.join(t)} -> {row:5.2f} {compile_s:7.2f}"

        print(
            f"{job.stem:16s} {', '.join(f'{w:g}' for w in order):>10s} | wall s: {fmt(0)} | cpu s: {fmt(1)}", flush=True
        )
    startup = job_startup_seconds()
    print(f"job start-up (fresh interpreter importing the sampler and xarray): {startup:.1f} s wall")

    print(
        "\n1b. EXTRAPOLATED matrix-free grid: each job = its (activation, width)'s compile + "
        "(its sigma_w^2 rows) x (mean row time)"
    )
    predicted: dict[str, dict[str, float]] = {"wall": {}, "cpu": {}}
    result = {}
    for name in ("wall", "cpu"):
        for job in jobs:
            compile_s, row = groups[(job.activation, job.width)][name]
            predicted[name][job.stem] = compile_s + len(job.weight_variances) * row
        total = sum(predicted[name].values())
        result[name] = total / PARALLEL_JOBS
        print(
            f"   {name:4s}: sum over jobs {minutes(total)} on one core; on {PARALLEL_JOBS} cores: sum / "
            f"{PARALLEL_JOBS} = {minutes(total / PARALLEL_JOBS)}, longest-first schedule "
            f"{minutes(two_core_schedule(list(predicted[name].values())))}; with {len(jobs)} job start-ups "
            f"({startup:.1f} s each): {minutes((total + len(jobs) * startup) / PARALLEL_JOBS)}"
        )
    if not full_grid:
        return result

    print(
        f"\n1c. MEASURED: the whole grid, every job whole (sample_job in this process, caches cleared before "
        f"each) [{load()}]"
    )
    print(f"{'job':16s} {'rows':>4s} {'wall s':>8s} {'cpu s':>8s} {'extrapolated wall':>18s} {'cpu':>8s}")
    measured: dict[str, list[float]] = {"wall": [], "cpu": []}
    for job in jobs:
        clear_caches()
        clock = Clock()
        sample_job(config, job)
        wall, cpu = clock.read()
        measured["wall"].append(wall)
        measured["cpu"].append(cpu)
        print(
            f"{job.stem:16s} {len(job.weight_variances):4d} {wall:8.1f} {cpu:8.1f} "
            f"{predicted['wall'][job.stem]:18.1f} {predicted['cpu'][job.stem]:8.1f}",
            flush=True,
        )
    for name in ("wall", "cpu"):
        total = sum(measured[name])
        result[name] = total / PARALLEL_JOBS
        print(
            f"   MEASURED {name:4s}: sum {minutes(total)} on one core; on {PARALLEL_JOBS} cores: sum / "
            f"{PARALLEL_JOBS} = {minutes(total / PARALLEL_JOBS)}, longest-first schedule "
            f"{minutes(two_core_schedule(measured[name]))}; with {len(jobs)} start-ups: "
            f"{minutes((total + len(jobs) * startup) / PARALLEL_JOBS)}"
        )
    print(f"   [{load()}]")
    return result


# ---------------------------------------------------------------------------- 2. methods


def nt_program(setup):
    """jit(vmap(key -> K(x, x))) by neural-tangents' empirical_ntk_fn on stax params from
    init_fn(key), returning the samplers' dict so that ``run_in_batches`` cuts the same
    batches as the dense sampler."""
    import jax
    import jax.numpy as jnp
    import neural_tangents as nt

    from finite_ntk.models.networks import build_network

    init_fn, apply_fn, _ = build_network(setup.spec)
    ntk = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,))  # default implementation: Jacobian contraction
    x = jnp.asarray(setup.input_point, dtype=jnp.result_type(float))[None, :]

    def one(key):
        _, params = init_fn(key, x.shape)
        k = ntk(x, None, params)[0, 0]
        return {"k_init": k[None], "k_step": k[None], "delta_k": jnp.zeros((1,), k.dtype)}

    return jax.jit(jax.vmap(one))


class Timing(dict):
    """compile and per-replicate seconds ('wall', 'cpu'), replicates timed, the draws."""


def time_method(method: str, setup, keys, plan=None) -> Timing:
    """A first call on one block compiles (and runs it), then every key is sampled:
    per replicate = that call / keys (whole blocks computed, the last one padded, as in
    the workflow); compile = first call - block x per replicate."""
    import finite_ntk.samplers.dense as dense
    import finite_ntk.samplers.matrix_free as mf
    from finite_ntk.samplers.batches import run_in_batches
    from finite_ntk.samplers.cost import matrix_free_batch_size
    from finite_ntk.samplers.dispatch import sample
    from finite_ntk.samplers.setup import dense_batch_size

    n = keys.shape[0]
    misses = mf._compiled.cache_info().misses
    if method == "matrix_free":
        block = min(matrix_free_batch_size(setup), n)
        run = lambda k: sample(setup, k, "matrix_free", plan=plan)  # noqa: E731
    elif method == "dense":
        block = min(dense_batch_size(setup.spec), n)
        run = lambda k: dense.sample_dense(setup, k)  # noqa: E731
    else:
        block = min(dense_batch_size(setup.spec), n)
        program = nt_program(setup)
        run = lambda k: run_in_batches(program, k, dense_batch_size(setup.spec))  # noqa: E731
    clock = Clock()
    run(keys[:block])  # returns numpy arrays: done
    first = clock.read()
    clock = Clock()
    draws = run(keys)["k_init"][:, 0]
    total = clock.read()
    timing = Timing(n=n, draws=draws)
    for index, name in enumerate(("wall", "cpu")):
        per = total[index] / n
        timing[name] = per
        timing[f"compile_{name}"] = max(first[index] - block * per, 0.0)
    timing["fresh"] = method != "matrix_free" or mf._compiled.cache_info().misses > misses
    return timing


def representative_cells(config, quick: bool) -> list[tuple[str, int, int, str, float]]:
    section = config["seed001"]
    widths, depths = sorted(section["widths"]), sorted(section["depths"])
    depth_mid = 8 if 8 in depths else depths[len(depths) // 2]
    chosen_depths = [depth_mid] if quick else [depth_mid, depths[-1]]
    phases = ["ordered"] if quick else ["ordered", "chaotic"]
    cells = []
    for activation in section["activations"]:
        weights = phase_weights(activation, section["weight_variances"])
        for width in dict.fromkeys([widths[0], widths[-1]]):
            for depth in chosen_depths:
                for phase in phases:
                    cells.append((activation, width, depth, phase, weights[phase]))
    return cells


def slow_replicates(params: int) -> int:
    """Replicates timed for dense and nt: fewer where one takes long."""
    if params > 2**23:  # width 500 x depth 64: 15.8 M parameters
        return 5
    if params > 2**20:  # width 500 x depth 8: 1.8 M
        return 10
    return 64


def fit_cost(points: list[tuple[int, float]]):
    """(a, b) of t = a + b P, non-negative least squares on relative errors."""
    import numpy as np
    from scipy.optimize import nnls

    P = np.array([p for p, _ in points], dtype=float)
    t = np.array([s for _, s in points])
    A = np.stack([np.ones_like(P), P], axis=1) / t[:, None]
    coefficients, _ = nnls(A, np.ones_like(t))
    return coefficients


def section_methods(config, quick: bool, mf_grid: dict[str, float], mf_label: str) -> dict:
    """Prints section 2; returns the draws of the agreement cells."""
    import numpy as np

    import finite_ntk.seeding as seeding
    from finite_ntk.papers.seed001.sampling import cell_key, cell_setup
    from finite_ntk.samplers.dispatch import get_sampler

    section = config["seed001"]
    network = section["network"]
    bias = float(section["maps"]["bias_variance"])
    replicates = int(section["replicates"])
    depths = list(section["depths"])
    agreement_width = min(section["widths"])
    agreement_depth = 8 if 8 in depths else depths[len(depths) // 2]
    print(
        f"\n2. MEASURED cpu ms per replicate, compile excluded, K(x, x) only, sigma_b^2 = {bias:g} (matrix-free: "
        f"{replicates} replicates on the job's program; dense and nt: the count in brackets; ratios of cpu "
        f"times; 'wall/cpu': the row's wall time over its cpu time, the load's toll) [{load()}]"
    )
    print(
        f"{'act':4s} {'M':>4s} {'L':>3s} {'phase':8s} {'sw2':>3s} {'params':>9s} {'matrix-free':>11s} "
        f"{'dense':>15s} {'nt':>15s} {'dense/mf':>8s} {'nt/mf':>7s} {'wall/cpu':>8s} | compile cpu s: mf / dense / nt"
    )
    points: dict[tuple[str, str], list[tuple[int, float]]] = {}
    compiles: dict[tuple[str, str], list[float]] = {}
    agreement = {}
    for activation, width, depth, phase, weight in representative_cells(config, quick):
        row_setups = [cell_setup(network, activation, width, d, weight, bias) for d in depths]
        plan = get_sampler("matrix_free").plan(row_setups, replicates, quick_compile=False)[depths.index(depth)]
        setup = row_setups[depths.index(depth)]
        params = parameter_count_of(network, activation, width, depth)
        agree = width == agreement_width and depth == agreement_depth
        n_keys = max(replicates, AGREEMENT_REPLICATES) if agree else replicates
        keys = seeding.replicate_keys(cell_key(config["root_seed"], activation, bias, width, weight, depth), n_keys)
        n_slow = n_keys if agree else slow_replicates(params)
        timings = {
            "mf": time_method("matrix_free", setup, keys, plan),  # the workflow's draws (first `replicates`)
            "dense": time_method("dense", setup, keys[:n_slow]),
            "nt": time_method("nt", setup, keys[:n_slow]),
        }
        if agree:
            agreement[(activation, phase, weight)] = {name: t["draws"] for name, t in timings.items()}
        for method in ("dense", "nt"):
            points.setdefault((activation, method), []).append((params, timings[method]["cpu"]))
            compiles.setdefault((activation, method), []).append(timings[method]["compile_cpu"])
        mf, dn, nt_ = timings["mf"], timings["dense"], timings["nt"]
        wall = sum(t["wall"] * t["n"] for t in timings.values()) / sum(t["cpu"] * t["n"] for t in timings.values())
        mf_compile = f"{mf['compile_cpu']:.1f}" if mf["fresh"] else "in 1"
        print(
            f"{activation:4s} {width:4d} {depth:3d} {phase:8s} {weight:3g} {params:9d} {mf['cpu'] * 1e3:8.3f} ms "
            f"{dn['cpu'] * 1e3:9.2f} ms({dn['n']:3d}) {nt_['cpu'] * 1e3:9.2f} ms({nt_['n']:3d}) "
            f"{dn['cpu'] / mf['cpu']:8.1f} {nt_['cpu'] / mf['cpu']:7.1f} {wall:8.2f} | "
            f"{mf_compile} / {dn['compile_cpu']:.1f} / {nt_['compile_cpu']:.1f}",
            flush=True,
        )

    print(
        f"\n2b. EXTRAPOLATED whole grid with dense and with nt: per-replicate cpu t = a + b P fitted per activation "
        f"on the cells above, x {replicates} replicates x every cell, + one compile per cell (mean measured), "
        f"/ {PARALLEL_JOBS} cores"
    )
    fits = {key: fit_cost(pts) for key, pts in points.items()}
    for (activation, method), (a, b) in fits.items():
        worst = max(abs(a + b * p - t) / t for p, t in points[(activation, method)])
        print(
            f"   {method:5s} {activation:5s}: t = {a * 1e3:.3f} ms + {b * 1e9:.2f} ns x P (worst relative misfit "
            f"{worst:.0%} over {len(points[(activation, method)])} cells); compile "
            f"{np.mean(compiles[(activation, method)]):.1f} s per cell (mean)"
        )
    totals = {}
    for method in ("dense", "nt"):
        sampling = compiling = 0.0
        for job in sampling_jobs(config):
            a, b = fits[(job.activation, method)]
            compile_s = float(np.mean(compiles[(job.activation, method)]))
            for _ in job.weight_variances:
                for depth in depths:
                    sampling += replicates * (a + b * parameter_count_of(network, job.activation, job.width, depth))
                    compiling += compile_s
        totals[method] = (sampling + compiling) / PARALLEL_JOBS
        totals[f"{method}_sampling"] = sampling / PARALLEL_JOBS
        print(
            f"   {method:5s}: sampling {sampling / 3600:.1f} h + compiles {compiling / 3600:.1f} h = "
            f"{(sampling + compiling) / 3600:.1f} h on one core; on {PARALLEL_JOBS} cores "
            f"{totals[method] / 3600:.1f} h (sampling alone {sampling / PARALLEL_JOBS / 3600:.1f} h)"
        )
    print(
        f"\n   SUMMARY: the grid on {PARALLEL_JOBS} cores in {minutes(mf_grid['cpu'])} cpu-based "
        f"({minutes(mf_grid['wall'])} wall at this load; {mf_label}, matrix-free) against about "
        f"{totals['dense'] / 3600:.1f} h dense and {totals['nt'] / 3600:.1f} h neural-tangents empirical_ntk_fn "
        f"(cpu-based, extrapolated; without their one compile per cell: {totals['dense_sampling'] / 3600:.1f} h "
        f"and {totals['nt_sampling'] / 3600:.1f} h)"
    )
    return agreement


# ---------------------------------------------------------------------------- 3. agreement


def section_agreement(config, agreement: dict) -> None:
    import numpy as np

    section = config["seed001"]
    depths = list(section["depths"])
    width = min(section["widths"])
    depth = 8 if 8 in depths else depths[len(depths) // 2]
    rng = np.random.default_rng(0)
    print(
        f"\n3. MEASURED agreement: width {width}, depth {depth}, sigma_b^2 = {section['maps']['bias_variance']:g}, "
        f"n = max({AGREEMENT_REPLICATES}, config's) replicates per method (matrix-free: the workflow's keys and program for the cell; "
        f"dense and nt: the same keys and batches, so the same networks); +- one standard error, R's by "
        f"{BOOTSTRAP} bootstrap resamples; mean K and R in float64 from the samples"
    )
    print(
        f"{'act':4s} {'phase':8s} {'sw2':>3s} {'method':12s} {'mean K':>11s} {'+- se':>9s} {'R':>8s} {'+- se':>7s} {'n':>5s}"
    )

    def ratio(v):
        return np.mean(v**2, axis=-1) / np.mean(v, axis=-1) ** 2

    for (activation, phase, weight), draws in agreement.items():
        for method, k in (("matrix-free", draws["mf"]), ("dense", draws["dense"]), ("nt", draws["nt"])):
            k = np.asarray(k, dtype=np.float64)
            n = k.size
            boot = ratio(k[rng.integers(0, n, size=(BOOTSTRAP, n))])
            print(
                f"{activation:4s} {phase:8s} {weight:3g} {method:12s} {k.mean():11.5g} {k.std(ddof=1) / np.sqrt(n):9.3g} "
                f"{ratio(k):8.4f} {boot.std(ddof=1):7.4f} {n:5d}"
            )
        d, t = (np.asarray(draws[m], dtype=np.float64) for m in ("dense", "nt"))
        print(
            f"{'':4s} {'':8s} {'':3s} dense vs nt draw by draw: max |K_dense - K_nt| / K_nt = "
            f"{np.max(np.abs(d - t) / np.abs(t)):.1e}"
        )
    print(
        "(chaotic cells are heavy-tailed: a 200-draw mean can sit 2 to 3 standard errors from the law's mean; "
        "the module docstring has an 8,000-draw check)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows and cells (about 2 cpu minutes)")
    parser.add_argument("--full-grid", action="store_true", help="also measure every sampling job whole (10-15 min)")
    parser.add_argument("--config", nargs="*", default=[], help="config files merged over config/config.yaml")
    args = parser.parse_args()
    config = load_config(ROOT / "config" / "config.yaml", *args.config)

    from finite_ntk.precision import set_precision

    set_precision(config["precision"])  # before neural-tangents is imported
    from finite_ntk.jobs import start_cpu_backend

    start_cpu_backend(1)  # XLA on one core, as a sampling job
    import jax

    clock = Clock()
    print(
        f"machine: {os.cpu_count()} cores, {load()}; jax {jax.__version__}, {jax.devices()[0].platform}, "
        f"XLA on one core; precision {config['precision']}; config/config.yaml"
        + "".join(f" + {c}" for c in args.config)
        + ("; --quick" if args.quick else "")
        + ("; --full-grid" if args.full_grid else "")
    )
    grid = section_grid(config, args.quick, args.full_grid)
    agreement = section_methods(config, args.quick, grid, "measured in 1c" if args.full_grid else "extrapolated in 1b")
    section_agreement(config, agreement)
    wall, cpu = clock.read()
    print(f"\nbenchmark: {wall:.0f} s wall, {cpu:.0f} s cpu; {load()}")


if __name__ == "__main__":
    main()
