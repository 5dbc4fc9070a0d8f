"""One SGD step (Theorem 2 of Hanin & Nica) and the kernel before and after it.

The step has batch size one: theta' = theta - lr * dL/dtheta with L the model's one-point
loss. The kernels are on-diagonal squared gradient norms |g|^2 at the same point; the
change is computed as <g' - g, g' + g>, which keeps the small differences that
|g'|^2 - |g|^2 would lose to cancellation.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import jax

from finite_ntk.models.kernels import tree_dot, tree_squared_norm

Params = Any


def sgd_step(loss_fn: Callable[[Params], jax.Array], params: Params, learning_rate: float) -> Params:
    """theta - lr * dL/dtheta."""
    grads = jax.grad(loss_fn)(params)
    return jax.tree_util.tree_map(lambda p, g: p - learning_rate * g, params, grads)


def kernels_across_step(
    output_fns: Mapping[str, Callable[[Params], jax.Array]],
    loss_fn: Callable[[Params], jax.Array],
    params: Params,
    learning_rate: float,
) -> dict[str, dict[str, jax.Array]]:
    """For each named scalar output o(theta): K = |do/dtheta|^2 before and after one SGD
    step on ``loss_fn``, and the change dK.

    Returns ``{'k_init': {name: K}, 'k_step': {name: K'}, 'delta_k': {name: K' - K}}``.
    """
    stepped = sgd_step(loss_fn, params, learning_rate)
    out: dict[str, dict[str, jax.Array]] = {"k_init": {}, "k_step": {}, "delta_k": {}}
    for name, fn in output_fns.items():
        before = jax.grad(fn)(params)
        after = jax.grad(fn)(stepped)
        out["k_init"][name] = tree_squared_norm(before)
        out["k_step"][name] = tree_squared_norm(after)
        difference = jax.tree_util.tree_map(lambda a, b: a - b, after, before)
        total = jax.tree_util.tree_map(lambda a, b: a + b, after, before)
        out["delta_k"][name] = tree_dot(difference, total)
    return out


def kernels_without_step(
    output_fns: Mapping[str, Callable[[Params], jax.Array]], params: Params
) -> dict[str, dict[str, jax.Array]]:
    """The kernels of :func:`kernels_across_step` without a step: K' = K and dK = 0."""
    out: dict[str, dict[str, jax.Array]] = {"k_init": {}, "k_step": {}, "delta_k": {}}
    for name, fn in output_fns.items():
        k = tree_squared_norm(jax.grad(fn)(params))
        out["k_init"][name] = out["k_step"][name] = k
        out["delta_k"][name] = jax.numpy.zeros_like(k)
    return out
