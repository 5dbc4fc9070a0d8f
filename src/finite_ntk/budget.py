"""Start-up bounds on what a config would cost: a run whose sizes are absurd (a replicate
count of 1e9, a width of 1e8, a depth of 1e9) is refused before any job runs, with what it
would cost, instead of failing hours later for lack of memory or never finishing.

Each paper's start-up check lists its jobs as :class:`JobCost` (peak memory and core-seconds
of each job, from the work and memory models of :mod:`finite_ntk.samplers.cost` and the
speeds measured in the README's Speed section) and calls :func:`check_costs`, which refuses
a run when one job would need more than :data:`MAX_JOB_MEMORY_BYTES` of memory or
:data:`MAX_JOB_CORE_HOURS`, or the paper's jobs together more than
:data:`MAX_PAPER_CORE_HOURS`. The estimates are coarse and on the low side (the rates below
are the fastest measured, or faster), so the bounds catch typos and impossible sizes, never
a run that could be made: the paper protocol of seed 001's training
(``config/seed001_training_paper.yaml``, about 750 core-hours measured) passes them with
room to spare. The error names the size field whose reduction would cut the excess most.

Arithmetic only (no JAX): read when Snakemake parses the workflow.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from finite_ntk.samplers.cost import (
    MATRIX_FREE_JOB_MEMORY_MB,
    REPLICATE_WORK,
    computed_operators,
    floats_per_layer,
    layer_capacity,
    matrix_free_batch_size,
    sampling_memory_mb,
)
from finite_ntk.samplers.setup import MonteCarloSetup

# Bounds of one run of one paper.
MAX_JOB_MEMORY_BYTES = 1e12  # 1 TB: more than any one machine this workflow runs on
MAX_JOB_CORE_HOURS = 1_000.0  # six weeks of one core: a job cannot be split
MAX_PAPER_CORE_HOURS = 100_000.0  # 11 core-years; seed 001's paper protocol is about 750

# Rates, each at or below the fastest measured (README, Speed), so that the estimates are low.
# Matrix-free sampler: seconds per float of its per-layer work (samplers.cost.replicate_work);
# measured 6.6e-9 (seed 001, M = 500, L = 64) to 1.6e-7 (FNN 512 x 2), 9.2e-9 over the
# precise run of seed 000.
MATRIX_FREE_SECONDS_PER_FLOAT = 5e-9
# Dense sampler: seconds per parameter per replicate; measured 1.4e-7 (FNN 4096 x 2) to 4.2e-7.
DENSE_SECONDS_PER_PARAMETER = 1e-7
# Bootstraps: seconds per (resample x replicate x cell); seed 000's precise reduction 2.4e-8.
BOOTSTRAP_SECONDS_PER_DRAW = 1e-8
# Full-batch gradient descent: seconds per (sample x parameter x step); seed 001's training
# fit is 32 ns x M^2 L per step of 128 samples, 2.5e-10.
TRAINING_SECONDS_PER_SAMPLE_PARAMETER = 2e-10
# Dense linear algebra (NTK matrices by Jacobian contraction, solves, eigenvalues): seconds
# per multiply-add, 20 GFLOP/s on one core.
SECONDS_PER_MULTIPLY_ADD = 5e-11
# Element-wise numpy array work (seed 002's kernel recursions), per element and layer.
SECONDS_PER_ARRAY_ELEMENT = 1e-9

GB = 1e9


class JobCost(NamedTuple):
    """One job's estimated peak memory (bytes) and time (core-seconds)."""

    job: str
    memory_bytes: float
    seconds: float


Estimate = Callable[[Mapping[str, Any]], list[JobCost]]
# A size field's smallest value (for :func:`check_costs` to find which field is to blame).
Shrink = Callable[[Any], Any]


def parameter_count(width: int, depth: int, n0: int, outputs: int = 1) -> int:
    """Weights and biases of a fully connected network: ``depth`` hidden layers of ``width``
    on inputs of dimension ``n0``, ``outputs`` outputs."""
    return n0 * width + width + (depth - 1) * (width * width + width) + outputs * (width + 1)


def sampler_cost(
    setups: Sequence[MonteCarloSetup], replicates: int, sampler: str, itemsize: int
) -> tuple[float, float]:
    """(memory bytes, core-seconds) of one sampling job drawing ``replicates`` of every setup
    (one width): the work model of :data:`finite_ntk.samplers.cost.REPLICATE_WORK` at the
    sampler's rate; its memory model, :func:`finite_ntk.samplers.cost.sampling_memory_mb`,
    and for the matrix-free sampler at least one batch of its per-layer arrays (a single
    replicate of a very wide network exceeds the batch budget)."""
    rate = MATRIX_FREE_SECONDS_PER_FLOAT if sampler == "matrix_free" else DENSE_SECONDS_PER_PARAMETER
    seconds = replicates * rate * sum(REPLICATE_WORK[sampler](setup) for setup in setups)
    width = setups[0].spec.width
    memory = float(sampling_memory_mb(sampler, width, [s.spec.depth for s in setups]) * 2**20)
    if sampler == "matrix_free":
        for setup in setups:
            spec = setup.spec
            operators, _ = computed_operators(setup)
            per_layer = spec.width * floats_per_layer(operators, spec.n0)
            per_replicate = layer_capacity(spec.width, spec.depth - 1, operators, spec.n0) * per_layer + 64 * spec.width
            memory = max(
                memory, MATRIX_FREE_JOB_MEMORY_MB * 2**20 + matrix_free_batch_size(setup) * per_replicate * itemsize
            )
    return memory, seconds


def smallest_item(values: list) -> list:
    """A list of numbers reduced to its smallest one."""
    return [min(values)] if values else values


def smallest_architecture(pairs: list) -> list:
    """A list of [width, depth] reduced to its cheapest pair (least width^2 x depth)."""
    return [min(pairs, key=lambda pair: pair[0] * pair[0] * pair[1])] if pairs else pairs


def to(value: Any) -> Shrink:
    """The shrink to a fixed value (a field's least allowed)."""
    return lambda _: value


class _Excess(NamedTuple):
    what: str  # "memory", "job time", "total time"
    amount: float
    job: str


def _excess(costs: Iterable[JobCost]) -> _Excess | None:
    costs = list(costs)
    if not costs:
        return None
    largest = max(costs, key=lambda c: c.memory_bytes)
    if largest.memory_bytes > MAX_JOB_MEMORY_BYTES:
        return _Excess("memory", largest.memory_bytes, largest.job)
    longest = max(costs, key=lambda c: c.seconds)
    if longest.seconds > MAX_JOB_CORE_HOURS * 3600:
        return _Excess("job time", longest.seconds, longest.job)
    total = sum(c.seconds for c in costs)
    if total > MAX_PAPER_CORE_HOURS * 3600:
        return _Excess("total time", total, longest.job)
    return None


def _measure(costs: list[JobCost], excess: _Excess) -> float:
    """The excess's measure in ``costs``: the total time, or the memory or time of the job
    that exceeded (of the largest job when that one is gone)."""
    if excess.what == "total time":
        return sum(c.seconds for c in costs)
    pick = (lambda c: c.memory_bytes) if excess.what == "memory" else (lambda c: c.seconds)
    same = [pick(c) for c in costs if c.job == excess.job]
    return same[0] if same else max(map(pick, costs), default=0.0)


def _replaced(config: Mapping[str, Any], path: str, shrink: Shrink) -> dict[str, Any]:
    copied = copy.deepcopy(dict(config))
    *parents, key = path.split(".")
    section = copied
    for part in parents:
        section = section[part]
    section[key] = shrink(section[key])
    return copied


def _ratio(config: Mapping[str, Any], estimate: Estimate, excess: _Excess, path: str, shrink: Shrink) -> float:
    """How many times the excess shrinks with ``path`` shrunk (0 when that cannot be estimated)."""
    try:
        reduced = _measure(estimate(_replaced(config, path, shrink)), excess)
    except (KeyError, TypeError, ValueError, IndexError):
        return 0.0
    return excess.amount / max(reduced, 1e-300)


def _blame(
    config: Mapping[str, Any], estimate: Estimate, fields: Mapping[str, Shrink], excess: _Excess
) -> tuple[str, Any]:
    """The size field whose smallest value cuts the excess most (the first listed, on ties),
    and its value; for a list, the one item whose removal cuts it most, as ``field[i]``."""
    best, best_ratio = next(iter(fields)), 0.0
    for path, shrink in fields.items():
        ratio = _ratio(config, estimate, excess, path, shrink)
        if ratio > best_ratio * (1 + 1e-9):
            best, best_ratio = path, ratio
    value: Any = config
    for part in best.split("."):
        value = value[part]
    if isinstance(value, list) and 1 < len(value) <= 1000:
        ratios = [
            _ratio(config, estimate, excess, best, lambda items, i=i: items[:i] + items[i + 1 :])
            for i in range(len(value))
        ]
        index = max(range(len(value)), key=lambda i: ratios[i])
        if ratios[index] > 1:
            return f"{best}[{index}]", value[index]
    return best, value


def _amount(value: float) -> str:
    """1,234,567 or 12.3 or 0.0012: three significant digits, no exponent."""
    return f"{value:,.0f}" if value >= 100 else f"{float(f'{value:.3g}'):g}"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_costs(config: Mapping[str, Any], estimate: Estimate, fields: Mapping[str, Shrink]) -> None:
    """Raise ValueError naming the size field to blame when ``estimate(config)`` exceeds a
    bound; ``fields``: the dotted size fields of the estimate and each one's smallest value."""
    costs = estimate(config)
    excess = _excess(costs)
    if excess is None:
        return
    field, value = _blame(config, estimate, fields, excess)
    largest = max(costs, key=lambda c: c.memory_bytes)
    longest = max(costs, key=lambda c: c.seconds)
    total = sum(c.seconds for c in costs)
    need = (
        f"~{_amount(largest.memory_bytes / GB)} GB of memory in one job ({largest.job}), "
        f"~{_amount(longest.seconds / 3600)} core-hours in one job ({longest.job}) "
        f"and ~{_amount(total / 3600)} core-hours in all"
    )
    raise ValueError(
        f"config field '{field}': {_shown(value)} is too large: this paper's jobs would need {need}; allowed: "
        f"at most {MAX_JOB_MEMORY_BYTES / GB:,.0f} GB in one job, {MAX_JOB_CORE_HOURS:,.0f} core-hours in one job "
        f"and {MAX_PAPER_CORE_HOURS:,.0f} core-hours in all (low estimates of finite_ntk.budget)"
    )


__all__ = [
    "BOOTSTRAP_SECONDS_PER_DRAW",
    "DENSE_SECONDS_PER_PARAMETER",
    "GB",
    "MATRIX_FREE_SECONDS_PER_FLOAT",
    "MAX_JOB_CORE_HOURS",
    "MAX_JOB_MEMORY_BYTES",
    "MAX_PAPER_CORE_HOURS",
    "SECONDS_PER_ARRAY_ELEMENT",
    "SECONDS_PER_MULTIPLY_ADD",
    "TRAINING_SECONDS_PER_SAMPLE_PARAMETER",
    "JobCost",
    "check_costs",
    "parameter_count",
    "sampler_cost",
    "smallest_architecture",
    "smallest_item",
    "to",
]
