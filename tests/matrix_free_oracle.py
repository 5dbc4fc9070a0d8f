"""Test-only oracle of the matrix-free sampler: its algebra on explicit hidden matrices,
and autodiff on the same network, to check the derivation exactly.

``build_oracle`` runs the sampler's own replicate function (``matrix_free._replicate``)
with the lazy Gaussian replaced by explicit matrices G (``explicit_products``), and also
returns the replicate's initial parameters (drawn with the sampler's own functions from
the same key), so that ``oracle_and_reference`` can rebuild the network for autodiff.
"""

from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

import finite_ntk.samplers.matrix_free as mf
import finite_ntk.seeding as seeding
from finite_ntk.models.networks import build_network
from finite_ntk.models.pinn import laplacian_fn, value_fn
from finite_ntk.models.scales import dense_scales
from finite_ntk.samplers.setup import MonteCarloSetup
from finite_ntk.samplers.theorem2 import kernels_across_step


def explicit_products(G: jax.Array) -> Callable:
    """The product rule of explicit hidden matrices G (capacity, n, n): layer l's right
    products are rows of G_l q, its left ones of G_l^T p; nothing is revealed (zero rows)."""

    def multiply(l, right, Q, fresh, revealed):
        MQ = Q @ G[l].T if right else Q @ G[l]
        return mf._PassProducts(jnp.zeros_like(Q), jnp.zeros_like(Q), MQ)

    return multiply


def build_oracle(static: mf._Static) -> Callable:
    """``(key, hidden, x, target, lr, scales, G) -> (samples, initial parameters)``: the
    sampler's replicate on explicit hidden matrices G of shape (capacity, n, n) (A = s G),
    and {W1, b1, v, bo, b: hidden biases (capacity, n)}."""
    static_net = mf._network(static)

    def sample(key, hidden, x, target, lr, scales, G):
        result = mf._replicate(static_net, explicit_products(G), key, hidden, x, target, lr, scales)
        net = mf._with_scales(static_net, scales)
        keys = mf._key_streams(key)
        p = mf._edge_parameters(net, keys)
        b = jax.lax.map(lambda l: mf._hidden_bias(net, keys, l), jnp.arange(static.capacity))
        return result, {"W1": p.W1, "b1": p.b1, "v": p.v, "bo": p.bo, "b": b}

    return sample


def dense_reference(setup: MonteCarloSetup, params) -> dict[str, np.ndarray]:
    """What the dense sampler computes (``dense.replicate_sampler``), on given parameters."""
    _, apply_fn, _ = build_network(setup.spec)
    dtype = jnp.result_type(float)
    x = jnp.asarray(setup.input_point, dtype)
    target = jnp.asarray(setup.target(), dtype)
    u, laplacian = value_fn(apply_fn), laplacian_fn(apply_fn)
    outputs = {"uu": lambda p: u(p, x)}
    if setup.model == "pinn":
        outputs["rr"] = lambda p: laplacian(p, x)
    measured = outputs["rr"] if setup.step_loss == "residual" else outputs["uu"]
    result = kernels_across_step(outputs, lambda p: 0.5 * (measured(p) - target) ** 2, params, setup.learning_rate)
    return {name: np.array([result[name][op] for op in setup.operators]) for name in result}


def oracle_and_reference(setup: MonteCarloSetup, seed: int = 0):
    """The matrix-free algebra on explicit hidden matrices, and autodiff on that network."""
    static = mf._static(setup)
    spec = setup.spec
    hidden = spec.depth - 1
    dtype = jnp.result_type(float)
    G = jax.random.normal(jax.random.key(seed), (static.capacity, spec.width, spec.width), dtype)
    key = jax.random.key(seed, impl=seeding.PRNG_IMPL)
    result, p = jax.jit(build_oracle(static))(key, *mf._runtime_arguments(setup, static), G)
    scale = dense_scales(spec.parameterization, spec.b_std, spec.width, spec.W_std).s

    def bias(b):
        return None if spec.b_std is None else b

    params = [[(p["W1"].T, bias(p["b1"][None])), ()]]
    if hidden:
        params.append([(scale * jnp.swapaxes(G[:hidden], 1, 2), bias(p["b"][:hidden, None, :])), ()])
    params.append((p["v"][:, None], bias(p["bo"].reshape(1, 1))))
    return {k: np.asarray(v) for k, v in result.items()}, dense_reference(setup, params)
