r"""Draws the NTK diagonal K(x, x) of a wide network before and after one SGD step, exactly,
without forming its hidden weight matrices: the matrix-free Monte-Carlo sampler.

Same contract as :func:`finite_ntk.samplers.dense.sample_dense` (one key per replicate,
arrays of shape ``(replicates, len(setup.operators))`` for ``k_init``, ``k_step`` and
``delta_k``) and the same law, exactly, but no hidden ``n x n`` weight matrix is ever
formed: a replicate costs O(n d r^2) time and O(n d r) memory instead of O(n^2 d), with
r = 4 revealed directions per hidden layer for the FNN and r = 16 for the PINN (n0 = 2).

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
Vectors are rows (``(rows, n)`` arrays). A replicate is ``_replicate``: the dense first
layer and readout (``_edge_parameters``, ``_first_layer``, ``_outputs``,
``_edge_gradients``), the four passes over the hidden layers (``_forward`` and
``_backward`` before the step, then after it, given the ``_Step``), and the kernels
(``_kernels``). The passes are ``lax.fori_loop`` over the hidden layers, vmapped over
replicates; each layer's results are a record (``_ForwardLayer``, ``_BackwardLayer``) of
arrays of a fixed capacity of layers (a power of two at least depth - 1), and the depth is
a run-time argument, so one compiled program serves every depth up to the capacity
(``cost.PADDING_FLOAT_BUDGET``): a sampling job compiles once per width instead of once
per depth. The layers' scales (``_LayerScales``: c, s, beta, s_b from W_std,
W_std_readout, b_std) are run-time arguments too, so a grid over sigma_w^2 and sigma_b^2
shares the program; the scales that are 1 in the parameterization whatever the sigmas
stay constants (``UNIT_SCALES``). Without a step (``step_loss`` 'none': the kernel
only) a replicate stops after the first backward pass. The first layer (``n x n0``), the
readout (a vector) and the biases are small and sampled densely. All randomness comes from the replicate's own key: every Gaussian is
``jax.random.normal`` with the threefry key of ``fold_in(replicate key, part)``
(``KEY_STREAMS``; the fresh rows of hidden layer l and pass p fold in l and p as well),
computed by ``finite_ntk.samplers.threefry`` as fused array code.
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

import finite_ntk.samplers.threefry as threefry
from finite_ntk.models.networks import activation_layer
from finite_ntk.models.scales import DenseScales, dense_scales
from finite_ntk.models.spec import SIGMOID_LIKE_SCALE, NetworkSpec
from finite_ntk.samplers.batches import run_in_batches
from finite_ntk.samplers.cost import (
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
from finite_ntk.samplers.setup import SAMPLE_VARIABLES, MonteCarloSetup

# Key of each part of a replicate's draw: fold_in(replicate key, index in this tuple), as
# threefry key data (finite_ntk.samplers.threefry), whatever the replicate key's implementation.
KEY_STREAMS: tuple[str, ...] = (
    "first_weights",
    "first_bias",
    "readout_weights",
    "readout_bias",
    "hidden_biases",
    "hidden_fresh",
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
    """Everything the compiled program depends on. The depth, input point, target,
    learning rate and the layers' scales (from W_std, W_std_readout, b_std: ``_LayerScales``)
    are run-time arguments, so one program serves a whole sampling job and every sigma_w,
    sigma_b of it; only whether biases exist and are drawn is compiled in."""

    activation: str
    parameterization: str
    bias: bool  # biases enter the kernel (b_std not None, and beta != 0)
    bias_drawn: bool  # and their initial value is random (s_b != 0)
    width: int
    n0: int
    operators: tuple[str, ...]  # the ones computed ('rr' dropped where it vanishes)
    reported: tuple[str, ...]  # the setup's operators, in output order
    step_operator: str | None  # None: the step is identically zero
    capacity: int
    dtype: str


class _LayerScales(NamedTuple):
    """The scales of the first layer, the hidden layers and the readout, and the squares
    of the hidden layers' c and beta, each computed in float64 and rounded once to the
    run's precision (a run-time argument of the compiled program)."""

    first: DenseScales
    mid: DenseScales
    out: DenseScales
    mid_c_squared: float
    mid_beta_squared: float


def _layer_scales(spec: NetworkSpec) -> _LayerScales:
    """``_LayerScales`` of a network, in Python floats (float64)."""
    mid = dense_scales(spec.parameterization, spec.b_std, spec.width, spec.W_std)
    return _LayerScales(
        first=dense_scales(spec.parameterization, spec.b_std, spec.n0, spec.W_std),
        mid=mid,
        out=dense_scales(spec.parameterization, spec.b_std, spec.width, spec.W_std_readout),
        mid_c_squared=mid.c**2,
        mid_beta_squared=mid.beta**2,
    )


def check_supported(setup: MonteCarloSetup) -> None:
    """Raise a clear ValueError for setups the matrix-free sampler cannot draw exactly."""
    spec = setup.spec
    dense_scales(spec.parameterization, spec.b_std, 1, 1.0)
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
    mid = dense_scales(spec.parameterization, spec.b_std, spec.width, spec.W_std)
    bias = spec.b_std is not None and mid.beta != 0.0
    return _Static(
        activation=spec.activation,
        parameterization=spec.parameterization,
        bias=bias,
        bias_drawn=bias and mid.s_b != 0.0,
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


class _PassProducts(NamedTuple):
    """What one pass reveals of a lazy Gaussian M: its new orthonormal directions U (rows;
    zero rows where a query revealed nothing), their products M U, and the products M Q
    of its queries."""

    U: jax.Array
    MU: jax.Array
    MQ: jax.Array


def _reveal_pass(basis, values, other_basis, other_values, Q, fresh) -> _PassProducts:
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
    Returns ``_PassProducts(U, M U, M Q)``: the new rows to append to ``basis`` and
    ``values``, and the products of the queries.
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
    return _PassProducts(U, MU, MQ)


# --------------------------------------------------------------------------- activations


def _activation(name: str) -> tuple[Callable, Callable]:
    """phi (stax's own function) and ``z -> (d1, d2, d3)``, its first three derivatives
    in closed form (checked against autodiff of the stax activation in the tests).

    gelu (exact): phi = z Phi(z), d1 = Phi + z rho, d2 = rho (2 - z^2), d3 = z rho (z^2 - 4)
    with Phi, rho the standard normal cdf and density; sigmoid (stax Sigmoid_like,
    1/2 erf(b z) + 1/2 with b = 1 / SIGMOID_LIKE_SCALE): d1 = e = b exp(-b^2 z^2) / sqrt(pi),
    d2 = -2 b^2 z e, d3 = (4 b^4 z^2 - 2 b^2) e; relu: d1 = 1[z > 0], d2 = d3 = 0;
    tanh: t = tanh z, d1 = 1 - t^2, d2 = -2 t d1, d3 = (6 t^2 - 2) d1; erf (plain erf(z)):
    d1 = e = 2 exp(-z^2) / sqrt(pi), d2 = -2 z e, d3 = (4 z^2 - 2) e.
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

    elif name == "tanh":

        def derivatives(z):
            t = jnp.tanh(z)
            d1 = 1 - t * t
            return d1, -2 * t * d1, (6 * t * t - 2) * d1

    elif name == "erf":

        def derivatives(z):
            e = jnp.exp(-z * z) * np.asarray(2 / np.sqrt(np.pi), z.dtype)
            return e, -2 * z * e, (4 * z * z - 2) * e

    else:
        raise ValueError(f"activation: {name!r} is not supported by the matrix-free sampler")
    return phi, derivatives


# --------------------------------------------------------------------------- the sampler
#
# One replicate is ``_replicate``: the dense edge parameters, the four passes over the
# hidden layers (``_forward`` and ``_backward``, before the step and after it) and the
# kernels (``_kernels``). Vectors are rows; per-layer results are records of arrays
# stacked over the layer capacity.


class _Network(NamedTuple):
    """The fixed quantities of one compiled program, derived from ``_Static`` once, and
    the layers' scales, filled in from the run-time ``_LayerScales`` by ``_replicate``."""

    n: int  # width
    n0: int  # input dimension
    parameterization: str
    capacity: int  # hidden layers the per-layer arrays hold
    ops: tuple[str, ...]  # operators computed
    reported: tuple[str, ...]  # operators returned, in output order
    step_operator: str | None  # the operator whose loss the step descends (None: no step)
    dtype: np.dtype
    k: int  # jet rows: right queries of a hidden layer per pass
    kb: int  # left queries of a hidden layer per pass
    laplacian: bool  # k > 1: the jets carry first derivatives and the Laplacian
    rows: dict[str, int]  # jet rows of each operator's cotangents
    top_row: dict[str, int]  # the jet row each operator reads out (u: h, Laplacian u: S)
    shared: bool  # shares_cotangent: the S cotangent of 'rr' is the u cotangent
    elementwise: bool  # products of several jet rows: see _gram
    first: DenseScales | None  # first layer (fan-in n0)
    mid: DenseScales | None  # hidden layers (fan-in n)
    out: DenseScales | None  # readout (fan-in n)
    mid_c_squared: jax.Array | None  # mid.c ** 2 (rounded once)
    mid_beta_squared: jax.Array | None  # mid.beta ** 2 (rounded once)
    bias: bool  # biases enter the kernel (beta != 0)
    bias_drawn: bool  # and their initial value is random (s_b != 0)
    phi: Callable  # the activation
    derivatives: Callable  # z -> its first three derivatives (_activation)


def _network(static: _Static) -> _Network:
    k, kb = reveals(static.operators, static.n0)
    phi, derivatives = _activation(static.activation)
    return _Network(
        n=static.width,
        n0=static.n0,
        parameterization=static.parameterization,
        capacity=static.capacity,
        ops=static.operators,
        reported=static.reported,
        step_operator=static.step_operator,
        dtype=jnp.dtype(static.dtype),
        k=k,
        kb=kb,
        laplacian=k > 1,
        rows={op: operator_rows(op, k) for op in static.operators},
        top_row={"uu": 0, "rr": k - 1},
        shared=shares_cotangent(static.operators),
        elementwise=k > 1,
        first=None,
        mid=None,
        out=None,
        mid_c_squared=None,
        mid_beta_squared=None,
        bias=static.bias,
        bias_drawn=static.bias_drawn,
        phi=phi,
        derivatives=derivatives,
    )


# Scales that are 1 in a parameterization whatever W_std and b_std: they stay Python
# constants in the compiled program, and XLA drops the multiplications by them. (With the
# other scales at run time the draws still moved by about 1 ulp against the program that
# had every scale compiled in.)
UNIT_SCALES: dict[str, tuple[str, ...]] = {"ntk": ("s", "s_b"), "standard": ("c", "beta")}


def _with_scales(net: _Network, scales: _LayerScales) -> _Network:
    """``net`` with the run-time ``scales`` filled in, those of ``UNIT_SCALES`` as 1.0."""
    unit = UNIT_SCALES[net.parameterization]
    first, mid, out = (
        layer._replace(**{name: 1.0 for name in unit}) for layer in (scales.first, scales.mid, scales.out)
    )
    beta_squared = 1.0 if "beta" in unit else scales.mid_beta_squared
    c_squared = 1.0 if "c" in unit else scales.mid_c_squared
    return net._replace(first=first, mid=mid, out=out, mid_c_squared=c_squared, mid_beta_squared=beta_squared)


class _Replicate(NamedTuple):
    """One replicate's draw: its key streams (``KEY_STREAMS``), its number of hidden layers
    (a run-time value), its input jet ``H0`` (k, n0) and the product rule of its hidden
    matrices, ``multiply(l, right, Q, fresh, revealed) -> _PassProducts`` (``_lazy_products``:
    the lazy Gaussian)."""

    keys: dict[str, jax.Array]
    hidden: jax.Array
    H0: jax.Array
    multiply: Callable


class _Revealed(NamedTuple):
    """What the earlier passes revealed of one hidden G: orthonormal right rows r_j with
    their products in Y (row j: G r_j), orthonormal left rows l_j in L with Zt (row j:
    G^T l_j); lists of blocks, one per earlier pass."""

    R: list[jax.Array]
    Y: list[jax.Array]
    L: list[jax.Array]
    Zt: list[jax.Array]


class _EdgeParameters(NamedTuple):
    """The densely sampled parameters, or their gradients: first-layer weights (n, n0),
    readout weights (n,), and the biases of both (None in a gradient where biases do not
    enter the kernel). The kernels sum their squares in this order."""

    W1: jax.Array
    v: jax.Array
    b1: jax.Array | None
    bo: jax.Array | None


class _ForwardLayer(NamedTuple):
    """A hidden layer's forward pass (each array stacked over the layers): the right
    directions it revealed, R, and their products Y (row j: G r_j), its input jet H_in and
    its pre-activation jet Z."""

    R: jax.Array
    Y: jax.Array
    H_in: jax.Array
    Z: jax.Array


class _BackwardLayer(NamedTuple):
    """A hidden layer's backward pass before the step (each array stacked over the
    layers): the left directions it revealed, L, their products Zt (row j: G^T l_j), and
    the cotangents {op: bar Z} of its pre-activation jet."""

    L: jax.Array
    Zt: jax.Array
    barZ: dict[str, jax.Array]


class _Sums(NamedTuple):
    """An operator's hidden-layer part of the kernel: ``total`` = sum over hidden layers of
    |dO/dA|_F^2 + |dO/db|^2 (K before the step, K' after it), ``change`` = their part of
    K' - K (zero before the step)."""

    total: jax.Array
    change: jax.Array


class _ForwardPass(NamedTuple):
    """The output jet of the last hidden layer (the first layer's if there is none) and the
    hidden layers' records."""

    H: jax.Array
    layers: _ForwardLayer


class _BackwardPass(NamedTuple):
    """The cotangents {op: bar H_1} of the first layer's output jet, the hidden-layer sums
    {op: _Sums}, and the hidden layers' records (None after the step: nothing reads them)."""

    barH: dict[str, jax.Array]
    sums: dict[str, _Sums]
    layers: _BackwardLayer | None


class _Step(NamedTuple):
    """The SGD step as the passes after it see it: ``size`` = lr (o - target), the factor
    of every gradient it subtracts, and the passes before it."""

    size: jax.Array
    forward: _ForwardLayer
    backward: _BackwardLayer


class _StepFactors(NamedTuple):
    """A hidden layer's change in the step, ``A' = s G - sum_m a_m b_m^T``: rows a =
    lr (o - target) c bar Z (the step operator's cotangents) and b = its input jet rows."""

    a: jax.Array
    b: jax.Array


# Jets and their transposed Jacobians.


def _jet(net: _Network, Z: jax.Array) -> jax.Array:
    """Pre-activation jet (k, n) -> post-activation jet:
    h = phi(z), h1_i = phi'(z) z1_i, S = phi''(z) sum_i z1_i^2 + phi'(z) zS."""
    if not net.laplacian:
        return net.phi(Z)
    n0 = net.n0
    z, z1, zs = Z[0], Z[1 : 1 + n0], Z[1 + n0]
    p1, p2, _ = net.derivatives(z)
    S = p2 * jnp.sum(z1 * z1, axis=0) + p1 * zs
    return jnp.concatenate([net.phi(z)[None], p1[None] * z1, S[None]], axis=0)


def _jet_vjp(net: _Network, Z: jax.Array, barH: dict[str, jax.Array]) -> dict[str, jax.Array]:
    """{op: bar H (rows[op], n)} -> {op: bar Z}, the transposed Jacobian of the jet:

    bar z = d1 bar h + d2 sum_i z1_i bar h1_i + (d3 sum_i z1_i^2 + d2 zS) bar S,
    bar z1_i = d1 bar h1_i + 2 d2 z1_i bar S,   bar zS = d1 bar S
    (with both kernels, bar zS of 'rr' is bar z of 'uu' exactly: shares_cotangent).
    """
    n0 = net.n0
    z = Z[0]
    p1, p2, p3 = net.derivatives(z)
    barZ = {}
    for op in net.ops:
        bar = barH[op]
        if op == "uu":
            barZ[op] = (p1 * bar[0])[None]
            continue
        z1, zs = Z[1 : 1 + n0], Z[1 + n0]
        bh, bh1, bS = bar[0], bar[1 : 1 + n0], bar[1 + n0]
        bz = p1 * bh + p2 * jnp.sum(z1 * bh1, axis=0) + (p3 * jnp.sum(z1 * z1, axis=0) + p2 * zs) * bS
        bz1 = p1[None] * bh1 + 2 * (p2 * bS)[None] * z1
        bzS = p1 * (barH["uu"][0] if net.shared else bS)
        barZ[op] = jnp.concatenate([bz[None], bz1, bzS[None]], axis=0)
    return barZ


def _left_queries(net: _Network, barZ: dict[str, jax.Array]) -> jax.Array:
    """The cotangent rows a backward pass multiplies by A^T (the shared one once)."""
    if net.shared:
        return jnp.concatenate([barZ["uu"], barZ["rr"][:-1]])
    return jnp.concatenate([barZ[op] for op in net.ops])


def _left_products(net: _Network, GTp: jax.Array) -> dict[str, jax.Array]:
    """{op: G^T of its cotangent rows} from the products of _left_queries."""
    if net.shared:
        return {"uu": GTp[:1], "rr": jnp.concatenate([GTp[1:], GTp[:1]])}
    starts = np.cumsum([0] + [net.rows[op] for op in net.ops])
    return {op: GTp[starts[i] : starts[i + 1]] for i, op in enumerate(net.ops)}


# Squared norms of low-rank gradients.


def _norm2(net: _Network, a: jax.Array, b: jax.Array) -> jax.Array:
    """|sum_k a_k b_k^T|_F^2 = sum_{k,m} (a_k.a_m)(b_k.b_m) for rows a_k, b_k."""
    return jnp.sum(_gram(a, a, net.elementwise) * _gram(b, b, net.elementwise))


def _norm2_change(net: _Network, a0: jax.Array, b0: jax.Array, a1: jax.Array, b1: jax.Array) -> jax.Array:
    """<g1 - g0, g1 + g0> for g = sum_k a_k b_k^T, from element-wise differences:
    g1 - g0 = sum_k (a1_k - a0_k) b1_k^T + a0_k (b1_k - b0_k)^T."""
    X = jnp.concatenate([a1 - a0, a0])
    Y = jnp.concatenate([b1, b1 - b0])
    U = jnp.concatenate([a1, a0])
    W = jnp.concatenate([b1, b0])
    return jnp.sum(_gram(X, U, net.elementwise) * _gram(Y, W, net.elementwise))


# A replicate's randomness.


def _key_streams(key: jax.Array) -> dict[str, jax.Array]:
    """{part: fold_in(replicate key, index of part in KEY_STREAMS)}, as threefry key data."""
    return {name: threefry.fold_in(threefry.key_data(key), i) for i, name in enumerate(KEY_STREAMS)}


def _edge_parameters(net: _Network, keys: dict[str, jax.Array]) -> _EdgeParameters:
    """Initial first layer and readout, each with its layer's scales: W1 = s N(0, 1)
    (n x n0), v = s N(0, 1) (n,), and the biases b1 = s_b N(0, I), bo = s_b N(0, 1) (zero
    where not drawn)."""
    n, dtype = net.n, net.dtype
    W1 = net.first.s * threefry.normal(keys["first_weights"], (n, net.n0), dtype)
    v = net.out.s * threefry.normal(keys["readout_weights"], (n,), dtype)
    if net.bias_drawn:
        b1 = net.first.s_b * threefry.normal(keys["first_bias"], (n,), dtype)
        bo = net.out.s_b * threefry.normal(keys["readout_bias"], (), dtype)
    else:
        b1, bo = jnp.zeros((n,), dtype), jnp.zeros((), dtype)
    return _EdgeParameters(W1=W1, v=v, b1=b1, bo=bo)


def _hidden_bias(net: _Network, keys: dict[str, jax.Array], l: jax.Array) -> jax.Array:
    """Initial bias of hidden layer l, s_b N(0, I) (its own key: independent of the capacity)."""
    if net.bias_drawn:
        return net.mid.s_b * threefry.normal(threefry.fold_in(keys["hidden_biases"], l), (net.n,), net.dtype)
    return jnp.zeros((net.n,), net.dtype)


def _fresh(net: _Network, rep: _Replicate, l: jax.Array, pass_index: int, count: int) -> jax.Array:
    """Fresh N(0, 1) rows (count, n) of hidden layer l for one pass (0, 1: forward and
    backward before the step; 2, 3: after it). Drawn inside a conditional that is always
    taken (``hidden >= 0``, which XLA cannot know): XLA does not fuse across it, so the
    rows are computed once, not again inside every fusion that reads them (1.5x slower
    overall without it, measured)."""
    n, dtype = net.n, net.dtype

    def draw():
        layer_key = threefry.fold_in(threefry.fold_in(rep.keys["hidden_fresh"], l), pass_index)
        return threefry.normal(layer_key, (count, n), dtype)

    return jax.lax.cond(rep.hidden >= 0, draw, lambda: jnp.zeros((count, n), dtype))


def _lazy_products(l: jax.Array, right: bool, Q: jax.Array, fresh: jax.Array, revealed: _Revealed) -> _PassProducts:
    """G q (right) or G^T p (left) for each query row of Q, revealed lazily
    (``_reveal_pass``); l, the layer, is not needed: ``revealed`` is that layer's."""
    if right:
        return _reveal_pass(revealed.R, revealed.Y, revealed.L, revealed.Zt, Q, fresh)
    return _reveal_pass(revealed.L, revealed.Zt, revealed.R, revealed.Y, Q, fresh)


# The passes.


def _masked_scan(net: _Network, hidden: jax.Array, body: Callable, carry, reverse: bool = False):
    """Loop over the hidden layers 0 .. hidden-1 only (``hidden`` is a run-time value; a
    while loop, so layers beyond the depth cost nothing but the zeros of their output
    rows). ``body(carry, l)`` returns the new carry and layer l's output record, stacked
    into arrays of leading size ``capacity``; returns (carry, stacked outputs)."""
    ys_shape = jax.eval_shape(body, carry, jnp.int32(0))[1]
    outs = jax.tree_util.tree_map(lambda s: jnp.zeros((net.capacity,) + s.shape, s.dtype), ys_shape)

    def step(i, state):
        carry, outs = state
        l = hidden - 1 - i if reverse else i
        carry, ys = body(carry, l)
        return carry, jax.tree_util.tree_map(lambda o, y: o.at[l].set(y), outs, ys)

    return jax.lax.fori_loop(0, hidden, step, (carry, outs))


def _step_factors(net: _Network, size: jax.Array, H_in: jax.Array, barZ: jax.Array) -> _StepFactors:
    """A layer's step, from its input jet and step-operator cotangent before the step:
    a = lr (o - target) c bar Z, b = the operator's rows of H_in."""
    return _StepFactors(a=size * net.mid.c * barZ, b=H_in[: net.rows[net.step_operator]])


def _forward(net: _Network, rep: _Replicate, H1: jax.Array, step: _Step | None) -> _ForwardPass:
    """Hidden layers 2..d, from the first layer's output jet H1: Z = c A H_in + beta b_l
    (bias on the value row), H = jet(Z). Before the step (pass 0) A = s G; after it
    (pass 2) ``A' H_in = s G H_in - a (b^T H_in)`` (``_StepFactors``) and
    ``b_l' = b_l - lr (o - target) beta bar z``."""
    mid, ew = net.mid, net.elementwise

    def body(H, l):
        if step is None:
            revealed = _Revealed([], [], [], [])
        else:
            before, back = step.forward, step.backward
            revealed = _Revealed([before.R[l]], [before.Y[l]], [back.L[l]], [back.Zt[l]])
            H_in0, barZm = before.H_in[l], back.barZ[net.step_operator][l]
            factors = _step_factors(net, step.size, H_in0, barZm)
        pass_index = 0 if step is None else 2
        new = rep.multiply(l, True, H, _fresh(net, rep, l, pass_index, net.k), revealed)
        AH = mid.s * new.MQ
        if step is not None:
            AH = AH - _combine(_gram(H, factors.b, ew), factors.a, ew)
        Z = mid.c * AH
        if net.bias:
            b_l = _hidden_bias(net, rep.keys, l)
            if step is not None:
                b_l = b_l - step.size * mid.beta * barZm[0]
            Z = Z.at[0].add(mid.beta * b_l)
        return _jet(net, Z), _ForwardLayer(R=new.U, Y=new.MU, H_in=H, Z=Z)

    H, layers = _masked_scan(net, rep.hidden, body, H1)
    return _ForwardPass(H=H, layers=layers)


def _sums_before(net: _Network, op: str, sums: _Sums, barZ: jax.Array, H_in: jax.Array) -> _Sums:
    """Adds a layer's |dO/dA|^2 = c^2 |bar Z H_in^T|_F^2 and |dO/db|^2 = beta^2 |bar z|^2."""
    total = sums.total + net.mid_c_squared * _norm2(net, barZ, H_in[: net.rows[op]])
    if net.bias:
        total = total + net.mid_beta_squared * jnp.sum(barZ[0] ** 2)
    return _Sums(total, sums.change)


def _sums_across(
    net: _Network, op: str, sums: _Sums, barZ0: jax.Array, H_in0: jax.Array, barZ: jax.Array, H_in: jax.Array
) -> _Sums:
    """Adds a layer's gradient norms after the step, g' = c bar Z' H_in'^T, and their part
    of K' - K, <g' - g, g' + g> (from element-wise differences), for A and b."""
    mid, rows = net.mid, net.rows[op]
    a0, a1 = mid.c * barZ0, mid.c * barZ
    b0, b1 = H_in0[:rows], H_in[:rows]
    total = sums.total + _norm2(net, a1, b1)
    change = sums.change + _norm2_change(net, a0, b0, a1, b1)
    if net.bias:
        p0, p1 = mid.beta * barZ0[0], mid.beta * barZ[0]
        total = total + jnp.sum(p1 * p1)
        change = change + jnp.sum((p1 - p0) * (p1 + p0))
    return _Sums(total, change)


def _backward(
    net: _Network, rep: _Replicate, barH_top: dict[str, jax.Array], layers: _ForwardLayer, step: _Step | None
) -> _BackwardPass:
    """Hidden layers d..2, from the cotangents of the last one's output jet: bar Z =
    J_jet(Z)^T bar H, bar H_in = c A^T bar Z (``s G^T bar Z`` before the step, pass 1;
    ``s G^T bar Z - b (a^T bar Z)`` after it, pass 3), accumulating the layers' gradient
    norms (``_sums_before``, ``_sums_across``). ``layers``: the forward pass just made."""
    mid, ew = net.mid, net.elementwise
    zero = jnp.zeros((), net.dtype)
    sums0 = {op: _Sums(zero, zero) for op in net.ops}

    def body(carry, l):
        barH, sums = carry
        if step is None:
            revealed = _Revealed([layers.R[l]], [layers.Y[l]], [], [])
            Z, H_in = layers.Z[l], layers.H_in[l]
        else:
            before, back = step.forward, step.backward
            R0, Y0, L0, Zt0 = before.R[l], before.Y[l], back.L[l], back.Zt[l]
            revealed = _Revealed([R0, layers.R[l]], [Y0, layers.Y[l]], [L0], [Zt0])
            Z, H_in0, H_in = layers.Z[l], before.H_in[l], layers.H_in[l]
            barZ0 = jax.tree_util.tree_map(lambda a: a[l], back.barZ)
            factors = _step_factors(net, step.size, H_in0, barZ0[net.step_operator])
        barZ = _jet_vjp(net, Z, barH)
        pass_index = 1 if step is None else 3
        new = rep.multiply(l, False, _left_queries(net, barZ), _fresh(net, rep, l, pass_index, net.kb), revealed)
        GTp = _left_products(net, new.MQ)
        new_bar, new_sums = {}, {}
        for op in net.ops:
            ATp = mid.s * GTp[op]
            if step is not None:
                ATp = ATp - _combine(_gram(barZ[op], factors.a, ew), factors.b, ew)
            new_bar[op] = mid.c * ATp
            if step is None:
                new_sums[op] = _sums_before(net, op, sums[op], barZ[op], H_in)
            else:
                new_sums[op] = _sums_across(net, op, sums[op], barZ0[op], H_in0, barZ[op], H_in)
        ys = _BackwardLayer(L=new.U, Zt=new.MU, barZ=barZ) if step is None else None
        return (new_bar, new_sums), ys

    (barH, sums), records = _masked_scan(net, rep.hidden, body, (barH_top, sums0), reverse=True)
    return _BackwardPass(barH=barH, sums=sums, layers=records)


# The first layer and the readout (dense).


def _input_jet(net: _Network, x: jax.Array) -> jax.Array:
    """Input jet rows: x, then (PINN) e_1 .. e_n0 and 0."""
    H0 = x[None]
    if net.laplacian:
        H0 = jnp.concatenate([H0, jnp.eye(net.n0, dtype=net.dtype), jnp.zeros((1, net.n0), net.dtype)])
    return H0


def _first_layer(net: _Network, H0: jax.Array, params: _EdgeParameters) -> jax.Array:
    """Z1 = c W1 H0 + beta b1 (bias on the value row)."""
    Z1 = net.first.c * (H0 @ params.W1.T)
    return Z1.at[0].add(net.first.beta * params.b1) if net.bias else Z1


def _outputs(net: _Network, params: _EdgeParameters, Hd: jax.Array) -> dict[str, jax.Array]:
    """u = c_o v.h + beta_o bo and (PINN) Laplacian u = c_o v.S, from the last jet."""
    o = {"uu": net.out.c * (params.v @ Hd[0]) + (net.out.beta * params.bo if net.bias else 0.0)}
    if net.laplacian:
        o["rr"] = net.out.c * (params.v @ Hd[net.k - 1])
    return o


def _top_cotangents(net: _Network, v: jax.Array) -> dict[str, jax.Array]:
    """{op: bar H of the last jet}: c_o v on the row the operator reads out, zero elsewhere."""
    return {op: jnp.zeros((net.rows[op], net.n), net.dtype).at[net.top_row[op]].set(net.out.c * v) for op in net.ops}


def _edge_gradients(
    net: _Network, H0: jax.Array, barZ1: dict[str, jax.Array], Hd: jax.Array
) -> dict[str, _EdgeParameters]:
    """{op: gradients of the dense parameters}: dO/dW1 = c bar Z1^T H0, dO/dv = c_o H_d
    (the row read out), dO/db1 = beta bar z1, dO/dbo = beta_o (u) or 0 (Laplacian u)."""
    grads = {}
    for op in net.ops:
        W1 = net.first.c * barZ1[op].T @ H0[: net.rows[op]]
        v = net.out.c * Hd[net.top_row[op]]
        b1 = bo = None
        if net.bias:
            b1 = net.first.beta * barZ1[op][0]
            bo = jnp.asarray(net.out.beta if op == "uu" else 0.0, net.dtype)
        grads[op] = _EdgeParameters(W1=W1, v=v, b1=b1, bo=bo)
    return grads


def _step_edges(net: _Network, params: _EdgeParameters, grad: _EdgeParameters, size: jax.Array) -> _EdgeParameters:
    """theta' = theta - lr (o - target) do/dtheta for the dense parameters (``size`` =
    lr (o - target), ``grad`` = do/dtheta)."""
    W1 = params.W1 - size * grad.W1
    v = params.v - size * grad.v
    b1 = params.b1 - size * grad.b1 if net.bias else params.b1
    bo = params.bo - size * grad.bo if net.bias else params.bo
    return _EdgeParameters(W1=W1, v=v, b1=b1, bo=bo)


def _kernels(
    net: _Network,
    g0: dict[str, _EdgeParameters],
    g1: dict[str, _EdgeParameters] | None,
    sums0: dict[str, _Sums],
    sums1: dict[str, _Sums] | None,
) -> dict[str, jax.Array]:
    """{k_init, k_step, delta_k: (len(reported),)}: the hidden layers' sums plus the dense
    parameters' squared gradients (before: g0, after: g1; None: no step, K' = K)."""
    dtype = net.dtype
    result = {name: [] for name in SAMPLE_VARIABLES}
    for op in net.reported:
        if op not in net.ops:  # identically zero (ReLU Laplacian)
            for name in SAMPLE_VARIABLES:
                result[name].append(jnp.zeros((), dtype))
            continue
        ki = sums0[op].total
        ks, dk = (sums1[op].total, sums1[op].change) if g1 is not None else (ki, jnp.zeros((), dtype))
        for i, p0 in enumerate(g0[op]):
            if p0 is None:
                continue
            ki = ki + jnp.sum(p0 * p0)
            if g1 is not None:
                p1 = g1[op][i]
                ks = ks + jnp.sum(p1 * p1)
                dk = dk + jnp.sum((p1 - p0) * (p1 + p0))
        if g1 is None:
            ks = ki
        result["k_init"].append(ki)
        result["k_step"].append(ks)
        result["delta_k"].append(dk)
    return {name: jnp.stack(values) for name, values in result.items()}


def _replicate(
    net: _Network,
    multiply: Callable,
    key: jax.Array,
    hidden: jax.Array,
    x: jax.Array,
    target: jax.Array,
    lr: jax.Array,
    scales: _LayerScales,
) -> dict[str, jax.Array]:
    """One replicate's samples {k_init, k_step, delta_k}: forward and backward before the
    step, the step (dense parameters here, hidden matrices as _StepFactors), forward and
    backward after it. ``multiply``: the hidden matrices' product rule (_Replicate);
    ``scales``: the layers' scales (run-time arrays)."""
    net = _with_scales(net, scales)
    keys = _key_streams(key)
    params = _edge_parameters(net, keys)
    rep = _Replicate(keys=keys, hidden=hidden, H0=_input_jet(net, x), multiply=multiply)

    # Before the step.
    Z1 = _first_layer(net, rep.H0, params)
    forward = _forward(net, rep, _jet(net, Z1), None)
    o = _outputs(net, params, forward.H)
    backward = _backward(net, rep, _top_cotangents(net, params.v), forward.layers, None)
    g0 = _edge_gradients(net, rep.H0, _jet_vjp(net, Z1, backward.barH), forward.H)
    m_op = net.step_operator
    if m_op is None:  # the step does not move the parameters
        return _kernels(net, g0, None, backward.sums, None)

    # The step, and after it.
    step = _Step(size=lr * (o[m_op] - target), forward=forward.layers, backward=backward.layers)
    params1 = _step_edges(net, params, g0[m_op], step.size)
    Z1s = _first_layer(net, rep.H0, params1)
    forward1 = _forward(net, rep, _jet(net, Z1s), step)
    backward1 = _backward(net, rep, _top_cotangents(net, params1.v), forward1.layers, step)
    g1 = _edge_gradients(net, rep.H0, _jet_vjp(net, Z1s, backward1.barH), forward1.H)
    return _kernels(net, g0, g1, backward.sums, backward1.sums)


def _build(static: _Static) -> Callable:
    """The per-replicate function ``(key, hidden, x, target, lr, scales) -> samples``, on
    lazy Gaussian hidden matrices."""
    return functools.partial(_replicate, _network(static), _lazy_products)


@functools.lru_cache(maxsize=32)
def _compiled(static: _Static, quick_compile: bool = False) -> Callable:
    """jit(vmap(_build(static))) over keys; depth and the run-time constants are not batched.
    ``quick_compile``: XLA backend optimisation level 0, which compiles 2 to 3x faster
    and runs about 15x slower (same draws; round-off may differ in the last bits)."""
    options = dict(COMPILER_OPTIONS, xla_backend_optimization_level="0") if quick_compile else COMPILER_OPTIONS
    return jax.jit(jax.vmap(_build(static), in_axes=(0, None, None, None, None, None)), compiler_options=options)


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


def program_plan(setups: Sequence[MonteCarloSetup], replicates: int, quick_compile: bool = True) -> list[Program]:
    """The program of each setup of one sampling job (setups that differ only in depth and
    in the layers' scales), chosen so that the job compiles few programs: deepest first, a
    setup runs on a program already planned for the same block of replicates when that
    program's capacity holds its depth and padding the extra layers costs less than
    compiling (PADDING_TOTAL_FLOATS), preferring an optimised program to a quick one. A
    pure function of the setups, so a configuration sampled alone with its job's plan gets
    the job's bits. ``quick_compile=False``: every program optimised, for a job that runs
    each program many times (seed 001's sigma grids), where a setup's own small work would
    otherwise choose the quick compile that runs 15x slower."""
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
        if not quick_compile:
            own = own._replace(quick_compile=False)
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
        jax.tree_util.tree_map(lambda value: jnp.asarray(value, dtype), _layer_scales(setup.spec)),
    )


def sample_matrix_free(
    setup: MonteCarloSetup,
    keys: jax.Array,
    progress: Callable[[str], None] | None = None,
    batch_size: int | None = None,
    program: Program | None = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key: arrays of shape (replicates, len(operators)).

    Same contract and same law as :func:`finite_ntk.samplers.dense.sample_dense`. One compiled
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
        raise ValueError(
            f"program: capacity {program.capacity} holds fewer than the {setup.spec.depth - 1} hidden layers"
        )
    static = static._replace(capacity=program.capacity)
    arguments = _runtime_arguments(setup, static)
    sampler = _compiled(static, program.quick_compile)
    return run_in_batches(lambda block: sampler(block, *arguments), keys, batch_size, progress, ", matrix-free")
