"""NTK matrices on point sets for the training experiments: the empirical value NTK
(layer by layer), the empirical residual NTK K_rr, their infinite-width counterparts, and
the spectra recorded of them (their relative distances: :func:`finite_ntk.stats.relative_frobenius_distance`).

Value NTK (FNN, PINN K_uu): for a dense layer z = c_W h W + c_b b the parameters
contribute (G G'^T) * (c_W^2 H H'^T + c_b^2), with H the layer's inputs and G = dN/dz its
output gradients (:func:`finite_ntk.training.forward.layer_features`). This is exact and
costs a few N x N x width products, so the depth-10 width-512 network (2.4M parameters)
is cheap. Residual NTK (PINN K_rr): Jacobian of the Laplacian with respect to the
parameters, computed in chunks of points, then J J^T.

The infinite-width K_rr of a smooth activation is the mixed derivative
Laplacian_x Laplacian_x' Theta(x, x') of neural-tangents' ``kernel_fn``, taken with
nested jvps along the inputs (an entry (i, j) of ``kernel_fn(X1, X2)`` depends only on
x_i and x_j, so one jvp with the same tangent on every row differentiates every entry).
For ReLU it is not available (its kernel is not twice differentiable where x = x', and
the finite network's K_rr vanishes identically). For tanh, whose kernel is a quadrature
(stax.ElementwiseNumerical), the hidden layers are ``smooth_quadrature_layer``: the same
rule, but with derivatives that stay right where x = x' (ElementwiseNumerical's do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from finite_ntk.models.networks import NetworkSpec, activation_layer, build_network
from finite_ntk.training.forward import layer_features, layer_scales, value_and_laplacian

Params = Any


def value_ntk_matrix(spec: NetworkSpec, params: Params, x1: jax.Array, x2: jax.Array | None = None) -> jax.Array:
    """Empirical NTK K(x1, x2) = <dN(x1)/dtheta, dN(x2)/dtheta> of ``build_network(spec)``
    at ``params``, layer by layer (no Jacobian); ``x2=None`` means ``x2 = x1``."""
    h1, g1 = layer_features(spec, params, x1)
    h2, g2 = (h1, g1) if x2 is None else layer_features(spec, params, x2)
    scales = layer_scales(spec)
    cw, cb = scales.first
    kernel = (g1[0] @ g2[0].T) * (cw**2 * (h1[0] @ h2[0].T) + cb**2)
    if spec.depth > 1:
        cw, cb = scales.hidden
        gg = jnp.einsum("lia,lja->lij", g1[1], g2[1])
        hh = jnp.einsum("lia,lja->lij", h1[1], h2[1])
        kernel = kernel + jnp.sum(gg * (cw**2 * hh + cb**2), axis=0)
    cw, cb = scales.readout
    kernel = kernel + (g1[2] @ g2[2].T) * (cw**2 * (h1[2] @ h2[2].T) + cb**2)
    return kernel


def _flat_jacobian(fn: Callable[[Params], jax.Array], params: Params) -> jax.Array:
    """Jacobian of ``fn: params -> (M,)`` as an (M, P) matrix."""
    jac = jax.jacrev(fn)(params)
    leaves = jax.tree_util.tree_leaves(jac)
    m = leaves[0].shape[0]
    return jnp.concatenate([leaf.reshape(m, -1) for leaf in leaves], axis=1)


@partial(jax.jit, static_argnums=0)
def _residual_jacobian(spec: NetworkSpec, params: Params, x: jax.Array) -> jax.Array:
    return _flat_jacobian(lambda p: value_and_laplacian(spec, p, x)[1], params)


def residual_ntk_matrix(spec: NetworkSpec, params: Params, x: jax.Array, chunk: int = 50) -> jax.Array:
    """Empirical residual NTK K_rr(x_i, x_j) = <dr(x_i)/dtheta, dr(x_j)/dtheta>,
    r = Laplacian_x u, from the parameter Jacobian of r built ``chunk`` points at a time."""
    rows = [_residual_jacobian(spec, params, x[s : s + chunk]) for s in range(0, x.shape[0], chunk)]
    jac = jnp.concatenate(rows, axis=0)
    return jac @ jac.T


# --------------------------------------------------------------------------------------
# Infinite width (neural-tangents kernel_fn)
# --------------------------------------------------------------------------------------


def infinite_width_value_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array | None = None) -> jax.Array:
    """Infinite-width NTK Theta(x1, x2) from neural-tangents' ``kernel_fn``."""
    return _infinite_width_value_ntk(spec, x1, x1 if x2 is None else x2)


@partial(jax.jit, static_argnums=0)
def _infinite_width_value_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array) -> jax.Array:
    _, _, kernel_fn = build_network(spec)
    return kernel_fn(x1, x2, "ntk")


def infinite_width_residual_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array | None = None) -> jax.Array:
    """Infinite-width K_rr(x1, x2) = Laplacian_x Laplacian_x' Theta(x, x') from
    neural-tangents' ``kernel_fn`` (smooth activations only)."""
    if spec.activation == "relu":
        raise ValueError("infinite-width K_rr: not available for relu (kernel not twice differentiable at x = x')")
    x2 = x1 if x2 is None else x2
    if spec.activation != "tanh":
        return _infinite_width_residual_ntk(spec, x1, x2)
    # tanh's quadrature holds TANH_RESIDUAL_QUADRATURE_DEGREE^2 values per entry (and per
    # derivative): blocks of rows of one shape (the last padded), one compiled program.
    n, rows = x1.shape[0], TANH_RESIDUAL_ROWS
    padded = jnp.concatenate([x1, jnp.broadcast_to(x1[:1], (-n % rows, x1.shape[1]))])
    blocks = [_infinite_width_residual_ntk(spec, padded[s : s + rows], x2) for s in range(0, padded.shape[0], rows)]
    return jnp.concatenate(blocks)[:n]


@partial(jax.jit, static_argnums=0)
def _infinite_width_residual_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array) -> jax.Array:
    kernel_fn = unrolled_kernel_fn(spec)
    return _laplacian_along_rows(lambda a: _laplacian_along_rows(lambda b: kernel_fn(a, b, "ntk"), x2), x1)


def unrolled_kernel_fn(spec: NetworkSpec) -> Callable:
    """``kernel_fn`` of ``build_network(spec)`` with the hidden layers written out instead
    of ``stax.repeat`` (same kernel; nested derivatives of it trace and compile faster).
    tanh: ``smooth_quadrature_layer`` in place of ElementwiseNumerical (its rule, with
    TANH_RESIDUAL_QUADRATURE_DEGREE nodes, differentiable along the inputs where x = x')."""
    from neural_tangents import stax

    def dense(out_dim: int, w_std: float) -> tuple:
        return stax.Dense(out_dim, W_std=w_std, b_std=spec.b_std, parameterization=spec.parameterization)

    def activation() -> tuple:
        if spec.activation == "tanh":
            return smooth_quadrature_layer(TANH, TANH_RESIDUAL_QUADRATURE_DEGREE)
        return activation_layer(spec.activation)

    layers = []
    for _ in range(spec.depth):
        layers += [dense(spec.width, spec.W_std), activation()]
    layers.append(dense(1, spec.W_std_readout))
    return stax.serial(*layers)[2]


# Nodes per axis of tanh's K_rr kernel: its fourth derivatives along the inputs need more
# than the kernel's TANH_QUADRATURE_DEGREE. Error of K_rr(x, x') relative to
# sqrt(K_rr(x, x) K_rr(x', x')) against 300 nodes (float64, depth 2, W_std^2 = 2), largest at
# the largest pre-activation variance q of the PINN's kernel points (q = 1.85, the cell
# centre (0.975, 0.95)): 3e-3 with 75 nodes, 4e-4 with 100, 8e-5 with 120, 9e-6 with 150;
# with 120, 1e-8 between the other points tested (q <= 0.85).
TANH_RESIDUAL_QUADRATURE_DEGREE = 120
# Rows of K_rr per compiled block for tanh: 25 x 200 entries x 120^2 nodes, 290 MB per
# float32 intermediate. The PINN's 200 kernel points, depth 2: 77 s (45 of them compiling)
# and 0.74 GB on 2 cores.
TANH_RESIDUAL_ROWS = 25

# neural-tangents' ElementwiseNumerical writes (u, v) ~ N(0, [[q1, c], [c, q2]]) as
# u = sqrt(q1) z, v = (c / sqrt(q1)) z + sqrt(r) y, r = q2 - c^2 / q1, and differentiates
# sqrt(r) with a jvp it sets to 0 at r = 0: its kernel is right, but derivatives along the
# inputs are wrong where x = x' (the K_rr diagonal of a depth-2 tanh network came out
# negative, that of ElementwiseNumerical(erf) 1e12 against 110 from stax.Erf). The integral
# over y, E[g(m + sqrt(r) Y)], is smooth in r (it solves the heat equation, d/dr = 1/2
# E[g''(m + sqrt(r) Y)]), so ``_gaussian_mean`` takes its derivatives from that, in any order.


def _derivative(g: Callable) -> Callable:
    if isinstance(g, TanhPolynomial):
        return g.derivative()
    return lambda t: jax.jvp(g, (t,), (jnp.ones_like(t),))[1]


@dataclass(frozen=True)
class TanhPolynomial:
    """z -> sum_k coefficients[k] tanh(z)^k, with its derivative in closed form
    (d/dz tanh = 1 - tanh^2): the nested derivatives of the K_rr kernel then trace as
    polynomials, not nested jvps (compiles in a third of the time)."""

    coefficients: tuple[float, ...]
    __name__ = "tanh"  # stax.Elementwise names its layer after it

    def __call__(self, z: jax.Array) -> jax.Array:
        t = jnp.tanh(z)
        out = jnp.full_like(z, self.coefficients[-1])
        for c in self.coefficients[-2::-1]:
            out = out * t + c
        return out

    def derivative(self) -> TanhPolynomial:
        d = np.polynomial.Polynomial(self.coefficients).deriv() * np.polynomial.Polynomial([1.0, 0.0, -1.0])
        return TanhPolynomial(tuple(float(c) for c in d.coef))


TANH = TanhPolynomial((0.0, 1.0))


def _hermite_rule(deg: int, dtype: Any) -> tuple[jax.Array, jax.Array]:
    """Nodes and weights of E[h(Y)], Y ~ N(0, 1) (the nodes of ElementwiseNumerical, times sqrt 2)."""
    y, w = np.polynomial.hermite_e.hermegauss(deg)
    return jnp.asarray(y, dtype), jnp.asarray(w / w.sum(), dtype)


@partial(jax.custom_jvp, nondiff_argnums=(0, 1))
def _gaussian_mean(g: Callable, deg: int, m: jax.Array, r: jax.Array) -> jax.Array:
    """E[g(m + sqrt(r) Y)], Y ~ N(0, 1), r >= 0, by ``deg``-node Gauss-Hermite."""
    y, w = _hermite_rule(deg, m.dtype)
    return g(m[..., None] + jnp.sqrt(jnp.maximum(r, 0))[..., None] * y) @ w


@_gaussian_mean.defjvp
def _gaussian_mean_jvp(g, deg, primals, tangents):
    m, r = primals
    dm, dr = tangents
    dg = _derivative(g)
    tangent = _gaussian_mean(dg, deg, m, r) * dm + 0.5 * _gaussian_mean(_derivative(dg), deg, m, r) * dr
    return _gaussian_mean(g, deg, m, r), tangent


def _bivariate_mean(f: Callable, g: Callable, deg: int, c: jax.Array, q1: jax.Array, q2: jax.Array) -> jax.Array:
    """E[f(u) g(v)], (u, v) ~ N(0, [[q1, c], [c, q2]]), q1 > 0: ``deg`` x ``deg`` nodes."""
    z, w = _hermite_rule(deg, c.dtype)
    s = jnp.sqrt(q1)
    inner = _gaussian_mean(g, deg, (c / s)[..., None] * z, jnp.broadcast_to((q2 - c * c / q1)[..., None], z.shape))
    return (f(s[..., None] * z) * inner) @ w


def smooth_quadrature_layer(fn: Callable, deg: int) -> tuple[Callable, Callable, Callable]:
    """stax layer of the activation ``fn`` (smooth; its finite network applies ``fn``) whose
    kernel is ElementwiseNumerical's ``deg``-node Gauss-Hermite rule, written so that its
    derivatives along the inputs are right everywhere, x = x' included (see above)."""
    from neural_tangents import stax

    dfn = _derivative(fn)

    def nngp_fn(c, q1, q2):
        return _bivariate_mean(fn, fn, deg, c, q1, q2)

    def d_nngp_fn(c, q1, q2):
        return _bivariate_mean(dfn, dfn, deg, c, q1, q2)

    return stax.Elementwise(fn, nngp_fn, d_nngp_fn)


def _laplacian_along_rows(fn: Callable[[jax.Array], jax.Array], x: jax.Array) -> jax.Array:
    """sum_k d^2/dt^2 fn(x + t e_k) at t = 0, with the same unit tangent e_k on every row
    of ``x`` (a vmap over k of a jvp of a jvp)."""

    def second(direction: jax.Array) -> jax.Array:
        tangent = jnp.broadcast_to(direction, x.shape)

        def first(y: jax.Array) -> jax.Array:
            return jax.jvp(fn, (y,), (tangent,))[1]

        return jax.jvp(first, (x,), (tangent,))[1]

    return jnp.sum(jax.vmap(second)(jnp.eye(x.shape[1], dtype=x.dtype)), axis=0)


# --------------------------------------------------------------------------------------
# Spectra (numpy, float64)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spectrum:
    """Eigenvalues (descending) of a symmetric kernel matrix and its condition number.

    The matrix is computed in the run's precision; its eigenvalues are found in float64.
    Eigenvalues below ``N * eps * lambda_max`` (eps of the matrix's dtype) are round-off:
    the condition number then uses that floor instead of lambda_min and ``resolved`` is
    False, i.e. the value is a lower bound.
    """

    eigenvalues: np.ndarray
    condition_number: float
    resolved: bool


def spectrum(matrix: Any) -> Spectrum:
    """:class:`Spectrum` of a symmetric kernel matrix (symmetrised, then in float64)."""
    k = np.asarray(matrix)
    eps = np.finfo(k.dtype).eps if np.issubdtype(k.dtype, np.floating) else np.finfo(np.float64).eps
    k = k.astype(np.float64)
    eig = np.linalg.eigvalsh(0.5 * (k + k.T))[::-1]
    if not eig[0] > 0:
        return Spectrum(eig, float("nan"), False)
    floor = eig[0] * k.shape[0] * eps
    return Spectrum(eig, float(eig[0] / max(eig[-1], floor)), bool(eig[-1] > floor))
