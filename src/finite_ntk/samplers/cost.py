"""Work and memory model of the Monte-Carlo samplers: how many directions the matrix-free
sampler reveals per layer, the layer capacity and batch size of its programs, and the work
and memory of a sampling job. Arithmetic only (no JAX), so that the workflow orders and
sizes its jobs without importing JAX; the sampler itself is ``matrix_free``."""

from __future__ import annotations

import math
from typing import Callable

from finite_ntk.samplers.setup import MonteCarloSetup, parameter_count

# Per-layer arrays are allocated for a capacity of hidden layers (a power of two, at least
# what the depth needs) so that one compiled program serves every depth up to it (the
# depth is a run-time argument). The least capacity is the largest power of two whose
# per-layer arrays stay under this many floats per replicate, and at most
# MAX_LEAST_CAPACITY. Layers beyond the depth are never visited (a while loop) and only
# cost the zeros of their rows, 0.1 to 0.6 ns per float (measured: 1/70 to 1/16 of a
# computed layer), so this budget trades compile time (fewer programs) against sampling
# time.
PADDING_FLOAT_BUDGET = 2**22
# With R replicates the padded layers cost about R * width * floats per layer * 0.5 ns
# each; past this many floats in total (about 4 s, the order of one compile) the least
# capacity is lowered (more programs, less padding). Only which program runs depends on
# it, never the draws.
PADDING_TOTAL_FLOATS = 2**33
MAX_LEAST_CAPACITY = 128
# Replicates vmapped at once: about BATCH_LAYER_FLOATS floats of one layer's arrays across
# the batch, at most MAX_BATCH, and at most BATCH_FLOAT_BUDGET floats of per-layer arrays
# in all (256 MiB in float32). Measured on one core: wide networks run fastest one
# replicate at a time (their arrays stay in the core's cache), narrow ones need a batch to
# spread the cost of each operation. A replicate's draw depends on its key alone, so the
# batch size changes the speed, never the draws (round-off in the last bits aside).
BATCH_LAYER_FLOATS = 2**14
BATCH_FLOAT_BUDGET = 2**26
MAX_BATCH = 256


def jet_rows(operators: tuple[str, ...], n0: int) -> int:
    """k: 1 (value only) or 1 + n0 + 1 (value, input gradient, Laplacian)."""
    return 2 + n0 if "rr" in operators else 1


def operator_rows(operator: str, k: int) -> int:
    """Jet rows carrying an operator's gradient: u needs the value row only."""
    return 1 if operator == "uu" else k


def shares_cotangent(operators: tuple[str, ...]) -> bool:
    """With both kernels, the Laplacian's cotangent of the S row equals the value's
    cotangent at every layer (d Lap u / dS_l = du/dh_l: S_l reaches the output through the
    same phi'(z) factors and weights as h_l, and both top cotangents are c_o v), so that
    left query is revealed once."""
    return "uu" in operators and "rr" in operators


def reveals(operators: tuple[str, ...], n0: int) -> tuple[int, int]:
    """(right, left) products of one hidden matrix per pass (before or after the step)."""
    k = jet_rows(operators, n0)
    return k, sum(operator_rows(op, k) for op in operators) - shares_cotangent(operators)


def floats_per_layer(operators: tuple[str, ...], n0: int) -> int:
    """Per-layer floats kept between passes, in units of the width."""
    k, kb = reveals(operators, n0)
    return 8 * k + 3 * kb + 1


def computed_operators(setup: MonteCarloSetup) -> tuple[tuple[str, ...], str | None]:
    """Operators actually computed and the step operator (None: no step). ReLU's
    Laplacian and its gradient are identically zero (as in the dense sampler's autodiff):
    K_rr = 0 is returned without computing it, and a residual step does not move the
    parameters."""
    operators = tuple(setup.operators)
    step = {"residual": "rr", "value": "uu", "none": None}[setup.step_loss]
    if setup.spec.activation == "relu" and "rr" in operators:
        return tuple(op for op in operators if op != "rr"), None if step == "rr" else step
    return operators, step


def replicate_work(setup: MonteCarloSetup) -> int:
    """Floats of per-layer arrays one replicate computes (width x floats per layer x
    hidden layers, at least one): proportional to its sampling time to within a factor of
    about two across the paper grid (measured), which is enough to order jobs by length."""
    operators, _ = computed_operators(setup)
    return setup.spec.width * floats_per_layer(operators, setup.spec.n0) * max(setup.spec.depth - 1, 1)


def layer_capacity(width: int, hidden: int, operators: tuple[str, ...], n0: int, replicates: int | None = None) -> int:
    """Layers of the compiled program: a power of two, at least ``hidden``. Shallow
    networks get the least capacity of their width, so that the depths of a sampling job
    share a program; with many replicates that least capacity shrinks until padding the
    layers costs less than compiling another program (``PADDING_TOTAL_FLOATS``)."""
    per_layer = width * floats_per_layer(operators, n0)
    least = min(pow2_floor(PADDING_FLOAT_BUDGET // per_layer), MAX_LEAST_CAPACITY)
    if replicates is not None:
        least = min(least, pow2_floor(PADDING_TOTAL_FLOATS // (replicates * per_layer)))
    return max(least, 1 << max(0, math.ceil(math.log2(max(1, hidden)))))


def pow2_floor(value: int) -> int:
    return 1 << max(0, int(math.log2(max(1, value))))


def matrix_free_batch_size(setup: MonteCarloSetup) -> int:
    """Replicates vmapped at once (speed and memory only: the draws do not depend on it).
    It depends on the configuration alone (the capacity used here is at least the one
    compiled), so that the depths of a sampling job share programs."""
    spec = setup.spec
    operators, _ = computed_operators(setup)
    per_layer = spec.width * floats_per_layer(operators, spec.n0)
    per_replicate = layer_capacity(spec.width, spec.depth - 1, operators, spec.n0) * per_layer + 64 * spec.width
    return int(max(1, min(MAX_BATCH, BATCH_FLOAT_BUDGET // per_replicate, BATCH_LAYER_FLOATS // per_layer)))


def computed_replicates(replicates: int, batch_size: int) -> int:
    """Replicates actually computed: whole blocks (sampling.run_in_batches)."""
    return replicates if replicates <= batch_size else batch_size * -(-replicates // batch_size)


# Work per replicate by sampler, to order jobs by length: the matrix-free work model, or
# the parameter count for the dense sampler (whose cost grows with it).
REPLICATE_WORK: dict[str, Callable[[MonteCarloSetup], int]] = {
    "dense": lambda setup: parameter_count(setup.spec),
    "matrix_free": replicate_work,
}


# Memory of a matrix-free sampling job: its per-layer arrays are capped per batch
# (BATCH_FLOAT_BUDGET, 256 MiB in float32); generous against the peaks measured on the
# paper grid (README, Speed), for cluster requests.
MATRIX_FREE_JOB_MEMORY_MB = 3000


def sampling_memory_mb(sampler: str, width: int, depths: list[int]) -> int:
    """Memory (MB) to request for the sampling job of one width: the dense sampler holds a
    few copies of the largest network's parameters (float32) plus the runtime's own; the
    matrix-free one never forms a weight matrix."""
    if sampler == "matrix_free":
        return MATRIX_FREE_JOB_MEMORY_MB
    largest = width * width * max(depths)
    return int(2000 + 24 * largest / 2**20 * 4)
