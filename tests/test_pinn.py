"""PINN operators: K_rr against independent computations."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from finite_ntk.models.kernels import tree_squared_norm
from finite_ntk.models.networks import NetworkSpec, build_network
from finite_ntk.models.pinn import laplacian_fn, pinn_ntk_diagonal, pinn_ntk_matrices, residual_kernel_vanishes, value_fn


def flat(tree):
    return jnp.concatenate([leaf.ravel() for leaf in jax.tree_util.tree_leaves(tree)])


def network(activation, width=24, depth=3):
    spec = NetworkSpec(width=width, depth=depth, activation=activation, n0=2)
    init_fn, apply_fn, _ = build_network(spec)
    _, params = init_fn(jax.random.key(11, impl="rbg"), (1, 2))
    return apply_fn, params


@pytest.mark.parametrize("activation", ["gelu", "sigmoid", "tanh", "erf"])
@pytest.mark.slow
def test_residual_kernel_matches_hessian_trace(activation):
    """Independent path: reverse-over-reverse Hessian in x, trace, then an explicit
    Jacobian in the parameters."""
    apply_fn, params = network(activation)
    u = value_fn(apply_fn)
    x = jnp.array([0.3, 0.7])

    def laplacian_by_hessian(p):
        return jnp.trace(jax.hessian(lambda z: u(p, z))(x))

    expected = tree_squared_norm(jax.jacrev(laplacian_by_hessian)(params))
    got = pinn_ntk_diagonal(apply_fn, params, x, activation)
    np.testing.assert_allclose(got.rr, expected, rtol=1e-4)
    assert not got.rr_vanishes


# 4 to 9 s each: the fast subset keeps sigmoid and tanh.
@pytest.mark.parametrize(
    "activation", [pytest.param("gelu", marks=pytest.mark.slow), "sigmoid", "tanh", pytest.param("erf", marks=pytest.mark.slow)]
)
def test_residual_gradient_matches_finite_differences(activation):
    """Independent path: the parameter gradient of u at x +- h e_i, combined by the
    central second difference in the input (float32, so a relative tolerance that covers
    the O(h^2) truncation and the round-off)."""
    apply_fn, params = network(activation, width=16, depth=2)
    u = value_fn(apply_fn)
    x = jnp.array([0.4, 0.6])
    h = 2e-2
    grad_u = jax.grad(u)

    def g(z):
        return flat(grad_u(params, z))

    fd = sum((g(x + h * e) - 2 * g(x) + g(x - h * e)) / h**2 for e in jnp.eye(2))
    exact = flat(jax.grad(laplacian_fn(apply_fn))(params, x))
    rel = float(jnp.linalg.norm(fd - exact) / jnp.linalg.norm(exact))
    assert rel < 1e-2, rel
    # K_rr itself to 1e-4 needs the exact path; the FD check pins down its gradient.


def test_relu_residual_kernel_is_zero_and_flagged():
    apply_fn, params = network("relu")
    got = pinn_ntk_diagonal(apply_fn, params, jnp.array([0.3, 0.7]), "relu")
    assert float(got.rr) == 0.0
    assert got.rr_vanishes and residual_kernel_vanishes("relu")
    for smooth in ("gelu", "sigmoid", "tanh", "erf"):
        assert not residual_kernel_vanishes(smooth)


@pytest.mark.slow  # kernel matrices on many points
@pytest.mark.parametrize("activation", ["gelu", "sigmoid"])
def test_kernel_matrices_agree_with_diagonals(activation):
    apply_fn, params = network(activation)
    xs = jnp.array([[0.1, 0.2], [0.5, 0.5], [0.9, 0.3]])
    mats = pinn_ntk_matrices(apply_fn, params, xs, xs)
    for i, x in enumerate(xs):
        d = pinn_ntk_diagonal(apply_fn, params, x, activation)
        np.testing.assert_allclose(mats["uu"][i, i], d.uu, rtol=1e-4)
        np.testing.assert_allclose(mats["rr"][i, i], d.rr, rtol=1e-4)
        np.testing.assert_allclose(mats["ur"][i, i], d.ur, rtol=1e-4, atol=1e-6 * float(d.rr))
    np.testing.assert_allclose(mats["rr"], mats["rr"].T, rtol=1e-4, atol=1e-6 * float(jnp.max(mats["rr"])))
