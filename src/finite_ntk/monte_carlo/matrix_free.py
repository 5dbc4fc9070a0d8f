r"""Exact matrix-free Monte-Carlo sampler of K(x, x) before and after one SGD step.

Same contract as :func:`finite_ntk.sampling.sample_dense` (one key per replicate, arrays of
shape ``(replicates, len(setup.operators))`` for ``k_init``, ``k_step`` and ``delta_k``) and
the same law, exactly, but no hidden ``n x n`` weight matrix is ever formed: a replicate
costs O(n d r^2) time and O(n d r) memory instead of O(n^2 d), with r = 4 revealed
directions per hidden layer for the FNN and r = 16 for the PINN (n0 = 2).

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
Each layer propagates a jet ``H = [h, h1_1 .. h1_n0, S]`` (k rows of length n): the value,
its first derivatives along each input axis and the *sum* of the second derivatives
(forward Laplacian). With ``Z = [z, z1_i, zS]`` the pre-activation jet,

    z = c A h + beta b,  z1_i = c A h1_i,  zS = c A S               (linear, same A)
    h = phi(z),  h1_i = phi'(z) z1_i,  S = phi''(z) sum_i z1_i^2 + phi'(z) zS.

The input jet is ``[x, e_1 .. e_n0, 0]``, the output ``u = c_o v.h + beta_o b_o``,
``Laplacian u = c_o v.S``. (Summing the second-order rows is exact: the Laplacian only
needs their sum, and it saves n0 - 1 columns.) For the FNN the jet is just ``[h]`` (k = 1).

Backward (reverse mode through the jets)
----------------------------------------
With cotangents ``bar H`` of a layer output, ``bar Z = J_jet(Z)^T bar H`` (elementwise:
``bar z = d1 bar h + d2 sum_i z1_i bar h1_i + (d3 sum_i z1_i^2 + d2 zS) bar S``,
``bar z1_i = d1 bar h1_i + 2 d2 z1_i bar S``, ``bar zS = d1 bar S`` with d1, d2, d3 the
derivatives of phi in closed form, checked against autodiff of the stax activation), then
``bar H_prev = c A^T bar Z`` row by row, and the gradients of the layer are

    dO/dA = c bar Z H_in^T  (rank <= k),      dO/db = beta bar z   (first row).

For ``u`` only the first row is non-zero (one left product per layer); for the
Laplacian all k rows are (top cotangent: ``bar S = c_o v``). The step changes every
hidden matrix by a low-rank term, ``A' = s G - a b^T`` with ``a = lr (o - target) c bar Z_o``
and ``b = H_in`` (the step operator's rows), so after the step
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

* Right product ``G q``: ``q = R a + q_perp`` (Gram-Schmidt, twice),
  ``u = q_perp / |q_perp|``; then ``G u = L (Zt^T u) + (I - P_L) g`` with ``g ~ N(0, I_n)``
  fresh, ``G q = Y a + |q_perp| G u``; append u to R and ``G u`` to Y.
* Left product ``G^T p``: symmetric, ``G^T w = R (Y^T w) + (I - P_R) g``, appended to L, Zt.

Each step is the exact conditional law given all the previous revealed values, so the
joint law of everything computed equals the dense one (Gaussian conditioning, as in the
conditioning technique of Bolthausen / Bayati-Montanari). The queries of one pass (the k
jet rows of a forward pass, the cotangent rows of a backward pass) are known before any of
their products, so a pass reveals them together (``_reveal_pass``: Gram-Schmidt of each
query against the revealed rows and the pass's earlier new rows, twice; one fresh g per
new direction). A query already in the revealed span (remainder ``<= 4 eps |q|``)
reveals nothing and gives a zero row; the dropped part is below float round-off. Per
hidden layer and pass: right queries ``k`` (forward before, then after the step), left
queries ``k_b = 1`` (FNN) or ``1 + k - 1`` (PINN: the u cotangent and the Laplacian's k
rows, whose S row is the u cotangent itself at every layer, revealed once:
``shares_cotangent``), so r = 4 revealed directions for the FNN and 8 + 8 for the PINN
with n0 = 2; this needs ``width >= 2 max(k, k_b)`` (8 for that PINN). ReLU's Laplacian
and its gradient are identically zero, as in the dense sampler's autodiff: for ReLU PINNs
K_rr = 0 is returned without computing it, and only the value jet is propagated.

Implementation
--------------
Vectors are rows (``(rows, n)`` arrays). The four passes (forward, backward, forward after
the step, backward after it) are ``lax.fori_loop`` over the hidden layers, vmapped over
replicates; per-layer results live in arrays of a fixed capacity of layers (a power of two
at least depth - 1), and the depth is a run-time argument, so one compiled program serves
every depth up to the capacity (``PADDING_FLOAT_BUDGET``): a sampling job compiles once
per width instead of once per depth. The first layer (``n x n0``), the readout (a vector)
and the biases are small and sampled densely. All randomness comes from the replicate's
own key: every Gaussian is ``jax.random.normal`` with the threefry key of
``fold_in(replicate key, part)`` (``KEY_STREAMS``; the fresh rows of hidden layer l and
pass p fold in l and p as well), computed by ``finite_ntk.threefry`` as fused array code.
So a replicate's draw depends on its key alone, not on the batch it is vmapped in:
replicate i is the same draw whatever the replicate count and batch size. The draws
differ from the dense sampler's draw by draw, not in law. Which compiled program
(capacity, quick or optimised compile) draws each depth of a sampling job is planned over
the whole job (``program_plan``), so that the job compiles few programs; every program is
compiled with ``COMPILER_OPTIONS``.
"""

from __future__ import annotations

import functools
from typing import Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from ..models.networks import activation_layer
from ..models.spec import SIGMOID_LIKE_SCALE
from . import threefry
from .batches import run_in_batches
from .cost import (
    PADDING_TOTAL_FLOATS,
    computed_operators,
    computed_replicates,
    floats_per_layer,
    layer_capacity,
    matrix_free_batch_size,
    operator_rows,
    reveals,
    shares_cotangent,
)
from .setup import SAMPLE_VARIABLES, MonteCarloSetup

PARAMETERIZATIONS_SUPPORTED: tuple[str, ...] = ("ntk", "standard")
# Key of each part of a replicate's draw: fold_in(replicate key, index in this tuple), as
# threefry key data (finite_ntk.threefry), whatever the replicate key's implementation.
KEY_STREAMS: tuple[str, ...] = (
    "first_weights", "first_bias", "readout_weights", "readout_bias", "hidden_biases", "hidden_fresh"
)
MODELS_SUPPORTED: tuple[str, ...] = ("fnn", "pinn")
# A query whose component outside the revealed span is at most this many machine epsilons
# (relative to the query's norm) reveals nothing new.
REVEAL_TOLERANCE_EPS = 4.0
# XLA compiler options of every program. A replicate runs thousands of small operations;
# the 'thunk' runtime of XLA:CPU (jaxlib 0.5.3's default) dispatches each one on its own,
# about 1.5 us apiece (measured: more than half of a replicate's time at batch size 1),
# while the older runtime compiles the whole program into one function (same results).
COMPILER_OPTIONS: dict[str, bool | str] = {"xla_cpu_use_thunk_runtime": False}
# Programs whose sampling work (replicates x width x hidden layers x floats per layer) is
# below this compile with XLA's optimisation level 0 (2 s instead of 4 to 6 s, but 15x
# slower to run, measured): for them compiling dominates.
QUICK_COMPILE_WORK = 2**24


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
    operators, _ = computed_operators(setup)
    most = 2 * max(reveals(operators, spec.n0))
    if spec.depth > 1 and spec.width < most:
        raise ValueError(
            f"width: the matrix-free sampler reveals up to {most} directions per hidden matrix for "
            f"model {setup.model!r} with n0={spec.n0}, so it needs width >= {most}; got width "
            f"{spec.width} (use sampler: dense)"
        )


def _static(setup: MonteCarloSetup, replicates: int | None = None) -> _Static:
    spec = setup.spec
    operators, step = computed_operators(setup)
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
        capacity=layer_capacity(spec.width, spec.depth - 1, operators, spec.n0, replicates),
        dtype=jnp.dtype(jnp.result_type(float)).name,
    )


# --------------------------------------------------------------------------- lazy Gaussian
#
# Bases are lists of row blocks (m_i, n) with orthonormal rows across all blocks, values
# the matching blocks of G-products; no block is ever copied into a bigger array.

# Products of a few rows: the passes multiply matrices of 1 to 16 rows of length n. XLA
# hands a dot to a matrix library whose fixed cost per (vmapped) product dominates at
# these sizes when the pass has several rows (the PINN's jets: twice as fast at width 32,
# 25 % at 128, the same at 1024, measured); a single row (the FNN) keeps the dot, which
# is faster there (20 %).


def _gram(A: jax.Array, B: jax.Array, elementwise: bool) -> jax.Array:
    """``A @ B.T`` for rows A (m, n) or a row vector (n,), and rows B (r, n)."""
    if not elementwise:
        return A @ B.T
    return jnp.sum(A[..., None, :] * B, axis=-1)


def _combine(C: jax.Array, B: jax.Array, elementwise: bool) -> jax.Array:
    """``C @ B`` for coefficients C (m, r) or (r,), and rows B (r, n)."""
    if not elementwise:
        return C @ B
    return jnp.sum(C[..., None] * B, axis=-2)


def _reveal_pass(basis, values, other_basis, other_values, Q, fresh):
    """Products M q_j of a lazy Gaussian M for the query rows of Q (m, n), given what is
    revealed. All the queries of a pass are known in advance (they do not depend on the
    products), so the pass reveals their span at once.

    For right products (M = G): ``basis`` = blocks of R (rows), ``values`` = the matching
    rows of (G R^T)^T, ``other_basis`` = blocks of L, ``other_values`` = rows of
    (G^T L^T)^T. For left products (M = G^T) the two sides swap. ``fresh`` (m, n) is iid
    N(0, 1).

    1. Gram-Schmidt twice of each query against the revealed rows B and the new rows of
       the pass (first pass against B as one block): q_j = C_j B + T_j U + 0, U orthonormal
       rows orthogonal to B. A row whose remainder is round-off (|r| <= tol eps |q|)
       reveals nothing: u = 0.
    2. M u = P_O M u + (I - P_O) g = sum_i (u . W_i) o_i + g - sum_i (g . o_i) o_i, with
       O the other side's rows and W their products.
    3. M q = C V + T (M U).
    Returns (U, M U, M Q): the new rows to append to ``basis`` and ``values``, and the
    products of the queries.
    """
    m = Q.shape[0]
    ew = m > 1  # see _gram
    eps = jnp.finfo(Q.dtype).eps
    q_norms = jnp.sqrt(jnp.sum(Q * Q, axis=1))
    # First pass against the revealed basis, as a block.
    coefs = [_gram(Q, B, ew) for B in basis]
    P = Q - sum(_combine(c, B, ew) for c, B in zip(coefs, basis)) if basis else Q

    def orthonormalize(j, state):
        """Row j: finish Gram-Schmidt against the new rows < j (zero rows beyond them
        contribute nothing) and do the second pass against B and them."""
        U, T, coefs = state
        p = P[j]
        t = _gram(p, U, ew)
        p = p - _combine(t, U, ew)
        again = [_gram(p, B, ew) for B in basis]
        t2 = _gram(p, U, ew)
        p = p - _combine(t2, U, ew)
        if basis:
            p = p - sum(_combine(c, B, ew) for c, B in zip(again, basis))
        norm = jnp.sqrt(jnp.sum(p * p))
        new = norm > REVEAL_TOLERANCE_EPS * eps * q_norms[j]
        norm = jnp.where(new, norm, 0.0)
        U = U.at[j].set(jnp.where(new, p / jnp.where(new, norm, 1.0), 0.0))
        T = T.at[j].set((t + t2).at[j].set(norm))
        coefs = [C.at[j].add(a) for C, a in zip(coefs, again)]
        return U, T, coefs

    state = (jnp.zeros_like(P), jnp.zeros((m, m), Q.dtype), coefs)
    if m == 1:
        U, T, coefs = orthonormalize(0, state)
    else:
        U, T, coefs = jax.lax.fori_loop(0, m, orthonormalize, state)
    MU = fresh
    if other_basis:
        MU = MU + sum(_combine(_gram(U, W, ew) - _gram(fresh, O, ew), O, ew) for O, W in zip(other_basis, other_values))
    MU = jnp.where(jnp.diagonal(T)[:, None] > 0, MU, 0.0)
    MQ = _combine(T, MU, ew)
    for c, V in zip(coefs, values):
        MQ = MQ + _combine(c, V, ew)
    return U, MU, MQ


# --------------------------------------------------------------------------- activations


def _activation(name: str) -> tuple[Callable, Callable]:
    """phi (stax's own function) and ``z -> (d1, d2, d3)``, its first three derivatives
    in closed form (checked against autodiff of the stax activation in the tests).

    gelu (exact): phi = z Phi(z), d1 = Phi + z rho, d2 = rho (2 - z^2), d3 = z rho (z^2 - 4)
    with Phi, rho the standard normal cdf and density; sigmoid (stax Sigmoid_like,
    1/2 erf(b z) + 1/2 with b = 1 / SIGMOID_LIKE_SCALE): d1 = e = b exp(-b^2 z^2) / sqrt(pi),
    d2 = -2 b^2 z e, d3 = (4 b^4 z^2 - 2 b^2) e; relu: d1 = 1[z > 0], d2 = d3 = 0.
    """
    _, act_apply, _ = activation_layer(name)

    def phi(z):
        return act_apply((), z)

    if name == "relu":

        def derivatives(z):
            zero = jnp.zeros_like(z)
            return (z > 0).astype(z.dtype), zero, zero

    elif name == "gelu":

        def derivatives(z):
            cdf = 0.5 * jax.lax.erfc(-z * np.sqrt(0.5).astype(z.dtype))
            pdf = jnp.exp(-0.5 * z * z) * np.asarray(1 / np.sqrt(2 * np.pi), z.dtype)
            return cdf + z * pdf, pdf * (2 - z * z), z * pdf * (z * z - 4)

    elif name == "sigmoid":
        b = 1 / SIGMOID_LIKE_SCALE

        def derivatives(z):
            e = (b / np.sqrt(np.pi)) * jnp.exp(-(b * b) * z * z)
            return e, (-2 * b * b) * z * e, (4 * b**4 * z * z - 2 * b * b) * e

    else:
        raise ValueError(f"activation: {name!r} is not supported by the matrix-free sampler")
    return phi, derivatives


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
    k, kb = reveals(ops, n0)
    laplacian = k > 1
    rows = {op: operator_rows(op, k) for op in ops}
    m_op = static.step_operator
    first = _scales(static.parameterization, static.b_std, n0, static.W_std)
    mid = _scales(static.parameterization, static.b_std, n, static.W_std)
    out = _scales(static.parameterization, static.b_std, n, static.W_std_readout)
    # Biases that enter the kernel (beta != 0), and whether their initial value is random.
    bias = static.b_std is not None and mid.beta != 0.0
    bias_drawn = bias and mid.s_b != 0.0
    phi, derivatives = _activation(static.activation)
    top_row = {"uu": 0, "rr": k - 1}
    shared = shares_cotangent(ops)
    elementwise = k > 1  # products of several jet rows: see _gram

    def jet(Z):
        """Pre-activation jet (k, n) -> post-activation jet."""
        if not laplacian:
            return phi(Z)
        z, z1, zs = Z[0], Z[1 : 1 + n0], Z[1 + n0]
        p1, p2, _ = derivatives(z)
        S = p2 * jnp.sum(z1 * z1, axis=0) + p1 * zs
        return jnp.concatenate([phi(z)[None], p1[None] * z1, S[None]], axis=0)

    def jet_vjp(Z, barH):
        """{op: bar H (rows[op], n)} -> {op: bar Z}, the transposed Jacobian of the jet:

        bar z = d1 bar h + d2 sum_i z1_i bar h1_i + (d3 sum_i z1_i^2 + d2 zS) bar S,
        bar z1_i = d1 bar h1_i + 2 d2 z1_i bar S,   bar zS = d1 bar S
        (with both kernels, bar zS of 'rr' is bar z of 'uu' exactly: shares_cotangent).
        """
        z = Z[0]
        p1, p2, p3 = derivatives(z)
        barZ = {}
        for op in ops:
            bar = barH[op]
            if op == "uu":
                barZ[op] = (p1 * bar[0])[None]
                continue
            z1, zs = Z[1 : 1 + n0], Z[1 + n0]
            bh, bh1, bS = bar[0], bar[1 : 1 + n0], bar[1 + n0]
            bz = p1 * bh + p2 * jnp.sum(z1 * bh1, axis=0) + (p3 * jnp.sum(z1 * z1, axis=0) + p2 * zs) * bS
            bz1 = p1[None] * bh1 + 2 * (p2 * bS)[None] * z1
            bzS = p1 * (barH["uu"][0] if shared else bS)
            barZ[op] = jnp.concatenate([bz[None], bz1, bzS[None]], axis=0)
        return barZ

    def left_queries(barZ):
        """The cotangent rows a backward pass multiplies by A^T (the shared one once)."""
        if shared:
            return jnp.concatenate([barZ["uu"], barZ["rr"][:-1]])
        return jnp.concatenate([barZ[op] for op in ops])

    def left_products(GTp):
        """{op: G^T of its cotangent rows} from the products of left_queries."""
        if shared:
            return {"uu": GTp[:1], "rr": jnp.concatenate([GTp[1:], GTp[:1]])}
        starts = np.cumsum([0] + [rows[op] for op in ops])
        return {op: GTp[starts[i] : starts[i + 1]] for i, op in enumerate(ops)}

    def gram(a, b):
        """|sum_k a_k b_k^T|_F^2 for rows a_k, b_k."""
        return jnp.sum(_gram(a, a, elementwise) * _gram(b, b, elementwise))

    def gram_change(a0, b0, a1, b1):
        """<g1 - g0, g1 + g0> for g = sum_k a_k b_k^T, from element-wise differences."""
        X = jnp.concatenate([a1 - a0, a0])
        Y = jnp.concatenate([b1, b1 - b0])
        U = jnp.concatenate([a1, a0])
        W = jnp.concatenate([b1, b0])
        return jnp.sum(_gram(X, U, elementwise) * _gram(Y, W, elementwise))

    def sample(key, hidden, x, target, lr, G_explicit=None):
        keys = {name: threefry.fold_in(threefry.key_data(key), i) for i, name in enumerate(KEY_STREAMS)}
        W1 = first.s * threefry.normal(keys["first_weights"], (n, n0), dtype)
        v = out.s * threefry.normal(keys["readout_weights"], (n,), dtype)
        b1 = first.s_b * threefry.normal(keys["first_bias"], (n,), dtype) if bias_drawn else jnp.zeros((n,), dtype)
        bo = out.s_b * threefry.normal(keys["readout_bias"], (), dtype) if bias_drawn else jnp.zeros((), dtype)

        def bias_of(l):
            """Initial bias of hidden layer l (its own key: independent of the capacity)."""
            if bias_drawn:
                return mid.s_b * threefry.normal(threefry.fold_in(keys["hidden_biases"], l), (n,), dtype)
            return jnp.zeros((n,), dtype)

        # Input jet rows: x, e_1 .. e_n0, 0.
        H0 = x[None]
        if laplacian:
            H0 = jnp.concatenate([H0, jnp.eye(n0, dtype=dtype), jnp.zeros((1, n0), dtype)])

        def fresh(l, pass_index, count):
            """Fresh N(0, 1) rows of hidden layer l for one pass. Drawn inside a conditional
            that is always taken (``hidden >= 0``, which XLA cannot know): XLA does not fuse
            across it, so the rows are computed once, not again inside every fusion that
            reads them (1.5x slower overall without it, measured)."""

            def draw():
                layer_key = threefry.fold_in(threefry.fold_in(keys["hidden_fresh"], l), pass_index)
                return threefry.normal(layer_key, (count, n), dtype)

            return jax.lax.cond(hidden >= 0, draw, lambda: jnp.zeros((count, n), dtype))

        def products(l, right, queries, g, basis, values, other_basis, other_values):
            """G q (right) or G^T p (left) for each query row; returns the new directions,
            their products and the products of the queries."""
            if oracle:
                Mq = queries @ G_explicit[l].T if right else queries @ G_explicit[l]
                return jnp.zeros_like(queries), jnp.zeros_like(queries), Mq
            return _reveal_pass(basis, values, other_basis, other_values, queries, g)

        def masked_scan(body, carry, xs, reverse=False):
            """Loop over the hidden layers 0 .. hidden-1 only (``hidden`` is a run-time
            value; a while loop, so layers beyond the depth cost nothing but the zeros of
            their output rows). ``xs`` are per-layer arrays of leading size ``capacity``;
            ``body(carry, (l, *rows of layer l))`` returns the new carry and this layer's
            output rows, stacked into arrays of leading size ``capacity``."""
            rest = xs

            def at(l):
                return (l,) + jax.tree_util.tree_map(lambda a: a[l], rest)

            ys_shape = jax.eval_shape(body, carry, at(jnp.int32(0)))[1]
            outs = jax.tree_util.tree_map(lambda s: jnp.zeros((cap,) + s.shape, s.dtype), ys_shape)

            def step(i, state):
                carry, outs = state
                l = hidden - 1 - i if reverse else i
                carry, ys = body(carry, at(l))
                return carry, jax.tree_util.tree_map(lambda o, y: o.at[l].set(y), outs, ys)

            return jax.lax.fori_loop(0, hidden, step, (carry, outs))

        def step_factors(step, Hin0, barZ0m):
            """A' = s G - sum_m a_m b_m^T (a carries lr (o - target) c), step operator rows."""
            return step * mid.c * barZ0m, Hin0[: rows[m_op]]

        def forward(phase, H1, xs, step):
            """Hidden layers 2..d: (H_d, (R, Y, H_in, Z) per layer)."""

            def body(H, xs_l):
                if phase == 0:
                    (l,) = xs_l
                    R, Y, L, Zt = [], [], [], []
                else:
                    l, R0, Y0, L0, Zt0, Hin0, barZ0m = xs_l
                    R, Y, L, Zt = [R0], [Y0], [L0], [Zt0]
                    a, b = step_factors(step, Hin0, barZ0m)
                u, Gu, GH = products(l, True, H, fresh(l, 2 * phase, k), R, Y, L, Zt)
                AH = mid.s * GH
                if phase == 1:
                    AH = AH - _combine(_gram(H, b, elementwise), a, elementwise)
                Z = mid.c * AH
                if bias:
                    b_l = bias_of(l)
                    if phase == 1:
                        b_l = b_l - step * mid.beta * barZ0m[0]
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
                w, Gw, GTp = products(l, False, left_queries(barZ), fresh(l, 2 * phase + 1, kb), L, Zt, R, Y)
                GTp = left_products(GTp)
                new_bar, new_acc = {}, {}
                for op in ops:
                    ATp = mid.s * GTp[op]
                    if phase == 1:
                        ATp = ATp - _combine(_gram(barZ[op], a, elementwise), b, elementwise)
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
        Hd, (R0, Y0, Hin0, Z) = forward(0, jet(Z1), (), None)
        o = outputs_of(v, bo, Hd)
        (bar1, acc_init), (L0, Zt0, barZ0) = backward(0, top_cotangents(v), (R0, Y0, Z, Hin0), None)
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
            xs = (R0, Y0, L0, Zt0, Hin0, barZ0[m_op])
            Hds, (R1, Y1, Hin1, Z) = forward(1, jet(Z1s), xs, step)
            xs = (R0, Y0, L0, Zt0, R1, Y1, Z, Hin0, Hin1, barZ0)
            (bar1s, acc_step), _ = backward(1, top_cotangents(vs), xs, step)
            g1 = edge_gradients(jet_vjp(Z1s, bar1s), Hds)
            result = kernels(g0, g1, acc_init, acc_step)
        if oracle:
            return result, {"W1": W1, "b1": b1, "v": v, "bo": bo, "b": jax.lax.map(bias_of, jnp.arange(cap))}
        return result

    return sample


@functools.lru_cache(maxsize=32)
def _compiled(static: _Static, quick_compile: bool = False) -> Callable:
    """jit(vmap(sample)) over keys; depth and the run-time constants are not batched.
    ``quick_compile``: XLA backend optimisation level 0, which compiles 2 to 3x faster
    and runs about 15x slower (same draws; round-off may differ in the last bits)."""
    options = dict(COMPILER_OPTIONS, xla_backend_optimization_level="0") if quick_compile else COMPILER_OPTIONS
    return jax.jit(jax.vmap(_build(static), in_axes=(0, None, None, None, None)), compiler_options=options)


def _quick_compile(static: _Static, hidden: int, replicates: int) -> bool:
    """Compile quickly where the sampling is short anyway: its work (replicates computed x
    width x floats per layer x layers, a padded layer counting 1/16) is below
    QUICK_COMPILE_WORK."""
    layers = max(hidden, 1) + (static.capacity - hidden) / 16
    work = replicates * static.width * floats_per_layer(static.operators, static.n0) * layers
    return work <= QUICK_COMPILE_WORK


class Program(NamedTuple):
    """Which compiled program draws a configuration: its layer capacity and whether it was
    compiled quickly (XLA optimisation level 0). The draws never depend on it; the
    round-off in the last bits may."""

    capacity: int
    quick_compile: bool


def _own_program(setup: MonteCarloSetup, static: _Static, replicates: int, batch_size: int) -> Program:
    """The program of a setup sampled on its own: its least capacity, quick if its work is small."""
    computed = computed_replicates(replicates, batch_size)
    return Program(static.capacity, _quick_compile(static, setup.spec.depth - 1, computed))


def program_plan(setups: Sequence[MonteCarloSetup], replicates: int) -> list[Program]:
    """The program of each setup of one sampling job (setups that differ only in depth),
    chosen so that the job compiles few programs: deepest first, a setup runs on a program
    already planned for the same block of replicates when that program's capacity holds
    its depth and padding the extra layers costs less than compiling (PADDING_TOTAL_FLOATS),
    preferring an optimised program to a quick one. A pure function of the setups, so a
    configuration sampled alone with its job's plan gets the job's bits."""
    statics = [_static(setup, replicates) for setup in setups]
    if len({static._replace(capacity=0) for static in statics}) > 1:
        raise ValueError("program_plan: the setups of one plan may differ only in depth")
    plan: dict[int, Program] = {}
    planned: list[tuple[int, Program]] = []  # (replicates per block, program)
    for i in sorted(range(len(setups)), key=lambda i: setups[i].spec.depth, reverse=True):
        static, hidden = statics[i], setups[i].spec.depth - 1
        batch_size = matrix_free_batch_size(setups[i])
        block = min(batch_size, replicates)
        computed = computed_replicates(replicates, batch_size)
        own = _own_program(setups[i], static, replicates, batch_size)
        per_layer = static.width * floats_per_layer(static.operators, static.n0)

        def usable(program: Program) -> bool:
            if program.quick_compile and not own.quick_compile:
                return False
            padding = computed * per_layer * (program.capacity - hidden)
            return program.capacity == own.capacity or (
                program.capacity > own.capacity and padding <= PADDING_TOTAL_FLOATS
            )

        shared = [program for size, program in planned if size == block and usable(program)]
        if shared:
            plan[i] = min(shared, key=lambda program: (program.quick_compile, program.capacity))
        else:
            plan[i] = own
            planned.append((block, own))
    return [plan[i] for i in range(len(setups))]


def _runtime_arguments(setup: MonteCarloSetup, static: _Static) -> tuple:
    dtype = jnp.dtype(static.dtype)
    return (
        jnp.asarray(setup.spec.depth - 1, jnp.int32),
        jnp.asarray(setup.input_point, dtype),
        jnp.asarray(setup.target(), dtype),
        jnp.asarray(setup.learning_rate, dtype),
    )


def sample_matrix_free(
    setup: MonteCarloSetup,
    keys: jax.Array,
    progress: Callable[[str], None] | None = None,
    batch_size: int | None = None,
    program: Program | None = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key: arrays of shape (replicates, len(operators)).

    Same contract and same law as :func:`finite_ntk.sampling.sample_dense`. One compiled
    program serves every depth up to its layer capacity (cached per process); ``program``
    picks it (``program_plan``; default: this setup's own).
    """
    check_supported(setup)
    replicates = keys.shape[0]
    batch_size = batch_size or matrix_free_batch_size(setup)
    static = _static(setup, replicates=replicates)
    if program is None:
        program = _own_program(setup, static, replicates, batch_size)
    elif program.capacity < setup.spec.depth - 1:
        raise ValueError(f"program: capacity {program.capacity} holds fewer than the {setup.spec.depth - 1} hidden layers")
    static = static._replace(capacity=program.capacity)
    arguments = _runtime_arguments(setup, static)
    sampler = _compiled(static, program.quick_compile)
    return run_in_batches(lambda block: sampler(block, *arguments), keys, batch_size, progress, ", matrix-free")
