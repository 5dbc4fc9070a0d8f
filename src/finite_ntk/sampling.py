"""Dense Monte-Carlo sampler of the on-diagonal NTK before and after one SGD step.

Each replicate draws a full network from its own key (see ``seeding``), measures the
kernels at the configured input point, takes one SGD step (batch of one) and measures
them again. Replicates are vmapped in batches whose size depends only on the network's
size, never on the number of replicates, so replicate i is the same draw whatever the
replicate count.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .networks import NetworkSpec, build_network
from .pinn import laplacian_fn, value_fn
from .problems import poisson_exact, poisson_source, sine_target
from .theorem2 import kernels_across_step

if TYPE_CHECKING:  # matrix_free imports this module
    from .matrix_free import Program

MODELS: tuple[str, ...] = ("fnn", "pinn")
# Kernels measured per model: 'uu' the value NTK, 'rr' the residual-operator NTK.
OPERATORS: dict[str, tuple[str, ...]] = {"fnn": ("uu",), "pinn": ("uu", "rr")}
STEP_LOSSES: dict[str, tuple[str, ...]] = {"fnn": ("value",), "pinn": ("value", "residual")}
INPUT_DIMENSION: dict[str, int] = {"fnn": 1, "pinn": 2}
SAMPLE_VARIABLES: tuple[str, ...] = ("k_init", "k_step", "delta_k")

# Floats of parameters vmapped at once by the dense sampler (about 16 MiB in float32 per
# copy); bounds memory at width 4096 while keeping small networks fully vectorised.
DENSE_BATCH_PARAMETER_BUDGET = 2**22
DENSE_MAX_BATCH = 256
# A sampling job reports its progress at most this often (and when a configuration is done).
PROGRESS_SECONDS = 5.0


@dataclass(frozen=True)
class MonteCarloSetup:
    """One Monte-Carlo configuration: model, network, input point, step."""

    model: str
    spec: NetworkSpec
    input_point: tuple[float, ...]
    learning_rate: float
    step_loss: str = "value"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"model: {self.model!r} is not supported; allowed: {', '.join(MODELS)}")
        if len(self.input_point) != self.spec.n0:
            raise ValueError(
                f"input_point: has {len(self.input_point)} coordinates, the {self.model} network takes n0={self.spec.n0}"
            )
        if self.step_loss not in STEP_LOSSES[self.model]:
            raise ValueError(
                f"step_loss: {self.step_loss!r} is not supported for {self.model}; "
                f"allowed: {', '.join(STEP_LOSSES[self.model])}"
            )
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate: must be positive, got {self.learning_rate!r}")

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS[self.model]

    def target(self) -> float:
        """N*(x) of the one-step loss (sine target, or the exact Poisson solution)."""
        x = jnp.asarray(self.input_point)
        if self.model == "fnn":
            return float(sine_target(x))
        if self.step_loss == "value":
            return float(poisson_exact(x))
        return float(poisson_source(x))


def parameter_count(spec: NetworkSpec) -> int:
    per_bias = 1 if spec.has_bias else 0
    first = spec.n0 * spec.width + per_bias * spec.width
    hidden = (spec.depth - 1) * (spec.width * spec.width + per_bias * spec.width)
    readout = spec.width + per_bias
    return first + hidden + readout


def dense_batch_size(spec: NetworkSpec) -> int:
    return int(max(1, min(DENSE_MAX_BATCH, DENSE_BATCH_PARAMETER_BUDGET // parameter_count(spec))))


def replicate_sampler(setup: MonteCarloSetup) -> Callable[[jax.Array], dict[str, jax.Array]]:
    """``key -> {'k_init', 'k_step', 'delta_k'}``, each of shape (len(operators),)."""
    init_fn, apply_fn, _ = build_network(setup.spec)
    u = value_fn(apply_fn)
    laplacian = laplacian_fn(apply_fn)
    dtype = jnp.result_type(float)
    x = jnp.asarray(setup.input_point, dtype=dtype)
    target = jnp.asarray(setup.target(), dtype=dtype)

    outputs = {"uu": lambda p: u(p, x)}
    if setup.model == "pinn":
        outputs["rr"] = lambda p: laplacian(p, x)
    measured = outputs["rr"] if setup.step_loss == "residual" else outputs["uu"]

    def loss(params):
        return 0.5 * (measured(params) - target) ** 2

    def sample(key: jax.Array) -> dict[str, jax.Array]:
        _, params = init_fn(key, (1, setup.spec.n0))
        result = kernels_across_step(outputs, loss, params, setup.learning_rate)
        return {name: jnp.stack([result[name][op] for op in setup.operators]) for name in SAMPLE_VARIABLES}

    return sample


@functools.lru_cache(maxsize=16)
def compiled_batch_sampler(setup: MonteCarloSetup) -> Callable[[jax.Array], dict[str, jax.Array]]:
    """``jit(vmap(replicate_sampler))``, cached per setup so repeated calls compile once."""
    return jax.jit(jax.vmap(replicate_sampler(setup)))


def run_in_batches(
    batch_fn: Callable[[jax.Array], dict[str, jax.Array]],
    keys: jax.Array,
    batch_size: int,
    progress: Callable[[str], None] | None = None,
    label: str = "",
) -> dict[str, np.ndarray]:
    """``batch_fn`` (a sampler vmapped over keys, returning SAMPLE_VARIABLES) on consecutive
    blocks of ``batch_size`` keys; arrays of shape (replicates, ...). ``progress`` gets a
    line at most every PROGRESS_SECONDS, and after the last block.

    With the 'rbg' generator (the dense sampler) a vmapped draw depends on the first key
    of its batch and on its position in the batch, so the blocks are always the same:
    replicate i is the same draw whatever the number of replicates. A vmapped draw does
    not depend on the batch's length (checked for both samplers: a block's first m
    replicates are the same numbers whether the block is run whole or cut to m), so a last
    partial block is padded with copies of its last key only up to the size actually run,
    which is ``batch_size`` or, when fewer keys are asked for, the key count: 100
    replicates never compute a block of 256, and one compiled program serves every block.
    """
    replicates = keys.shape[0]
    size = min(batch_size, replicates)
    batches = -(-replicates // batch_size)
    # Blocks are cut from a host copy of the key data: slicing a device array costs a
    # dispatch (60 us against 12 us, measured), paid once per block of often one replicate.
    impl = jax.random.key_impl(keys)
    key_data = np.asarray(jax.random.key_data(keys))
    chunks: list[dict[str, np.ndarray]] = []
    start = reported = time.perf_counter()
    for b in range(batches):
        block = key_data[b * batch_size : (b + 1) * batch_size]
        if block.shape[0] < size:
            block = np.concatenate([block, np.repeat(block[-1:], size - block.shape[0], axis=0)])
        out = batch_fn(jax.random.wrap_key_data(block, impl=impl))
        chunks.append({k: np.asarray(v) for k, v in out.items()})
        now = time.perf_counter()
        if progress is not None and (now - reported >= PROGRESS_SECONDS or b == batches - 1):
            reported = now
            done = min((b + 1) * batch_size, replicates)
            progress(f"replicates {done}/{replicates} ({now - start:.1f} s{label})")
    return {k: np.concatenate([c[k] for c in chunks])[:replicates] for k in SAMPLE_VARIABLES}


def sample_dense(
    setup: MonteCarloSetup,
    keys: jax.Array,
    batch_size: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key: arrays of shape (replicates, len(operators))."""
    batch_size = batch_size or dense_batch_size(setup.spec)
    return run_in_batches(compiled_batch_sampler(setup), keys, batch_size, progress)


SAMPLERS: tuple[str, ...] = ("dense", "matrix_free")


def sample(
    setup: MonteCarloSetup,
    keys: jax.Array,
    sampler: str = "dense",
    progress: Callable[[str], None] | None = None,
    program: Program | None = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key with the chosen backend (same contract for both).
    ``program``: the matrix-free sampler's compiled program (``matrix_free.program_plan``)."""
    if sampler == "dense":
        return sample_dense(setup, keys, progress=progress)
    if sampler == "matrix_free":
        from .matrix_free import sample_matrix_free

        return sample_matrix_free(setup, keys, progress=progress, program=program)
    raise ValueError(f"sampler: {sampler!r} is not supported; allowed: {', '.join(SAMPLERS)}")
