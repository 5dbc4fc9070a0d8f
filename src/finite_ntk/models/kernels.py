"""On-diagonal empirical NTK and parameter gradients.

K(x, x) = sum over all trainable parameters p of (dN(x)/dp)^2  (eq. 6 of the report): the
squared norm of the parameter gradient of the scalar output at one input.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp

Params = Any
ScalarFn = Callable[[Params], jax.Array]


def tree_dot(a: Params, b: Params) -> jax.Array:
    """Euclidean inner product of two parameter pytrees of the same structure."""
    leaves = jax.tree_util.tree_map(lambda u, v: jnp.vdot(u, v), a, b)
    return sum(jax.tree_util.tree_leaves(leaves), start=jnp.zeros((), dtype=jnp.result_type(float)))


def tree_squared_norm(a: Params) -> jax.Array:
    return tree_dot(a, a)


def scalar_output_fn(apply_fn: Callable, x: jax.Array) -> ScalarFn:
    """``params -> N(x)`` for one input ``x`` of shape ``(n0,)``."""

    def output(params: Params) -> jax.Array:
        return apply_fn(params, x[None, :])[0, 0]

    return output


def parameter_gradient(apply_fn: Callable, params: Params, x: jax.Array) -> Params:
    """dN(x)/dtheta as a pytree shaped like ``params``."""
    return jax.grad(scalar_output_fn(apply_fn, x))(params)


def ntk_diagonal(apply_fn: Callable, params: Params, x: jax.Array) -> jax.Array:
    """On-diagonal empirical NTK K(x, x) = |dN(x)/dtheta|^2 for one input ``x`` (n0,)."""
    return tree_squared_norm(parameter_gradient(apply_fn, params, x))


def relu_mean_ntk_diagonal(depth: int, x_squared_norm: float, n0: int, with_bias: bool) -> float:
    """Exact E[K(x, x)] of a ReLU network in the ``ntk`` parameterization with hidden
    W_std = sqrt(2), readout W_std = 1 and zero-initialised unit-scale biases.

    Derivation (unit-variance parameters, z^l = W_std W h^{l-1} / sqrt(n_{l-1}) + b^l).
    Backward: E|dN/dz^d|^2 = 1/2 (readout weights of variance 1 over n units, the ReLU
    derivative keeps half of them), and He scaling (W_std^2 = 2 against the factor 1/2 of
    the ReLU derivative) keeps it at 1/2 at every hidden layer; at the readout it is 1.
    Forward: E|h^l|^2 / n_l = |x|^2 / n0 at every hidden layer. A weight layer contributes
    W_std^2 |h^{l-1}|^2 / n_{l-1} |dN/dz^l|^2, i.e. 2 (|x|^2/n0)(1/2) for each of the d
    hidden layers and 1 (|x|^2/n0) 1 for the readout: (d + 1) |x|^2 / n0. A bias of unit
    scale contributes |dN/dz^l|^2: d / 2 + 1. Hanin & Nica's Theorem 1 writes
    d (1/2 + |x|^2 / n0): their d counts the readout as a layer and their readout has no
    bias of its own, so the two agree up to that bookkeeping of the last layer.
    """
    weights = (depth + 1) * x_squared_norm / n0
    biases = depth / 2 + 1 if with_bias else 0.0
    return weights + biases
