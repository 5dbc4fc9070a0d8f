"""Seed 001 during training: full-batch gradient descent with the paper's protocol and the
relative change of the empirical NTK (Figures 3, 4, 8-11).

The network is seed 001's fully connected one (``build_network(spec, outputs)``, standard
parameterisation: W ~ N(0, sigma_w^2 / fan_in) in every layer including the readout,
b ~ N(0, sigma_b^2), weights and biases trained), with one output per class.

Conventions (the paper says "gradient descent with MSE loss" and eq. 2; where it is silent
we follow the authors' follow-up code, ``mselezniova/ntk_beyond_limit``,
``ntk_train_dynamics.py``: ten one-hot outputs on pixels / 255, ``mse = mean over samples of
<y - f(x), y - f(x)> / 2``, and the NTK ``K(x1, x2) = sum over parameters and outputs of
df(x1)/dtheta * df(x2)/dtheta``, i.e. traced over the outputs):

- loss  L(theta) = 1/(2n) sum_{i=1}^n sum_{k=1}^K (f_k(x_i) - y_ik)^2
  (:func:`mse_loss`): the mean over the n samples of half the squared error summed over the
  K outputs. Its gradient flow is the paper's eq. 2, df/dt = -(1/S) sum_s Theta (f - y);
- NTK   Theta_ij = sum_k <df_k(x_i)/dtheta, df_k(x_j)/dtheta>, an n x n matrix: the sum
  over outputs, as the authors' code (neural-tangents' ``trace_axes=(-1,)`` divides this
  by K; the relative change ||Theta_t - Theta_0||_F / ||Theta_0||_F is the same either way);
- gradient descent  theta_{t+1} = theta_t - lr grad L(theta_t), constant lr (paper: 1e-5);
- step t is the state after t updates; L_t = L(theta_t), t = 0, 1, ...;
- early stop (the paper: "when the loss did not decrease by at least 1e-7 in 100
  consecutive steps"), made precise as :func:`early_stop_step`: training stops at the first
  step t >= patience with
      min_{t - patience < s <= t} L_s  >=  min_{s <= t - patience} L_s - min_decrease,
  patience = 100, min_decrease = 1e-7: the best loss has not improved by min_decrease over
  the last ``patience`` steps. A decrease of exactly min_decrease counts as too little (the
  window's minimum is not *below* the threshold): in float32 best - 1e-7 rounds to best for
  losses above 2, and this reading still stops a flat loss there, where "stop if the
  minimum is above best - 1e-7" would never stop. The final parameters are theta_t (the
  update of step t is not applied). Comparisons are made in the run's precision (float32
  by default, as JAX's default in the authors' code; see :func:`early_stop_step`);
- at most ``max_steps`` updates (paper: 1e5): a run that reaches theta_{max_steps} without
  the rule firing ends with status ``cap``;
- divergence: a non-finite loss or a non-finite parameter at step t ends the run at t with
  status ``diverged`` (never dropped: its losses up to t and its snapshots before t are kept).

The follow-up code trains with Adam (its own paper); seed 001 says gradient descent with a
constant step, which is what this module does. Its data set is
:func:`finite_ntk.papers.seed001.data.training_set` (the offline default is scikit-learn's
digits, a named substitute for MNIST).

The steps run inside compiled ``lax.while_loop`` chunks of ``chunk_steps`` (100) steps that
carry the stopping rule, so Python runs once per chunk and per snapshot; the rule decides
at every single step. One compiled program serves every (sigma_w^2, sigma_b^2) of an
architecture: in the standard parameterisation the variances enter only through the initial
parameters (:func:`program_spec`).
"""

from __future__ import annotations

import dataclasses
import math
from functools import partial
from typing import Any, Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from finite_ntk.models.networks import build_network
from finite_ntk.models.spec import NetworkSpec
from finite_ntk.stats import relative_frobenius_distance
from finite_ntk.training.forward import forward_outputs_with_taps, layer_scales
from finite_ntk.training.snapshots import check_snapshot_steps

Params = Any
ApplyFn = Callable[[Params, jax.Array], jax.Array]

# Paper protocol (Figures 3, 4 and their captions).
LEARNING_RATE = 1e-5
MAX_STEPS = 100_000
PATIENCE = 100
MIN_DECREASE = 1e-7
DEFAULT_SNAPSHOT_STEPS: tuple[int, ...] = (10, 100, 1_000, 10_000)
CHUNK_STEPS = 100
JACOBIAN_CHUNK = 4

STATUSES: tuple[str, ...] = ("converged", "cap", "diverged")
_RUNNING, _CONVERGED, _CAP, _DIVERGED = 0, 1, 2, 3
_STATUS_NAMES = {_CONVERGED: "converged", _CAP: "cap", _DIVERGED: "diverged"}

LOSS_DEFINITION = (
    "L = 1/(2n) sum_i sum_k (f_k(x_i) - y_ik)^2 (mean over samples of half the squared error summed over outputs)"
)
NTK_DEFINITION = "Theta_ij = sum_k <df_k(x_i)/dtheta, df_k(x_j)/dtheta> (traced over outputs, all weights and biases)"
SNAPSHOT_RULE = (
    "snapshot steps after the end of a converged (early-stopped) run take the end's value (the parameters no longer move); "
    "snapshot steps at or after the divergence step of a diverged run are NaN"
)


class TrainingResult(NamedTuple):
    """One gradient-descent run.

    status: ``converged`` (early stop), ``cap`` (max_steps updates) or ``diverged``;
    steps: T, the number of updates applied (final parameters theta_T; for ``diverged`` the
    step whose loss or parameters were non-finite); losses: (T + 1,) float32, L_0 .. L_T
    (L_T non-finite when diverged); min_loss: min over the finite L_t in the run's precision
    (NaN if none), reached at step min_loss_step (-1 if none);
    snapshot_steps: (S,) int64; ntk_change: (S,) float64, ||Theta_s - Theta_0||_F / ||Theta_0||_F
    at each snapshot step s (see :data:`SNAPSHOT_RULE` for steps the run did not reach);
    snapshot_reached: (S,) bool, True where theta_s was itself computed; ntk_change_end: the
    same at step T (NaN when diverged); ntk_initial, ntk_final: Theta_0 and Theta_T (n, n) in
    the run's precision (ntk_final all NaN when diverged); params: theta_T.
    """

    status: str
    steps: int
    losses: np.ndarray
    min_loss: float
    min_loss_step: int
    snapshot_steps: np.ndarray
    ntk_change: np.ndarray
    snapshot_reached: np.ndarray
    ntk_change_end: float
    ntk_initial: np.ndarray
    ntk_final: np.ndarray
    params: Params


class GDState(NamedTuple):
    """The carry of one compiled chunk of gradient descent.

    params: theta_t; step: t (int32); status: 0 running, 1 converged, 2 cap, 3 diverged;
    window: ring buffer (patience,) holding L_s at slot s mod patience for the last
    ``patience`` steps (+inf where not yet written); best_before: min_{s <= t - patience} L_s
    (+inf while t < patience); losses: (chunk_steps,) the losses of this chunk; count: how
    many of them were written.
    """

    params: Params
    step: jax.Array
    status: jax.Array
    window: jax.Array
    best_before: jax.Array
    losses: jax.Array
    count: jax.Array


# --- arguments ---------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_positive_int(name: str, value: Any) -> None:
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")


def _check_data(spec: NetworkSpec, inputs: Any, targets: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(inputs)
    y = np.asarray(targets)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"inputs: expected a non-empty (n, d) array, got shape {x.shape}")
    if x.shape[1] != spec.n0:
        raise ValueError(f"inputs: {x.shape[1]} columns, but spec.n0 is {spec.n0}")
    if y.ndim != 2 or y.shape[0] != x.shape[0] or y.shape[1] == 0:
        raise ValueError(f"targets: expected ({x.shape[0]}, K) for {x.shape[0]} inputs, got shape {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("inputs/targets: must be finite")
    return x, y


def program_spec(spec: NetworkSpec) -> NetworkSpec:
    """The spec that the compiled programs are built from: in the standard parameterisation
    a Dense layer computes z = h W + b whatever W_std and b_std are (they only scale the
    initial draw), so they are set to 1 (b_std stays None when there are no biases) and one
    program serves a whole (sigma_w^2, sigma_b^2) grid. The ntk parameterisation multiplies
    by W_std / sqrt(fan_in) and b_std in the forward pass, so its spec is kept as it is."""
    if spec.parameterization != "standard":
        return spec
    return dataclasses.replace(spec, W_std=1.0, W_std_readout=1.0, b_std=None if spec.b_std is None else 1.0)


# --- network, loss -----------------------------------------------------------------------


def init_params(spec: NetworkSpec, key: jax.Array, outputs: int) -> Params:
    """theta_0 of ``build_network(spec, outputs)`` drawn from ``key`` (stax's ``init_fn``:
    W = W_std / sqrt(fan_in) * N(0, 1), b = b_std * N(0, 1) in the standard
    parameterisation), in JAX's default float dtype. Deterministic: the same key gives the
    same bits on the same machine. Run op by op, not compiled: JAX caches each random op
    by shape, so a grid pays its compilation once per architecture (about 3 s here), while a
    compiled init_fn would be compiled again for every (sigma_w^2, sigma_b^2), which are
    static in the spec (5 s each at width 32, depth 3 on this machine)."""
    _check_positive_int("outputs", outputs)
    init_fn, _, _ = build_network(spec, outputs)
    return init_fn(key, (-1, spec.n0))[1]


def mse_loss(outputs: jax.Array, targets: jax.Array) -> jax.Array:
    """L = 1/(2n) sum_i sum_k (f_k(x_i) - y_ik)^2 for outputs and targets of shape (n, K):
    the authors' ``mean(vmap(<y - f, y - f> / 2))``; its gradient flow is the paper's eq. 2."""
    residual = outputs - targets
    return 0.5 * jnp.sum(residual * residual) / outputs.shape[0]


# --- NTK ---------------------------------------------------------------------------------


def _per_sample_jacobian(apply_fn: ApplyFn, params: Params, x: jax.Array) -> list[jax.Array]:
    """[(c, K, P_leaf)] per parameter leaf: df_k(x_i)/dtheta for the c rows of ``x``."""

    def one(xi: jax.Array) -> Params:
        return jax.jacrev(lambda p: apply_fn(p, xi[None])[0])(params)

    jac = jax.vmap(one)(x)
    return [leaf.reshape(leaf.shape[0], leaf.shape[1], -1) for leaf in jax.tree_util.tree_leaves(jac)]


@partial(jax.jit, static_argnums=0)
def _jacobian_block(apply_fn: ApplyFn, params: Params, xa: jax.Array, xb: jax.Array) -> jax.Array:
    ja = _per_sample_jacobian(apply_fn, params, xa)
    jb = _per_sample_jacobian(apply_fn, params, xb)
    return sum(jnp.einsum("ikp,jkp->ij", a, b) for a, b in zip(ja, jb))


def ntk_matrix(apply_fn: ApplyFn, params: Params, inputs: Any, chunk: int = JACOBIAN_CHUNK) -> jax.Array:
    """The exact empirical NTK on ``inputs`` of any network ``apply_fn(params, x) -> (n, K)``,
    traced over the outputs: Theta_ij = sum_k <df_k(x_i)/dtheta, df_k(x_j)/dtheta>, (n, n).

    Computed by Jacobian contraction in blocks of ``chunk`` samples: for every pair of blocks
    a <= b the per-sample Jacobians J_a, J_b (chunk, K, P) are formed and contracted
    leaf by leaf, and the block below the diagonal is the transpose. The input is padded to
    a multiple of ``chunk`` (one compiled program). Peak memory grows as
    2 * chunk * K * P * itemsize: at width 512, depth 20, n0 = 64, K = 10 (P = 5.0e6
    parameters), float32, XLA's memory analysis of one block gives 0.59 GiB at chunk 1,
    2.3 GiB at chunk 4 (the default), 4.5 GiB at chunk 8. Cost about n^2 K P / 2
    multiply-adds: 226 s on one core at width 256, depth 20, n = 128 (chunk 8), against
    0.18 s for :func:`dense_ntk_matrix`, which gives the same matrix for ``build_network``'s
    networks layer by layer. This one is the generic reference (any ``apply_fn``).
    """
    _check_positive_int("chunk", chunk)
    x = jnp.asarray(inputs)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"inputs: expected a non-empty (n, d) array, got shape {x.shape}")
    n = x.shape[0]
    padded = jnp.concatenate([x, jnp.broadcast_to(x[:1], (-n % chunk, x.shape[1]))])
    blocks = padded.shape[0] // chunk
    rows: list[list[jax.Array | None]] = [[None] * blocks for _ in range(blocks)]
    for a in range(blocks):
        for b in range(a, blocks):
            block = _jacobian_block(
                apply_fn, params, padded[a * chunk : (a + 1) * chunk], padded[b * chunk : (b + 1) * chunk]
            )
            rows[a][b] = block
            rows[b][a] = block.T
    return jnp.block(rows)[:n, :n]


@partial(jax.jit, static_argnums=(0, 3))
def _dense_ntk(spec: NetworkSpec, params: Params, x: jax.Array, output_chunk: int) -> jax.Array:
    n = x.shape[0]
    outputs = params[-1][0].shape[1]
    dtype = x.dtype
    taps = (
        jnp.zeros((n, spec.width), dtype),
        jnp.zeros((spec.depth - 1, n, spec.width), dtype) if spec.depth > 1 else None,
        jnp.zeros((n, outputs), dtype),
    )
    out, vjp, (h0, hh, hl) = jax.vjp(lambda t: forward_outputs_with_taps(spec, params, x, t), taps, has_aux=True)
    scales = layer_scales(spec)

    def features(scale: tuple[float, float], h: jax.Array) -> jax.Array:
        """c_W^2 H H'^T + c_b^2: the Gram of a Dense layer's inputs with its bias."""
        return scale[0] ** 2 * (h @ h.T) + scale[1] ** 2

    a_first = features(scales.first, h0)
    a_readout = features(scales.readout, hl)
    a_hidden = None
    if hh is not None:
        a_hidden = scales.hidden[0] ** 2 * jnp.einsum("lia,lja->lij", hh, hh) + scales.hidden[1] ** 2
    theta = jnp.zeros((n, n), dtype)
    eye = jnp.eye(outputs, dtype=dtype)
    for start in range(0, outputs, output_chunk):
        cot = jnp.broadcast_to(
            eye[start : start + output_chunk, None, :], (min(output_chunk, outputs - start), n, outputs)
        )
        g_first, g_hidden, g_readout = jax.vmap(lambda c: vjp(c)[0])(cot)
        theta = theta + jnp.einsum("kia,kja->ij", g_first, g_first) * a_first
        theta = theta + jnp.einsum("kia,kja->ij", g_readout, g_readout) * a_readout
        if a_hidden is not None:
            theta = theta + jnp.sum(jnp.einsum("klia,klja->lij", g_hidden, g_hidden) * a_hidden, axis=0)
    return theta


def dense_ntk_matrix(spec: NetworkSpec, params: Params, inputs: Any, output_chunk: int | None = None) -> jax.Array:
    """The exact empirical NTK of ``build_network(spec, K)`` at ``params`` on ``inputs``,
    traced over the K outputs (the same matrix as :func:`ntk_matrix`), layer by layer.

    A Dense layer z = c_W h W + c_b b contributes, for output k,
    <df_k(x_i)/d(W, b), df_k(x_j)/d(W, b)> = (g_ik . g_jk) (c_W^2 h_i . h_j + c_b^2),
    with h the layer's input and g_k = df_k/dz its output gradient (one backward pass per
    output, from zero "taps" added to the pre-activations). So
        Theta = sum_layers (sum_k G_k G_k^T) o (c_W^2 H H^T + c_b^2),
    exact, with no Jacobian: K backward passes over the n samples and about (K + 1) n^2 M
    multiply-adds per layer, against n^2 K P for the Jacobian contraction. The outputs go ``output_chunk`` at a time (all K
    by default); memory grows as (output_chunk + a few) * depth * n * M * itemsize +
    depth * n^2 * itemsize. XLA's memory analysis at width 512, depth 20, n = 128, K = 10,
    float32: 166 MiB with all outputs at once, 123 MiB with output_chunk 1. Time at width
    256, n = 128, one core: 0.014 s at depth 1, 0.18 s at depth 20.
    """
    x = jnp.asarray(inputs)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != spec.n0:
        raise ValueError(f"inputs: expected a non-empty (n, {spec.n0}) array, got shape {x.shape}")
    outputs = int(params[-1][0].shape[1])
    output_chunk = outputs if output_chunk is None else output_chunk
    _check_positive_int("output_chunk", output_chunk)
    return _dense_ntk(program_spec(spec), params, x, min(output_chunk, outputs))


def relative_change(theta: Any, theta0: Any) -> float:
    """||Theta - Theta_0||_F / ||Theta_0||_F in float64
    (:func:`finite_ntk.stats.relative_frobenius_distance`), NaN if either is not finite: a
    diverged run's kernel records NaN, never an inf."""
    a = np.asarray(theta, np.float64)
    b = np.asarray(theta0, np.float64)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("nan")
    return relative_frobenius_distance(a, b)


# --- the stopping rule -------------------------------------------------------------------


def early_stop_step(losses: Any, patience: int = PATIENCE, min_decrease: float = MIN_DECREASE) -> int | None:
    """The step at which the early-stop rule fires on the loss sequence L_0, L_1, ..., or
    None if it never does: the first t >= patience with

        min_{t - patience < s <= t} L_s  >=  min_{s <= t - patience} L_s - min_decrease,

    i.e. the last ``patience`` losses do not improve on the best earlier one by at least
    ``min_decrease``. The arithmetic is that of the losses' dtype (float32 losses: the
    threshold is the float32 difference, as in training; there 1e-7 is about two ulps of a
    loss near 0.5, and for losses above 2 it rounds away, so the rule reads "no decrease at
    all"). The losses must be finite (a non-finite loss is divergence, not convergence).
    """
    _check_positive_int("patience", patience)
    if not (isinstance(min_decrease, (int, float, np.floating)) and math.isfinite(min_decrease) and min_decrease >= 0):
        raise ValueError(f"min_decrease: must be a finite number >= 0, got {min_decrease!r}")
    values = np.asarray(losses)
    if values.ndim != 1 or not np.issubdtype(values.dtype, np.floating):
        raise ValueError(f"losses: expected a 1-d floating array, got {values.dtype} of shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("losses: must be finite")
    if values.size <= patience:
        return None
    best_before = np.minimum.accumulate(values)[: values.size - patience]  # t = patience .. T
    window = np.lib.stride_tricks.sliding_window_view(values[1:], patience).min(axis=1)
    fired = np.flatnonzero(~(window < best_before - values.dtype.type(min_decrease)))
    return int(fired[0]) + patience if fired.size else None


def stop_rule_update(
    window: jax.Array, best_before: jax.Array, loss: jax.Array, step: jax.Array, patience: int, min_decrease: jax.Array
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """One step of :func:`early_stop_step` inside a compiled loop: given the ring buffer
    ``window`` (patience,) and best_before = min_{s <= t - 1 - patience} L_s, add L_t = ``loss``
    at ``step`` t; returns the updated (window, best_before) and whether the rule fires at t.
    L_{t - patience} leaves the window (its slot t mod patience) and joins best_before."""
    slot = step % patience
    best_before = jnp.where(step >= patience, jnp.minimum(best_before, window[slot]), best_before)
    window = window.at[slot].set(loss)
    fired = (step >= patience) & ~(jnp.min(window) < best_before - min_decrease)
    return window, best_before, fired


# --- gradient descent --------------------------------------------------------------------


def _all_finite(tree: Params) -> jax.Array:
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(leaf)) for leaf in leaves]))


@partial(jax.jit, static_argnums=(0, 1, 2))
def _run_chunk(
    spec: NetworkSpec,
    patience: int,
    chunk_steps: int,
    state: GDState,
    x: jax.Array,
    y: jax.Array,
    learning_rate: jax.Array,
    min_decrease: jax.Array,
    stop_at: jax.Array,
    max_steps: jax.Array,
) -> GDState:
    """Up to ``chunk_steps`` steps from ``state``, leaving the loop before computing step
    ``stop_at`` (a snapshot) or when the run ends. Each step t: L_t and grad L(theta_t);
    diverged if L_t or theta_t is non-finite; else the stopping rule; else the cap (t =
    max_steps); else theta_{t+1} = theta_t - lr grad."""
    _, apply_fn, _ = build_network(spec, y.shape[1])
    value_and_grad = jax.value_and_grad(lambda p: mse_loss(apply_fn(p, x), y))

    def running(s: GDState) -> jax.Array:
        return (s.count < chunk_steps) & (s.status == _RUNNING) & (s.step < stop_at)

    def step(s: GDState) -> GDState:
        loss, grads = value_and_grad(s.params)
        finite = jnp.isfinite(loss) & _all_finite(s.params)
        window, best_before, fired = stop_rule_update(s.window, s.best_before, loss, s.step, patience, min_decrease)
        status = jnp.where(
            ~finite, _DIVERGED, jnp.where(fired, _CONVERGED, jnp.where(s.step >= max_steps, _CAP, _RUNNING))
        ).astype(s.status.dtype)
        go = status == _RUNNING
        params = jax.tree_util.tree_map(lambda p, g: jnp.where(go, p - learning_rate * g, p), s.params, grads)
        return GDState(
            params,
            s.step + go.astype(s.step.dtype),
            status,
            window,
            best_before,
            s.losses.at[s.count].set(loss),
            s.count + 1,
        )

    return jax.lax.while_loop(running, step, state._replace(count=jnp.zeros_like(state.count)))


def train(
    spec: NetworkSpec,
    key: jax.Array,
    inputs: Any,
    targets: Any,
    *,
    learning_rate: float = LEARNING_RATE,
    max_steps: int = MAX_STEPS,
    patience: int = PATIENCE,
    min_decrease: float = MIN_DECREASE,
    snapshot_steps: Sequence[int] = DEFAULT_SNAPSHOT_STEPS,
    chunk_steps: int = CHUNK_STEPS,
    output_chunk: int | None = None,
) -> TrainingResult:
    """Full-batch gradient descent on (inputs (n, n0), targets (n, K)) from theta_0 =
    :func:`init_params` (spec, key, K), with the paper's protocol (module docstring): loss
    :func:`mse_loss`, constant ``learning_rate``, early stop by :func:`early_stop_step`
    (``patience``, ``min_decrease``), at most ``max_steps`` updates, divergence detection.

    Records L_t at every step, Theta_0, Theta at each of ``snapshot_steps`` the run reaches
    and at its end T (:func:`dense_ntk_matrix`), as relative changes; snapshot steps beyond
    the end follow :data:`SNAPSHOT_RULE`. Computes in JAX's default float dtype (float32
    unless x64 is enabled); inputs and targets are cast to it. A pure function of its
    arguments: the same key gives bit-identical results on the same machine.
    """
    x_np, y_np = _check_data(spec, inputs, targets)
    if not (
        isinstance(learning_rate, (int, float, np.floating)) and math.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate: must be a finite positive number, got {learning_rate!r}")
    _check_positive_int("max_steps", max_steps)
    _check_positive_int("patience", patience)
    _check_positive_int("chunk_steps", chunk_steps)
    if not (isinstance(min_decrease, (int, float, np.floating)) and math.isfinite(min_decrease) and min_decrease >= 0):
        raise ValueError(f"min_decrease: must be a finite number >= 0, got {min_decrease!r}")
    # Theta_0 and the end are recorded whatever the snapshots; a step beyond the cap is refused.
    snaps = np.asarray(check_snapshot_steps(snapshot_steps, max_steps, "snapshot_steps"), dtype=np.int64)
    if max_steps >= np.iinfo(np.int32).max:
        raise ValueError(f"max_steps: must be below 2^31 - 1, got {max_steps}")

    dtype = jnp.result_type(float)
    x = jnp.asarray(x_np, dtype)
    y = jnp.asarray(y_np, dtype)
    outputs = y.shape[1]
    params = init_params(spec, key, outputs)
    program = program_spec(spec)

    def ntk(p: Params) -> np.ndarray:
        return np.asarray(dense_ntk_matrix(program, p, x, output_chunk))

    theta0 = ntk(params)
    state = GDState(
        params=params,
        step=jnp.asarray(0, jnp.int32),
        status=jnp.asarray(_RUNNING, jnp.int32),
        window=jnp.full((patience,), jnp.inf, dtype),
        best_before=jnp.asarray(jnp.inf, dtype),
        losses=jnp.zeros((chunk_steps,), dtype),
        count=jnp.asarray(0, jnp.int32),
    )
    scalars = (jnp.asarray(learning_rate, dtype), jnp.asarray(min_decrease, dtype))
    losses = np.empty(max_steps + 1, dtype=np.dtype(dtype))
    changes = np.full(snaps.size, np.nan)
    reached = np.zeros(snaps.size, dtype=bool)
    written, status, t, next_snap = 0, _RUNNING, 0, 0
    while status == _RUNNING:
        stop_at = int(snaps[next_snap]) if next_snap < snaps.size else max_steps + 1
        state = _run_chunk(
            program,
            patience,
            chunk_steps,
            state,
            x,
            y,
            *scalars,
            jnp.asarray(stop_at, jnp.int32),
            jnp.asarray(max_steps, jnp.int32),
        )
        count, status, t = int(state.count), int(state.status), int(state.step)
        losses[written : written + count] = np.asarray(state.losses[:count])
        written += count
        if status == _RUNNING and t == stop_at:
            changes[next_snap] = relative_change(ntk(state.params), theta0)
            reached[next_snap] = True
            next_snap += 1

    losses = losses[: t + 1]
    if written != t + 1:  # every step 0..T computed its loss exactly once
        raise AssertionError(f"gradient descent recorded {written} losses for steps 0..{t}")
    if status == _DIVERGED:
        theta_end = np.full_like(theta0, np.nan)
        change_end = float("nan")
        after = snaps >= t
        changes[after] = np.nan
        reached[after] = False
    else:
        theta_end = ntk(state.params)
        change_end = relative_change(theta_end, theta0)
        changes[snaps > t] = change_end  # converged: the parameters no longer move
    finite = np.isfinite(losses)
    best = int(np.argmin(np.where(finite, losses, np.inf))) if finite.any() else -1
    return TrainingResult(
        status=_STATUS_NAMES[status],
        steps=t,
        losses=losses.astype(np.float32),
        min_loss=float(losses[best]) if best >= 0 else float("nan"),
        min_loss_step=best,
        snapshot_steps=snaps,
        ntk_change=changes,
        snapshot_reached=reached,
        ntk_change_end=change_end,
        ntk_initial=theta0,
        ntk_final=theta_end,
        params=state.params,
    )


__all__ = [
    "DEFAULT_SNAPSHOT_STEPS",
    "LEARNING_RATE",
    "LOSS_DEFINITION",
    "MAX_STEPS",
    "MIN_DECREASE",
    "NTK_DEFINITION",
    "PATIENCE",
    "SNAPSHOT_RULE",
    "STATUSES",
    "GDState",
    "TrainingResult",
    "dense_ntk_matrix",
    "early_stop_step",
    "init_params",
    "mse_loss",
    "ntk_matrix",
    "program_spec",
    "relative_change",
    "stop_rule_update",
    "train",
]
