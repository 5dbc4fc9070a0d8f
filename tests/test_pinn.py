"""PINN operators: K_rr against independent computations (finite width; and the building
blocks of the infinite-width K_rr of tanh, training.kernels)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.experimental import enable_x64
from jax.scipy.special import erf

import finite_ntk.training.kernels as kernels
from finite_ntk.models.kernels import tree_squared_norm
from finite_ntk.models.networks import TANH_QUADRATURE_DEGREE, NetworkSpec, activation_layer, build_network
from finite_ntk.models.pinn import (
    laplacian_fn,
    pinn_ntk_diagonal,
    pinn_ntk_matrices,
    residual_kernel_vanishes,
    value_fn,
)


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
    "activation",
    [pytest.param("gelu", marks=pytest.mark.slow), "sigmoid", "tanh", pytest.param("erf", marks=pytest.mark.slow)],
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


# ------------------------------------------------- infinite-width K_rr of tanh (training.kernels)


def _directional_derivatives(fn, order):
    """(x, v) -> [d^k/dt^k fn(*(x + t v)) at t = 0 for k = 0 .. order], jitted."""

    def along(x, v):
        line = lambda t: fn(*(x + t * v))  # noqa: E731
        out, g = [], line
        for _ in range(order + 1):
            out.append(g)
            g = (lambda h: lambda t: jax.jvp(h, (t,), (jnp.ones_like(t),))[1])(g)
        return [h(jnp.zeros((), x.dtype)) for h in out]

    return jax.jit(along)


def _assert_same_derivatives(ours, exact, points, directions, order, rtol):
    ours, exact = _directional_derivatives(ours, order), _directional_derivatives(exact, order)
    for point in points:
        for direction in directions:
            x, v = jnp.asarray(point, jnp.float64), jnp.asarray(direction, jnp.float64)
            a, b = np.array(ours(x, v)), np.array(exact(x, v))
            np.testing.assert_allclose(
                a, b, rtol=rtol, atol=rtol * np.max(np.abs(b)), err_msg=f"at {point} along {direction}"
            )


@pytest.mark.slow  # compiles fourth derivatives: 15 to 45 s
def test_gaussian_mean_is_smooth_where_the_variance_vanishes():
    """E[g(m + sqrt(r) Y)] and its derivatives up to order 4 in (m, r), along m, r and a
    mixed direction, at r = 0 too, against the closed form of g = erf, erf(m / sqrt(1 + 2 r))
    (measured: 3e-7 at r = 2, the quadrature's error; neural-tangents' sqrt, whose jvp it sets
    to 0 at 0, gets the r-derivatives wrong at r = 0)."""
    with enable_x64():
        _assert_same_derivatives(
            lambda m, r: kernels._gaussian_mean(erf, kernels.TANH_RESIDUAL_QUADRATURE_DEGREE, m, r),
            lambda m, r: erf(m / jnp.sqrt(1 + 2 * r)),
            points=[(0.3, 0.0), (-0.7, 0.0), (0.3, 0.4), (1.2, 2.0)],
            directions=[(1.0, 0.0), (0.0, 1.0), (0.6, -0.8)],
            order=4,
            rtol=1e-6,
        )


@pytest.mark.slow  # compiles fourth derivatives: 15 to 60 s
def test_bivariate_mean_is_smooth_on_the_diagonal():
    """E[f(u) f(v)] over N(0, [[q1, c], [c, q2]]) and its derivatives up to order 4 in
    (c, q1, q2) against the closed form of erf, (2 / pi) arcsin(2 c / sqrt((1 + 2 q1)(1 + 2 q2))),
    on the degenerate covariance c^2 = q1 q2 (a kernel's diagonal, x = x') and off it."""
    with enable_x64():
        _assert_same_derivatives(
            lambda c, q1, q2: kernels._bivariate_mean(erf, erf, kernels.TANH_RESIDUAL_QUADRATURE_DEGREE, c, q1, q2),
            lambda c, q1, q2: 2 / jnp.pi * jnp.arcsin(2 * c / jnp.sqrt((1 + 2 * q1) * (1 + 2 * q2))),
            points=[(0.8, 0.8, 0.8), (1.0, 0.5, 2.0), (0.3, 0.8, 0.5)],
            directions=[(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.5, 0.7, -0.5)],
            order=4,
            rtol=1e-6,
        )


def test_tanh_polynomial_derivatives():
    z = jnp.linspace(-3.0, 3.0, 25)
    g, reference = kernels.TANH, jnp.tanh
    for _ in range(6):
        np.testing.assert_allclose(g(z), jax.vmap(reference)(z), rtol=1e-5, atol=1e-5 * float(jnp.max(jnp.abs(g(z)))))
        g, reference = g.derivative(), jax.grad(reference)


def test_smooth_tanh_layer_has_the_network_kernel():
    """With the same nodes, the smooth layer of tanh's K_rr kernel and build_network's
    ElementwiseNumerical layer give the same NNGP and NTK (float64, to round-off)."""
    from neural_tangents import stax

    x = jnp.array([[0.2, 0.3], [0.7, 0.4], [0.5, 0.9], [0.7, 0.4]])

    def kernel(layer):
        dense = [stax.Dense(16, W_std=2**0.5, b_std=0.3) for _ in range(3)]
        return stax.serial(dense[0], layer, dense[1], layer, stax.Dense(1, b_std=0.3))[2]

    with enable_x64():
        x = x.astype(jnp.float64)
        smooth = kernels.smooth_quadrature_layer(kernels.TANH, TANH_QUADRATURE_DEGREE)
        ours = jax.jit(lambda a: kernel(smooth)(a, None, ("nngp", "ntk")))(x)
        theirs = jax.jit(lambda a: kernel(activation_layer("tanh"))(a, None, ("nngp", "ntk")))(x)
        for a, b in zip(ours, theirs):
            assert a.dtype == jnp.float64
            np.testing.assert_allclose(a, b, rtol=1e-12)
