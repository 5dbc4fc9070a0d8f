"""PINN operators for 2D Poisson and their neural tangent kernels.

For a network u(x; theta) the PINN sees two outputs per point: the value u(x) (boundary
and data terms) and the residual operator r(x) = Laplacian_x u(x) (the PDE term; the
source f does not depend on theta and drops out of every kernel). Their kernels are

    K_uu(x, x') = <du(x)/dtheta, du(x')/dtheta>
    K_rr(x, x') = <dr(x)/dtheta, dr(x')/dtheta>
    K_ur(x, x') = <du(x)/dtheta, dr(x')/dtheta>

(Wang, Yu & Perdikaris 2022). The Laplacian is taken in forward mode (a jvp of a jvp along
each input axis), the parameter gradient in reverse mode.

ReLU has a zero second derivative, so r and K_rr vanish identically for ReLU networks:
they are returned as zeros, :func:`residual_kernel_vanishes` flags them, and reductions
must not divide by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import jax
import jax.numpy as jnp

from finite_ntk.models.kernels import tree_dot, tree_squared_norm

Params = Any


def residual_kernel_vanishes(activation: str) -> bool:
    """True where K_rr is identically zero (piecewise-linear activations)."""
    return activation == "relu"


def value_fn(apply_fn: Callable) -> Callable[[Params, jax.Array], jax.Array]:
    """``(params, x) -> u(x)`` for one point ``x`` of shape (n0,)."""

    def u(params: Params, x: jax.Array) -> jax.Array:
        return apply_fn(params, x[None, :])[0, 0]

    return u


def laplacian_fn(apply_fn: Callable) -> Callable[[Params, jax.Array], jax.Array]:
    """``(params, x) -> Laplacian_x u(x)`` for one point ``x`` of shape (n0,)."""
    u = value_fn(apply_fn)

    def laplacian(params: Params, x: jax.Array) -> jax.Array:
        def directional_second_derivative(direction: jax.Array) -> jax.Array:
            def first(y: jax.Array) -> jax.Array:
                return jax.jvp(lambda z: u(params, z), (y,), (direction,))[1]

            return jax.jvp(first, (x,), (direction,))[1]

        basis = jnp.eye(x.shape[0], dtype=x.dtype)
        return sum(directional_second_derivative(basis[i]) for i in range(x.shape[0]))

    return laplacian


@dataclass(frozen=True)
class PinnDiagonal:
    """On-diagonal PINN kernels at one point; ``rr_vanishes`` flags ReLU's zero K_rr."""

    uu: jax.Array
    rr: jax.Array
    ur: jax.Array
    rr_vanishes: bool


def pinn_ntk_diagonal(apply_fn: Callable, params: Params, x: jax.Array, activation: str) -> PinnDiagonal:
    """K_uu(x, x), K_rr(x, x) and K_ur(x, x) at one point ``x`` (n0,)."""
    grad_u = jax.grad(value_fn(apply_fn))(params, x)
    grad_r = jax.grad(laplacian_fn(apply_fn))(params, x)
    return PinnDiagonal(
        uu=tree_squared_norm(grad_u),
        rr=tree_squared_norm(grad_r),
        ur=tree_dot(grad_u, grad_r),
        rr_vanishes=residual_kernel_vanishes(activation),
    )


def batched_operator(pointwise: Callable[[Params, jax.Array], jax.Array]) -> Callable:
    """Lift ``(params, x (n0,)) -> scalar`` to ``(params, X (N, n0)) -> (N, 1)``."""

    def batched(params: Params, xs: jax.Array) -> jax.Array:
        return jax.vmap(pointwise, in_axes=(None, 0))(params, xs)[:, None]

    return batched


def pinn_ntk_matrices(
    apply_fn: Callable, params: Params, xs_value: jax.Array, xs_residual: jax.Array
) -> dict[str, jax.Array]:
    """Kernel matrices ``uu`` (Nu x Nu), ``rr`` (Nr x Nr) and ``ur`` (Nu x Nr).

    Built on neural-tangents' ``empirical_ntk_fn`` applied to the value and residual
    operators (Jacobian contraction; it accepts any ``f(params, x)``).
    """
    import neural_tangents as nt

    value = batched_operator(value_fn(apply_fn))
    residual = batched_operator(laplacian_fn(apply_fn))
    impl = nt.NtkImplementation.JACOBIAN_CONTRACTION
    k_uu = nt.empirical_ntk_fn(value, trace_axes=(-1,), implementation=impl)
    k_rr = nt.empirical_ntk_fn(residual, trace_axes=(-1,), implementation=impl)

    def jacobian_matrix(f: Callable, xs: jax.Array) -> jax.Array:
        jac = jax.jacrev(lambda p: f(p, xs)[:, 0])(params)
        return jnp.concatenate([leaf.reshape(xs.shape[0], -1) for leaf in jax.tree_util.tree_leaves(jac)], axis=1)

    cross = jacobian_matrix(value, xs_value) @ jacobian_matrix(residual, xs_residual).T
    return {
        "uu": k_uu(xs_value, None, params),
        "rr": k_rr(xs_residual, None, params),
        "ur": cross,
    }
