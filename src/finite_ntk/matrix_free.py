r"""Exact matrix-free Monte-Carlo sampler of K(x, x) before and after one SGD step.

Same contract as :func:`finite_ntk.sampling.sample_dense` (one key per replicate, arrays of
shape ``(replicates, len(setup.operators))`` for ``k_init``, ``k_step`` and ``delta_k``) and
the same law, exactly, but no hidden ``n x n`` weight matrix is ever formed: a replicate
costs O(n d r^2) time and O(n d r) memory instead of O(n^2 d), with r <= 4 revealed
directions per hidden layer for the FNN and r <= 18 for the PINN (n0 = 2).

Network and notation
--------------------
``build_network``: Dense(n, W_std) -> phi -> repeat(Dense(n, W_std) -> phi, d - 1) ->
Dense(1, W_std_readout). Every Dense layer with fan-in ``m`` computes, with its parameter
matrix ``A`` (``n_out x m``, stax stores the transpose) and bias parameter ``b``,

    z = c A h + beta b,     A = s G,   G_ij iid N(0, 1),    b = s_b N(0, I),

    ntk:       c = W_std / sqrt(m), s = 1,                 beta = b_std,  s_b = 1
    standard:  c = 1,               s = W_std / sqrt(m),   beta = 1,      s_b = b_std

(``b_std = None``: no bias; ``b_std = 0`` in the ntk parameterization: a bias whose
gradient ``beta dL/dz`` vanishes, so it never enters the NTK and never moves.) The kernels
are squared gradient norms with respect to the parameters ``(A, b)`` of every layer, and the
SGD step is ``theta' = theta - lr (o(x) - target) do/dtheta`` (batch of one,
loss ``1/2 (o - target)^2``, ``o = u`` or, for the PINN residual loss, ``o = Laplacian u``).

Forward jets (value and Laplacian)
----------------------------------
Each layer propagates a jet ``H = [h, h1_1 .. h1_n0, S]`` (columns, ``n x k``): the value,
its first derivatives along each input axis and the *sum* of the second derivatives
(forward Laplacian). With ``Z = [z, z1_i, zS]`` the pre-activation jet,

    z = c A h + beta b,  z1_i = c A h1_i,  zS = c A S               (linear, same A)
    h = phi(z),  h1_i = phi'(z) z1_i,  S = phi''(z) sum_i z1_i^2 + phi'(z) zS.

The input jet is ``[x, e_1 .. e_n0, 0]``, the output ``u = c_o v.h + beta_o b_o``,
``Laplacian u = c_o v.S``. (Summing the second-order columns is exact: the Laplacian only
needs their sum, and it saves n0 - 1 columns.) For the FNN the jet is just ``[h]`` (k = 1).

Backward (reverse mode through the jets)
----------------------------------------
With cotangents ``bar H`` of a layer output, ``bar Z = J_jet(Z)^T bar H`` (an elementwise
vjp; phi', phi'', phi''' come from autodiff of the stax activation itself), then
``bar H_prev = c A^T bar Z`` column by column, and the gradients of the layer are

    dO/dA = c bar Z H_in^T  (rank <= k),      dO/db = beta bar z   (first column).

For ``u`` only the first column is non-zero (one left product per layer); for the
Laplacian all k columns are (top cotangent: ``bar S = c_o v``). The step changes every
hidden matrix by a low-rank term, ``A' = s G - a b^T`` with ``a = lr (o - target) c bar Z_o``
and ``b = H_in`` (the step operator's columns), so after the step
``A' q = s G q - a (b^T q)`` and ``A'^T p = s G^T p - b (a^T p)``: only products with G.

Norms never need the matrix either: for ``g = c sum_k a_k b_k^T``,
``|g|_F^2 = c^2 sum_{k,m} (a_k.a_m)(b_k.b_m)``, and the change of the kernel is taken as in
``theorem2`` as ``<g' - g, g' + g>`` with ``g' - g = c sum_k [(a'_k - a_k) b'_k^T +
a_k (b'_k - b_k)^T]``: the same element-wise differences the dense sampler takes.

The lazy Gaussian matrix
------------------------
Each hidden ``G`` (``n x n``, iid N(0, 1)) is only ever touched through a sequence of right
products ``G q`` and left products ``G^T p``, each query being a function of what has been
revealed so far (of this and the other, independent, layers). Keep orthonormal bases R
(revealed right directions) and L (revealed left directions) and the revealed values
``Y = G R`` and ``Zt = G^T L``. In the rotated bases ``[L, L_perp] x [R, R_perp]`` G is still
an iid Gaussian matrix whose blocks ``G_LR, G_LRp, G_LpR`` are revealed and whose block
``G_LpRp = L_perp^T G R_perp`` is independent of everything seen, so conditionally

    G = Y R^T + L Zt^T (I - P_R) + (I - P_L) G_fresh (I - P_R),    G_fresh iid N(0, 1).

* Right product ``G q``: ``q = R a + q_perp`` (two classical Gram-Schmidt passes),
  ``u = q_perp / |q_perp|``; then ``G u = L (Zt^T u) + (I - P_L) g`` with ``g ~ N(0, I_n)``
  fresh, ``G q = Y a + |q_perp| G u``; append u to R and ``G u`` to Y.
* Left product ``G^T p``: symmetric, ``G^T w = R (Y^T w) + (I - P_R) g``, appended to L, Zt.

Each step is the exact conditional law given all the previous revealed values, so the
joint law of everything computed equals the dense one (Gaussian conditioning, as in the
conditioning technique of Bolthausen / Bayati-Montanari). A query already in the revealed
span (``|q_perp| <= 4 eps |q|``, e.g. the zero second-derivative jets of ReLU) reveals
nothing and leaves a zero column; the dropped part is below float round-off. The number
of revealed vectors of each kind is static (it depends only on the model), so every layer
has the same array shapes, the slot of each reveal is a static index and the passes are
``lax.scan`` over depth, vmapped over replicates. Queries per hidden layer: right
``2k`` (forward before and after the step), left ``2 k_b`` with ``k_b = 1`` (FNN) or
``1 + k`` (PINN: u and Laplacian); r = 4 for the FNN, 8 + 10 for the PINN with n0 = 2.
This requires ``width >= max(2k, 2 k_b)``, i.e. width >= 10 for the PINN with n0 = 2.

The first layer (``n x n0``), the readout (a vector) and the biases are small and sampled
densely. All randomness comes from the replicate key (deterministic for a given key); the
draws differ from the dense sampler's draw by draw, not in law.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .networks import activation_layer
from .sampling import SAMPLE_VARIABLES, MonteCarloSetup

PARAMETERIZATIONS_SUPPORTED: tuple[str, ...] = ("ntk", "standard")
MODELS_SUPPORTED: tuple[str, ...] = ("fnn", "pinn")
# A query whose component outside the revealed span is at most this many machine epsilons
# (relative to the query's norm) reveals nothing new.
REVEAL_TOLERANCE_EPS = 4.0
# Per-layer arrays are allocated for a capacity of hidden layers (a power of two, at least
# what the depth needs) so that one compiled program serves every depth up to it. The
# least capacity is the largest power of two whose per-layer arrays stay under this many
# floats per replicate, and at most MAX_LEAST_CAPACITY: layers beyond the depth are
# skipped (lax.cond) and only cost writing their zero outputs.
PADDING_FLOAT_BUDGET = 2**20
MAX_LEAST_CAPACITY = 128
# Floats of per-layer arrays vmapped at once (about 64 MiB in float32) and the largest
# batch. The batch size depends only on the configuration, never on the replicate count,
# so replicate i is the same draw whatever the number of replicates.
BATCH_FLOAT_BUDGET = 2**24
MAX_BATCH = 1024


class _Static(NamedTuple):
    """Everything the compiled program depends on. The depth, input point, target and
    learning rate are run-time arguments, so one program serves a whole sampling job."""

    activation: str
    parameterization: str
    W_std: float
    W_std_readout: float
    b_std: float | None
    width: int
    n0: int
    operators: tuple[str, ...]  # the ones computed ('rr' dropped where it vanishes)
    reported: tuple[str, ...]  # the setup's operators, in output order
    step_operator: str | None  # None: the step is identically zero
    capacity: int
    dtype: str


class _Scales(NamedTuple):
    """z = c A h + beta b with A = s G and b = s_b N(0, 1) for a layer of fan-in m."""

    c: float
    s: float
    beta: float
    s_b: float


def _scales(parameterization: str, b_std: float | None, fan_in: int, W_std: float) -> _Scales:
    b = 0.0 if b_std is None else float(b_std)
    if parameterization == "ntk":
        return _Scales(W_std / fan_in**0.5, 1.0, b, 1.0)
    if parameterization == "standard":
        return _Scales(1.0, W_std / fan_in**0.5, 1.0, b)
    raise ValueError(
        f"parameterization: {parameterization!r} is not supported by the matrix-free sampler; "
        f"allowed: {', '.join(PARAMETERIZATIONS_SUPPORTED)}"
    )


def _jet_rows(operators: tuple[str, ...], n0: int) -> int:
    """k: 1 (value only) or 1 + n0 + 1 (value, input gradient, Laplacian)."""
    return 2 + n0 if "rr" in operators else 1


def _operator_rows(operator: str, k: int) -> int:
    """Jet rows carrying an operator's gradient: u needs the value row only."""
    return 1 if operator == "uu" else k


def _reveals(operators: tuple[str, ...], n0: int) -> tuple[int, int]:
    """(right, left) products of one hidden matrix per pass (before or after the step)."""
    k = _jet_rows(operators, n0)
    return k, sum(_operator_rows(op, k) for op in operators)


def _floats_per_layer(operators: tuple[str, ...], n0: int) -> int:
    """Per-layer floats kept between passes, in units of the width."""
    k, kb = _reveals(operators, n0)
    return 8 * k + 3 * kb + 1


def _computed_operators(setup: MonteCarloSetup) -> tuple[tuple[str, ...], str | None]:
    """Operators actually computed and the step operator. ReLU's Laplacian and its
    gradient are identically zero (as in the dense sampler's autodiff): K_rr = 0 is
    returned without computing it, and a residual step does not move the parameters."""
    operators = tuple(setup.operators)
    step = "rr" if setup.step_loss == "residual" else "uu"
    if setup.spec.activation == "relu" and "rr" in operators:
        return tuple(op for op in operators if op != "rr"), None if step == "rr" else step
    return operators, step


def check_supported(setup: MonteCarloSetup) -> None:
    """Raise a clear ValueError for setups the matrix-free sampler cannot draw exactly."""
    spec = setup.spec
    _scales(spec.parameterization, spec.b_std, 1, 1.0)
    if setup.model not in MODELS_SUPPORTED:
        raise ValueError(
            f"model: {setup.model!r} is not supported by the matrix-free sampler; allowed: {', '.join(MODELS_SUPPORTED)}"
        )
    unknown = set(setup.operators) - {"uu", "rr"}
    if unknown:
        raise ValueError(f"operators: {sorted(unknown)} are not supported by the matrix-free sampler; allowed: uu, rr")
    operators, _ = _computed_operators(setup)
    most = 2 * max(_reveals(operators, spec.n0))
    if spec.depth > 1 and spec.width < most:
        raise ValueError(
            f"width: the matrix-free sampler reveals up to {most} directions per hidden matrix for "
            f"model {setup.model!r} with n0={spec.n0}, so it needs width >= {most}; got width "
            f"{spec.width} (use sampler: dense)"
        )


def _capacity(width: int, hidden: int, operators: tuple[str, ...], n0: int) -> int:
    per_layer = width * _floats_per_layer(operators, n0)
    least = 1 << max(0, int(math.log2(max(1, PADDING_FLOAT_BUDGET // per_layer))))
    least = min(least, MAX_LEAST_CAPACITY)
    needed = 1 << max(0, math.ceil(math.log2(max(1, hidden))))
    return max(least, needed)


def _static(setup: MonteCarloSetup) -> _Static:
    spec = setup.spec
    operators, step = _computed_operators(setup)
    return _Static(
        activation=spec.activation,
        parameterization=spec.parameterization,
        W_std=float(spec.W_std),
        W_std_readout=float(spec.W_std_readout),
        b_std=None if spec.b_std is None else float(spec.b_std),
        width=spec.width,
        n0=spec.n0,
        operators=operators,
        reported=tuple(setup.operators),
        step_operator=step,
        capacity=_capacity(spec.width, spec.depth - 1, operators, spec.n0),
        dtype=jnp.dtype(jnp.result_type(float)).name,
    )


def matrix_free_batch_size(setup: MonteCarloSetup) -> int:
    """Replicates vmapped at once (depends only on the configuration)."""
    static = _static(setup)
    per_replicate = static.width * (static.capacity * _floats_per_layer(static.operators, static.n0) + 64)
    return int(max(1, min(MAX_BATCH, BATCH_FLOAT_BUDGET // per_replicate)))


# --------------------------------------------------------------------------- lazy Gaussian
#
# Bases are lists of row blocks (m_i, n) with orthonormal rows across all blocks, values
# the matching blocks of G-products; no block is ever copied into a bigger array.


def _reveal_pass(basis, values, other_basis, other_values, Q, fresh):
    """Products M q_j of a lazy Gaussian M for the query rows of Q (m, n), given what is
    revealed; all the queries of a pass are known in advance, so the pass is a block QR.

    For right products (M = G): ``basis`` = blocks of R (rows), ``values`` = blocks of
    (G R^T)^T, ``other_basis`` = blocks of L, ``other_values`` = blocks of (G^T L^T)^T. For
    left products (M = G^T) the two sides swap. ``fresh`` (m, n) is iid N(0, 1).

    1. Q = C B + P, P orthogonal to the revealed rows B (two block Gram-Schmidt passes).
    2. P = T U, U orthonormal rows (Gram-Schmidt twice within the pass; a row that is
       round-off, |p| <= tol eps |q|, gives u = 0 and reveals nothing).
    3. M u = P_O M u + (I - P_O) g = (u . W_i) o_i + g - (g . o_i) o_i (O the other side).
    4. M q = C V + T (M U).
    Returns (U, M U, M Q), the new rows to append to ``basis`` and ``values``.
    """
    m = Q.shape[0]
    eps = jnp.finfo(Q.dtype).eps
    coefs = [jnp.zeros((m, B.shape[0]), Q.dtype) for B in basis]
    P = Q
    for _ in range(2 if basis else 0):
        c = [P @ B.T for B in basis]
        P = P - sum(ci @ B for ci, B in zip(c, basis))
        coefs = [a + b for a, b in zip(coefs, c)]
    q_norms = jnp.sqrt(jnp.sum(Q * Q, axis=1))
    if m == 1:
        norm = jnp.sqrt(jnp.sum(P * P))
        new = norm > REVEAL_TOLERANCE_EPS * eps * q_norms[0]
        norm = jnp.where(new, norm, 0.0)
        U, T = jnp.where(new, P / jnp.where(new, norm, 1.0), 0.0), norm.reshape(1, 1)
    else:

        def orthonormalize(j, state):
            """Row j against rows < j (zero rows beyond contribute nothing), twice."""
            U, T = state
            p = P[j]
            t = jnp.zeros((m,), Q.dtype)
            for _ in range(2):
                c = U @ p
                p = p - c @ U
                t = t + c
            norm = jnp.sqrt(jnp.sum(p * p))
            new = norm > REVEAL_TOLERANCE_EPS * eps * q_norms[j]
            norm = jnp.where(new, norm, 0.0)
            U = U.at[j].set(jnp.where(new, p / jnp.where(new, norm, 1.0), 0.0))
            return U, T.at[j].set(t.at[j].set(norm))

        U, T = jax.lax.fori_loop(0, m, orthonormalize, (jnp.zeros_like(P), jnp.zeros((m, m), Q.dtype)))
    MU = fresh
    if other_basis:
        MU = MU + sum((U @ W.T - fresh @ O.T) @ O for O, W in zip(other_basis, other_values))
    MU = jnp.where(jnp.diagonal(T)[:, None] > 0, MU, 0.0)
    MQ = T @ MU
    for c, V in zip(coefs, values):
        MQ = MQ + c @ V
    return U, MU, MQ


# --------------------------------------------------------------------------- activations


def _activation(name: str) -> tuple[Callable, Callable, Callable]:
    """phi, phi', phi'' of the stax activation (derivatives by autodiff of stax's own fn)."""
    _, act_apply, _ = activation_layer(name)

    def phi(z):
        return act_apply((), z)

    def d1(z):
        return jax.jvp(phi, (z,), (jnp.ones_like(z),))[1]

    def d2(z):
        return jax.jvp(d1, (z,), (jnp.ones_like(z),))[1]

    return phi, d1, d2


# --------------------------------------------------------------------------- the sampler


def _build(static: _Static, oracle: bool = False) -> Callable:
    """The per-replicate function ``(key, hidden, x, target, lr) -> samples``.

    Jets, cotangents and revealed directions are rows (``(rows, n)`` arrays). With
    ``oracle=True`` (tests only) it takes one more argument, explicit hidden matrices G of
    shape (capacity, n, n), multiplies by them instead of revealing lazily, and also
    returns the initial parameters, so the algebra can be checked against autodiff.
    """
    n, n0, cap = static.width, static.n0, static.capacity
    ops = static.operators
    dtype = jnp.dtype(static.dtype)
    k, kb = _reveals(ops, n0)
    laplacian = k > 1
    rows = {op: _operator_rows(op, k) for op in ops}
    m_op = static.step_operator
    first = _scales(static.parameterization, static.b_std, n0, static.W_std)
    mid = _scales(static.parameterization, static.b_std, n, static.W_std)
    out = _scales(static.parameterization, static.b_std, n, static.W_std_readout)
    # Biases that enter the kernel (beta != 0), and whether their initial value is random.
    bias = static.b_std is not None and mid.beta != 0.0
    bias_drawn = bias and mid.s_b != 0.0
    phi, d1, d2 = _activation(static.activation)
    top_row = {"uu": 0, "rr": k - 1}

    def jet(Z):
        """Pre-activation jet (k, n) -> post-activation jet."""
        if not laplacian:
            return phi(Z)
        z, z1, zs = Z[0], Z[1 : 1 + n0], Z[1 + n0]
        p1 = d1(z)
        S = d2(z) * jnp.sum(z1 * z1, axis=0) + p1 * zs
        return jnp.concatenate([phi(z)[None], p1[None] * z1, S[None]], axis=0)

    def jet_vjp(Z, barH):
        """{op: bar H (rows[op], n)} -> {op: bar Z}."""
        barZ = {}
        for op in ops:
            if op == "uu":
                barZ[op] = (d1(Z[0]) * barH[op][0])[None]
            else:
                (barZ[op],) = jax.vjp(jet, Z)[1](barH[op])
        return barZ

    def gram(a, b):
        """|sum_k a_k b_k^T|_F^2 for rows a_k, b_k."""
        return jnp.sum((a @ a.T) * (b @ b.T))

    def gram_change(a0, b0, a1, b1):
        """<g1 - g0, g1 + g0> for g = sum_k a_k b_k^T, from element-wise differences."""
        X = jnp.concatenate([a1 - a0, a0])
        Y = jnp.concatenate([b1, b1 - b0])
        U = jnp.concatenate([a1, a0])
        W = jnp.concatenate([b1, b0])
        return jnp.sum((X @ U.T) * (Y @ W.T))

    def sample(key, hidden, x, target, lr, G_explicit=None):
        kW1, kb1, kbo, kv, k_bias, kh = jax.random.split(key, 6)
        W1 = first.s * jax.random.normal(kW1, (n, n0), dtype)
        v = out.s * jax.random.normal(kv, (n,), dtype)
        b1 = first.s_b * jax.random.normal(kb1, (n,), dtype) if bias_drawn else jnp.zeros((n,), dtype)
        bo = out.s_b * jax.random.normal(kbo, (), dtype) if bias_drawn else jnp.zeros((), dtype)
        biases = mid.s_b * jax.random.normal(k_bias, (cap, n), dtype) if bias_drawn else jnp.zeros((cap, n), dtype)
        # Input jet rows: x, e_1 .. e_n0, 0.
        H0 = x[None]
        if laplacian:
            H0 = jnp.concatenate([H0, jnp.eye(n0, dtype=dtype), jnp.zeros((1, n0), dtype)])
        layers = jnp.arange(cap, dtype=jnp.int32)

        def fresh(l, pass_index, count):
            """Fresh N(0, 1) rows of hidden layer l for one pass."""
            return jax.random.normal(jax.random.fold_in(jax.random.fold_in(kh, l), pass_index), (count, n), dtype)

        def products(l, right, queries, g, basis, values, other_basis, other_values):
            """G q (right) or G^T p (left) for each query row; returns the new directions,
            their products and the products of the queries."""
            if oracle:
                Mq = queries @ G_explicit[l].T if right else queries @ G_explicit[l]
                return jnp.zeros_like(queries), jnp.zeros_like(queries), Mq
            return _reveal_pass(basis, values, other_basis, other_values, queries, g)

        def masked_scan(body, carry, xs, reverse=False):
            """lax.scan over the capacity; layers l >= hidden pass the carry through and
            emit zeros (lax.cond on an unbatched predicate: really skipped)."""

            def layer(carry, xs_l):
                ys_shape = jax.eval_shape(body, carry, xs_l)[1]

                def skip(carry, xs_l):
                    return carry, jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), ys_shape)

                return jax.lax.cond(xs_l[0] < hidden, body, skip, carry, xs_l)

            return jax.lax.scan(layer, carry, xs, reverse=reverse)

        def step_factors(step, Hin0, barZ0m):
            """A' = s G - sum_m a_m b_m^T (a carries lr (o - target) c), step operator rows."""
            return step * mid.c * barZ0m, Hin0[: rows[m_op]]

        def forward(phase, H1, xs, step):
            """Hidden layers 2..d: (H_d, (R, Y, H_in, Z) per layer)."""

            def body(H, xs_l):
                if phase == 0:
                    l, b_l = xs_l
                    R, Y, L, Zt = [], [], [], []
                else:
                    l, b_l, R0, Y0, L0, Zt0, Hin0, barZ0m = xs_l
                    R, Y, L, Zt = [R0], [Y0], [L0], [Zt0]
                    a, b = step_factors(step, Hin0, barZ0m)
                    b_l = b_l - step * mid.beta * barZ0m[0]
                u, Gu, GH = products(l, True, H, fresh(l, 2 * phase, k), R, Y, L, Zt)
                AH = mid.s * GH
                if phase == 1:
                    AH = AH - (H @ b.T) @ a
                Z = mid.c * AH
                if bias:
                    Z = Z.at[0].add(mid.beta * b_l)
                return jet(Z), (u, Gu, H, Z)

            return masked_scan(body, H1, xs)

        def backward(phase, barH_top, xs, step):
            """Hidden layers d..2: ({op: bar H_1}, {op: (sums)}), per layer (L, Zt, bar Z)."""
            zero = jnp.zeros((), dtype)
            acc0 = {op: (zero, zero) for op in ops}  # (K, 0) before the step, (K', dK) after

            def body(carry, xs_l):
                barH, acc = carry
                if phase == 0:
                    l, R0, Y0, Z, Hin0 = xs_l
                    R, Y, L, Zt = [R0], [Y0], [], []
                else:
                    l, R0, Y0, L0, Zt0, R1, Y1, Z, Hin0, Hin1, barZ0 = xs_l
                    R, Y, L, Zt = [R0, R1], [Y0, Y1], [L0], [Zt0]
                    a, b = step_factors(step, Hin0, barZ0[m_op])
                barZ = jet_vjp(Z, barH)
                queries = jnp.concatenate([barZ[op] for op in ops])
                w, Gw, GTp = products(l, False, queries, fresh(l, 2 * phase + 1, kb), L, Zt, R, Y)
                new_bar, new_acc, start = {}, {}, 0
                for op in ops:
                    ATp = mid.s * GTp[start : start + rows[op]]
                    start += rows[op]
                    if phase == 1:
                        ATp = ATp - (barZ[op] @ a.T) @ b
                    new_bar[op] = mid.c * ATp
                    total, change = acc[op]
                    if phase == 0:
                        total = total + mid.c**2 * gram(barZ[op], Hin0[: rows[op]])
                        if bias:
                            total = total + mid.beta**2 * jnp.sum(barZ[op][0] ** 2)
                    else:
                        a0, a1 = mid.c * barZ0[op], mid.c * barZ[op]
                        b0, b1 = Hin0[: rows[op]], Hin1[: rows[op]]
                        total = total + gram(a1, b1)
                        change = change + gram_change(a0, b0, a1, b1)
                        if bias:
                            p0, p1 = mid.beta * barZ0[op][0], mid.beta * barZ[op][0]
                            total = total + jnp.sum(p1 * p1)
                            change = change + jnp.sum((p1 - p0) * (p1 + p0))
                    new_acc[op] = (total, change)
                ys = (w, Gw, barZ) if phase == 0 else None
                return (new_bar, new_acc), ys

            return masked_scan(body, (barH_top, acc0), xs, reverse=True)

        def top_cotangents(v):
            return {op: jnp.zeros((rows[op], n), dtype).at[top_row[op]].set(out.c * v) for op in ops}

        def edge_gradients(barZ1, Hd):
            """Gradients of the dense parameters: first layer, readout and their biases."""
            grads = {}
            for op in ops:
                g = {"W1": first.c * barZ1[op].T @ H0[: rows[op]], "v": out.c * Hd[top_row[op]]}
                if bias:
                    g["b1"] = first.beta * barZ1[op][0]
                    g["bo"] = jnp.asarray(out.beta if op == "uu" else 0.0, dtype)
                grads[op] = g
            return grads

        def outputs_of(v, bo, Hd):
            o = {"uu": out.c * (v @ Hd[0]) + (out.beta * bo if bias else 0.0)}
            if laplacian:
                o["rr"] = out.c * (v @ Hd[k - 1])
            return o

        def first_layer(W1, b1):
            Z1 = first.c * (H0 @ W1.T)
            return Z1.at[0].add(first.beta * b1) if bias else Z1

        def kernels(g0, g1, acc_init, acc_step):
            result = {name: [] for name in SAMPLE_VARIABLES}
            for op in static.reported:
                if op not in ops:  # identically zero (ReLU Laplacian)
                    for name in SAMPLE_VARIABLES:
                        result[name].append(jnp.zeros((), dtype))
                    continue
                ki = acc_init[op][0]
                ks, dk = (acc_step[op][0], acc_step[op][1]) if g1 is not None else (ki, jnp.zeros((), dtype))
                for name in g0[op]:
                    p0 = g0[op][name]
                    ki = ki + jnp.sum(p0 * p0)
                    if g1 is not None:
                        p1 = g1[op][name]
                        ks = ks + jnp.sum(p1 * p1)
                        dk = dk + jnp.sum((p1 - p0) * (p1 + p0))
                if g1 is None:
                    ks = ki
                result["k_init"].append(ki)
                result["k_step"].append(ks)
                result["delta_k"].append(dk)
            return {name: jnp.stack(values) for name, values in result.items()}

        # Before the step.
        Z1 = first_layer(W1, b1)
        Hd, (R0, Y0, Hin0, Z) = forward(0, jet(Z1), (layers, biases), None)
        o = outputs_of(v, bo, Hd)
        (bar1, acc_init), (L0, Zt0, barZ0) = backward(0, top_cotangents(v), (layers, R0, Y0, Z, Hin0), None)
        g0 = edge_gradients(jet_vjp(Z1, bar1), Hd)

        if m_op is None:  # the step does not move the parameters
            result = kernels(g0, None, acc_init, None)
        else:
            # The step: dense parameters here, the hidden matrices lazily (step_factors).
            step = lr * (o[m_op] - target)
            W1s = W1 - step * g0[m_op]["W1"]
            vs = v - step * g0[m_op]["v"]
            b1s = b1 - step * g0[m_op]["b1"] if bias else b1
            bos = bo - step * g0[m_op]["bo"] if bias else bo
            # After the step.
            Z1s = first_layer(W1s, b1s)
            xs = (layers, biases, R0, Y0, L0, Zt0, Hin0, barZ0[m_op])
            Hds, (R1, Y1, Hin1, Z) = forward(1, jet(Z1s), xs, step)
            xs = (layers, R0, Y0, L0, Zt0, R1, Y1, Z, Hin0, Hin1, barZ0)
            (bar1s, acc_step), _ = backward(1, top_cotangents(vs), xs, step)
            g1 = edge_gradients(jet_vjp(Z1s, bar1s), Hds)
            result = kernels(g0, g1, acc_init, acc_step)
        if oracle:
            return result, {"W1": W1, "b1": b1, "v": v, "bo": bo, "b": biases}
        return result

    return sample


@functools.lru_cache(maxsize=32)
def _compiled(static: _Static) -> Callable:
    """jit(vmap(sample)) over keys; depth and the run-time constants are not batched."""
    return jax.jit(jax.vmap(_build(static), in_axes=(0, None, None, None, None)))


def _runtime_arguments(setup: MonteCarloSetup, static: _Static) -> tuple:
    dtype = jnp.dtype(static.dtype)
    return (
        jnp.asarray(setup.spec.depth - 1, jnp.int32),
        jnp.asarray(setup.input_point, dtype),
        jnp.asarray(setup.target(), dtype),
        jnp.asarray(setup.learning_rate, dtype),
    )


def replicate_sampler_matrix_free(setup: MonteCarloSetup) -> Callable[[jax.Array], dict[str, jax.Array]]:
    """``key -> {'k_init', 'k_step', 'delta_k'}``, each of shape (len(operators),)."""
    check_supported(setup)
    static = _static(setup)
    sample = _build(static)
    arguments = _runtime_arguments(setup, static)

    def one(key: jax.Array) -> dict[str, jax.Array]:
        return sample(key, *arguments)

    return one


def sample_matrix_free(
    setup: MonteCarloSetup,
    keys: jax.Array,
    progress: Callable[[str], None] | None = None,
    batch_size: int | None = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key: arrays of shape (replicates, len(operators)).

    Same contract and same law as :func:`finite_ntk.sampling.sample_dense`. One compiled
    program serves every depth up to its layer capacity (cached per process).
    """
    check_supported(setup)
    static = _static(setup)
    arguments = _runtime_arguments(setup, static)
    replicates = keys.shape[0]
    batch_size = batch_size or matrix_free_batch_size(setup)
    batches = -(-replicates // batch_size)
    padded = jnp.concatenate([keys, jnp.repeat(keys[-1:], batches * batch_size - replicates, axis=0)])
    sampler = _compiled(static)
    chunks: list[dict[str, np.ndarray]] = []
    start = time.perf_counter()
    for b in range(batches):
        out = sampler(padded[b * batch_size : (b + 1) * batch_size], *arguments)
        chunks.append({k: np.asarray(v) for k, v in out.items()})
        if progress is not None:
            done = min((b + 1) * batch_size, replicates)
            progress(f"replicates {done}/{replicates} ({time.perf_counter() - start:.1f} s, matrix-free)")
    return {k: np.concatenate([c[k] for c in chunks])[:replicates] for k in SAMPLE_VARIABLES}
