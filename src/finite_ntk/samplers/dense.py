"""Dense Monte-Carlo sampler of the on-diagonal NTK before and after one SGD step.

Each replicate draws a full network from its own key (see ``seeding``), measures the
kernels at the configured input point, takes one SGD step (batch of one) and measures
them again. Replicates are vmapped in batches whose size depends only on the network's
size, never on the number of replicates, so replicate i is the same draw whatever the
replicate count.
"""

from __future__ import annotations

import functools
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

from finite_ntk.models.networks import build_network
from finite_ntk.models.pinn import laplacian_fn, value_fn
from finite_ntk.samplers.batches import run_in_batches
from finite_ntk.samplers.setup import SAMPLE_VARIABLES, MonteCarloSetup, dense_batch_size
from finite_ntk.samplers.theorem2 import kernels_across_step, kernels_without_step


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
        if setup.has_step:
            result = kernels_across_step(outputs, loss, params, setup.learning_rate)
        else:
            result = kernels_without_step(outputs, params)
        return {name: jnp.stack([result[name][op] for op in setup.operators]) for name in SAMPLE_VARIABLES}

    return sample


@functools.lru_cache(maxsize=16)
def compiled_batch_sampler(setup: MonteCarloSetup) -> Callable[[jax.Array], dict[str, jax.Array]]:
    """``jit(vmap(replicate_sampler))``, cached per setup so repeated calls compile once."""
    return jax.jit(jax.vmap(replicate_sampler(setup)))


def sample_dense(
    setup: MonteCarloSetup,
    keys: jax.Array,
    batch_size: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key: arrays of shape (replicates, len(operators))."""
    batch_size = batch_size or dense_batch_size(setup.spec)
    return run_in_batches(compiled_batch_sampler(setup), keys, batch_size, progress)
