"""Seed 001's training time, affordably: gradient descent at lr 1e-5 for up to 1e5 steps
integrated as the gradient flow it follows, with the divergence and the early stop of the
literal steps (Figures 3, 4, 8-11).

Why. The paper trains by full-batch gradient descent at a constant lr = 1e-5 for at most
1e5 steps: a flow time tau = lr x steps = 1. Gradient descent is the explicit Euler method of
the gradient flow d theta / d tau = -grad L(theta); on the loss of
:func:`finite_ntk.papers.seed001.training.mse_loss` the function-space flow of the linearised
network is dr/dtau = -(1/n) Theta_full r (r = f - y, Theta_full the (nK x nK) NTK), and a
step multiplies the mode of eigenvalue lambda by 1 - lr lambda / n instead of
exp(-lr lambda / n). Where z = lr lambda_max / n is small, gradient descent is the flow; where
z >= 2, it diverges. On MNIST at width 256, z <= 0.012 on every tanh cell and below 0.08 on
ReLU's up to depth 4 (``benchmarks/bench_seed001_flow.py`` prints the grid): most of the 1e5
steps re-solve a flow whose fast modes died in the first hundred.

The integrator (:func:`train_flow`):

1. ``literal_steps`` steps of literal gradient descent at ``learning_rate`` (the paper's
   first 100 steps: tau = 1e-3; its snapshots at steps 10 and 100 are exact).
2. Then exponential steps of the network linearised at each step's midpoint. A step of
   length h from theta: a half step predicts theta_half; with the residual
   r = f_lin(theta) - y of the network linearised there, its per-output kernel
   A = Theta(theta_half) / K (Theta the traced NTK,
   :func:`~finite_ntk.papers.seed001.training.dense_ntk_matrix`) and A's eigenpairs
   (a_i, u_i),

       theta <- theta - (h / n) J(theta_half)^T phi(h A / n) r,   phi(x) = (1 - e^{-x}) / x,

   exactly the flow of the linearised network when A is its NTK (then r <- e^{-h A / n} r):
   the kernel's stiff modes cost nothing, and the step is limited by how fast the NTK
   moves. The steps follow a geometric grid, h <= ``step_growth`` x tau, landing on every
   snapshot and on tau_end = lr x max_steps; a step over which the kernel moves by more
   than ``tolerance`` (relative, Frobenius) is halved, and where the steps would be shorter
   than :data:`MIN_FLOW_STEP` lr they cost more than the literal steps they replace, which
   are taken instead (in stretches of ``patience``). The error of the flow steps grows with
   ``step_growth``: the cross-output blocks of the full NTK, O(M^-1/2), are left out of A
   (a mode whose eigenvalue A misjudges by less than a factor two is still damped: the
   amplification is 1 - phi(h a') h a / n). Validated against literal gradient descent in
   ``tests/test_seed001_gradient_flow.py`` and ``benchmarks/bench_seed001_flow.py``.
3. Divergence as lr decides it: before every exponential step, z = lr rho a_max / n with
   rho = lambda_max(Theta_full) / a_max measured at initialisation (power iteration,
   :func:`full_ntk_lambda_max`). Where z >= 2 the linearised gradient descent at lr grows its
   top mode, and from z = 1 on it oscillates instead of decaying (and the flow's kernel may
   sharpen past 2 / lr, where gradient descent would sit at its edge of stability), so from
   z = 1 (:data:`SWITCH_LIMIT`) the run continues with literal steps at lr, which diverge
   (status ``diverged``) or come back below z = 1/2 (a catapult) and resume the flow. More than
   ``max_literal_steps`` literal steps in a row after the start (forced by the stability
   limit or by a kernel that moves too fast for flow steps) end the run with status
   ``edge``: there lr sits at gradient descent's stability edge, where it and the gradient
   flow part, and the literal steps would cost as much as the paper's protocol.
4. The early stop in units of tau: the paper stops when the loss has not decreased by
   ``min_decrease`` over ``patience`` steps, i.e. over a flow time tau_p = patience x lr. In an
   exponential step the linearised loss L(s) = (1/2n) sum_i e^{-2 s a_i / n} |U^T r|_i^2 is
   known for every s, and the rule fires at the first tau >= tau_p with
   L(tau - tau_p) - L(tau) < min_decrease (bisection inside the step; the run ends there with
   status ``converged``). In the literal stretches the rule is the literal one.

Conventions otherwise those of :func:`finite_ntk.papers.seed001.training.train` (loss, NTK,
statuses, snapshot rule); the result records paper-equivalent steps tau / lr.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from finite_ntk.models.networks import build_network
from finite_ntk.models.spec import NetworkSpec
from finite_ntk.papers.seed001.training import (
    LEARNING_RATE,
    MAX_STEPS,
    MIN_DECREASE,
    PATIENCE,
    GDState,
    _check_data,
    _check_positive_int,
    _run_chunk,
    dense_ntk_matrix,
    init_params,
    program_spec,
    relative_change,
)
from finite_ntk.training.snapshots import check_snapshot_steps

Params = Any

LITERAL_STEPS = 100
STEP_GROWTH = 0.04
TOLERANCE = 0.03
# A flow step costs about as much as 17 literal ones (two NTK matrices, each about seven
# gradient evaluations, and three passes); below this many lr's of flow time, literal steps.
MIN_FLOW_STEP = 50
MAX_LITERAL_STEPS = 5_000
POWER_ITERATIONS = 60
# z = lr lambda_max / n. Gradient descent is unstable past z = 2; from z = 1 on its top mode
# oscillates instead of decaying, and the gradient flow's kernel may sharpen past 2/lr where
# gradient descent would have held it at its edge of stability (measured: a ReLU cell at
# width 256, depth 8, sigma_w^2 = 3 switched at z = 2 and catapulted to 10 times the
# literal loss). So literal steps from SWITCH_LIMIT on, and back to the flow below RESUME_LIMIT.
SWITCH_LIMIT = 1.0
RESUME_LIMIT = 0.5
FLOW_STATUSES: tuple[str, ...] = ("converged", "cap", "diverged", "edge")


class FlowResult(NamedTuple):
    """One run of :func:`train_flow`.

    status: ``converged`` (early stop), ``cap`` (tau_end reached), ``diverged`` or ``edge``;
    tau: the flow time reached (lr x the paper's steps); steps: round(tau / lr), the
    paper-equivalent step count; records_tau, records_loss: (R,) the flow time and the loss
    after every literal step and every exponential step (the loss non-finite at a
    divergence); min_loss: the smallest finite recorded loss; snapshot_steps: (S,) the
    paper's steps of the snapshots; ntk_change: (S,) ||Theta_s - Theta_0||_F / ||Theta_0||_F
    (the snapshot rule of :data:`~finite_ntk.papers.seed001.training.SNAPSHOT_RULE`);
    snapshot_reached: (S,) bool; ntk_change_end; lambda_max_full: the largest eigenvalue of
    the full (nK x nK) NTK at initialisation; kernel_eigenvalues: (n,) the eigenvalues of
    Theta_0 / K in float64; literal_steps: how many literal steps at lr were taken in all;
    flow_steps: how many exponential steps; ntk_initial, ntk_final: Theta_0 and Theta at
    the end (NaN when diverged); params: the final parameters.
    """

    status: str
    tau: float
    steps: int
    records_tau: np.ndarray
    records_loss: np.ndarray
    min_loss: float
    snapshot_steps: np.ndarray
    ntk_change: np.ndarray
    snapshot_reached: np.ndarray
    ntk_change_end: float
    lambda_max_full: float
    kernel_eigenvalues: np.ndarray
    literal_steps: int
    flow_steps: int
    ntk_initial: np.ndarray
    ntk_final: np.ndarray
    params: Params


# --- compiled pieces ---------------------------------------------------------------------


@partial(jax.jit, static_argnums=(0, 1))
def _outputs(spec: NetworkSpec, outputs: int, params: Params, x: jax.Array) -> jax.Array:
    return build_network(spec, outputs)[1](params, x)


@partial(jax.jit, static_argnums=(0, 1))
def _pull_at(
    spec: NetworkSpec, outputs: int, center: Params, start: Params, x: jax.Array, cotangent: jax.Array
) -> Params:
    """start - J(center)^T cotangent (J the Jacobian of the outputs on x): a step from
    ``start`` along the Jacobian at ``center``, the step length folded into the cotangent."""
    apply_fn = build_network(spec, outputs)[1]
    _, vjp = jax.vjp(lambda p: apply_fn(p, x), center)
    (pulled,) = vjp(cotangent)
    return jax.tree_util.tree_map(lambda p, g: p - g, start, pulled)


@partial(jax.jit, static_argnums=(0, 1))
def _linear_model(spec: NetworkSpec, outputs: int, center: Params, start: Params, x: jax.Array) -> jax.Array:
    """f(center) + J(center) (start - center): the network linearised at ``center``, at ``start``."""
    apply_fn = build_network(spec, outputs)[1]
    tangent = jax.tree_util.tree_map(lambda a, b: a - b, start, center)
    f, df = jax.jvp(lambda p: apply_fn(p, x), (center,), (tangent,))
    return f + df


@partial(jax.jit, static_argnums=(0, 1))
def _full_ntk_product(spec: NetworkSpec, outputs: int, params: Params, x: jax.Array, v: jax.Array) -> jax.Array:
    """Theta_full v = J J^T v for v of shape (n, K)."""
    apply_fn = build_network(spec, outputs)[1]
    f = lambda p: apply_fn(p, x)  # noqa: E731
    _, vjp = jax.vjp(f, params)
    (u,) = vjp(v)
    return jax.jvp(f, (params,), (u,))[1]


def full_ntk_lambda_max(
    spec: NetworkSpec, params: Params, inputs: Any, outputs: int, iterations: int = POWER_ITERATIONS
) -> float:
    """The largest eigenvalue of the full NTK J J^T ((nK x nK), outputs not traced) of
    ``build_network(spec, outputs)`` at ``params`` on ``inputs``, by power iteration without
    forming the matrix (one VJP and one JVP per iteration; the start vector is all ones,
    deterministic). The Rayleigh quotient after ``iterations`` steps, which approaches
    lambda_max from below; the top eigenvalue of these kernels (the mean mode) is separated
    from the next by a factor of several, so 60 iterations settle it to float32 round-off."""
    _check_positive_int("iterations", iterations)
    program = program_spec(spec)
    x = jnp.asarray(inputs)
    v = jnp.ones((x.shape[0], outputs), x.dtype)
    v = v / jnp.linalg.norm(v)
    value = 0.0
    for _ in range(iterations):
        w = _full_ntk_product(program, outputs, params, x, v)
        value = float(jnp.vdot(v, w))
        norm = jnp.linalg.norm(w)
        if not bool(jnp.isfinite(norm)) or float(norm) == 0.0:
            return value
        v = w / norm
    return value


# --- the linearised flow in the kernel's eigenbasis ----------------------------------------


def phi(x: np.ndarray) -> np.ndarray:
    """phi(x) = (1 - e^{-x}) / x, phi(0) = 1, for x >= 0 without cancellation."""
    x = np.asarray(x, dtype=np.float64)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 - x / 2, -np.expm1(-safe) / safe)


def linearised_loss(eigenvalues: np.ndarray, weights: np.ndarray, n: int, s: np.ndarray | float) -> np.ndarray:
    """L(s) = (1/2n) sum_i e^{-2 s a_i / n} w_i: the loss after flow time s of the network
    linearised at the step's start, with kernel eigenvalues a_i (negative round-off clipped
    to 0) and w_i = |U^T r|_i^2 (summed over outputs). s may be negative (backwards)."""
    a = np.clip(np.asarray(eigenvalues, np.float64), 0.0, None)
    s = np.asarray(s, dtype=np.float64)
    return np.sum(np.exp(-2.0 * np.multiply.outer(s, a) / n) * weights, axis=-1) / (2.0 * n)


def stop_time(
    eigenvalues: np.ndarray,
    weights: np.ndarray,
    n: int,
    start: float,
    length: float,
    window: float,
    min_decrease: float,
) -> float | None:
    """The first s in [0, ``length``] with start + s >= ``window`` at which the linearised
    loss fell by less than ``min_decrease`` over the last ``window`` of flow time,
    L(s - window) - L(s) < min_decrease, or None. L(s - window) - L(s) decreases in s (a sum
    of decaying exponentials), so the first such s is found by bisection (to 1e-12 relative)."""

    def decrease(s: float) -> float:
        pair = linearised_loss(eigenvalues, weights, n, np.array([s - window, s]))
        return float(pair[0] - pair[1])

    low = max(0.0, window - start)
    if low > length or decrease(length) >= min_decrease:
        return None
    if decrease(low) < min_decrease:
        return low
    high = length
    for _ in range(200):
        if high - low <= 1e-12 * max(high, 1e-300):
            break
        middle = 0.5 * (low + high)
        if decrease(middle) < min_decrease:
            high = middle
        else:
            low = middle
    return high


# --- the run -----------------------------------------------------------------------------


def _literal(
    program: NetworkSpec,
    params: Params,
    x: jax.Array,
    y: jax.Array,
    learning_rate: float,
    steps: int,
    patience: int,
    min_decrease: float,
    history: tuple[Sequence[float], Sequence[float]],
) -> tuple[Params, str, int, np.ndarray]:
    """``steps`` literal gradient-descent steps at ``learning_rate`` from ``params`` at the
    end of ``history`` (the recorded flow times and losses), with the literal stop rule
    (the compiled steps of :func:`finite_ntk.papers.seed001.training.train`) continued from
    that history: the window holds the losses of
    the last ``patience`` steps of lr before now and the best before them, read off the
    record (interpolated in flow time where exponential steps passed). Returns the
    parameters, the status (running, converged, diverged), the steps taken and the losses
    L_1 .. L_taken after now (the last non-finite when diverged)."""
    dtype = x.dtype
    times = np.asarray(history[0], np.float64)
    values = np.asarray(history[1], np.float64)
    now = times[-1]
    step0 = int(round(now / learning_rate))
    earlier = step0 - patience + np.arange(patience)  # the steps t0 - patience .. t0 - 1
    window = np.full(patience, np.inf)
    known = earlier >= 0
    window[earlier[known] % patience] = np.interp(now - learning_rate * (step0 - earlier[known]), times, values)
    before = times <= now - learning_rate * (patience + 1) * (1 - 1e-12)
    best_before = float(values[before].min()) if before.any() else np.inf
    state = GDState(
        params=params,
        step=jnp.asarray(step0, jnp.int32),
        status=jnp.asarray(0, jnp.int32),
        window=jnp.asarray(window, dtype),
        best_before=jnp.asarray(best_before, dtype),
        losses=jnp.zeros((steps + 1,), dtype),
        count=jnp.asarray(0, jnp.int32),
    )
    state = _run_chunk(
        program,
        patience,
        steps + 1,
        state,
        x,
        y,
        jnp.asarray(learning_rate, dtype),
        jnp.asarray(min_decrease, dtype),
        jnp.asarray(step0 + steps + 1, jnp.int32),
        jnp.asarray(step0 + steps, jnp.int32),
    )
    status = {0: "running", 1: "converged", 2: "running", 3: "diverged"}[int(state.status)]
    taken = int(state.step) - step0
    losses = np.asarray(state.losses[: int(state.count)], dtype=np.float64)
    return state.params, status, taken, losses[1 : taken + 1]


def train_flow(
    spec: NetworkSpec,
    key: jax.Array,
    inputs: Any,
    targets: Any,
    *,
    learning_rate: float = LEARNING_RATE,
    max_steps: int = MAX_STEPS,
    patience: int = PATIENCE,
    min_decrease: float = MIN_DECREASE,
    snapshot_steps: Sequence[int] = (10, 100, 1_000, 10_000),
    literal_steps: int = LITERAL_STEPS,
    step_growth: float = STEP_GROWTH,
    max_literal_steps: int = MAX_LITERAL_STEPS,
    tolerance: float = TOLERANCE,
    trace: Callable[[str], None] | None = None,
) -> FlowResult:
    """Gradient descent at ``learning_rate`` for at most ``max_steps`` steps from theta_0 =
    :func:`~finite_ntk.papers.seed001.training.init_params` (spec, key, K), integrated as in
    the module docstring: the same initialisation, loss, NTK and statuses as
    :func:`~finite_ntk.papers.seed001.training.train`, with flow time tau = lr x steps.
    Snapshots are given in the paper's steps (tau = lr x step). Deterministic."""
    x_np, y_np = _check_data(spec, inputs, targets)
    for name, value in (("learning_rate", learning_rate), ("step_growth", step_growth), ("tolerance", tolerance)):
        if not (isinstance(value, (int, float, np.floating)) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name}: must be a finite positive number, got {value!r}")
    for name, value in (
        ("max_steps", max_steps),
        ("patience", patience),
        ("literal_steps", literal_steps),
        ("max_literal_steps", max_literal_steps),
    ):
        _check_positive_int(name, value)
    if literal_steps > max_steps:
        raise ValueError(f"literal_steps: {literal_steps} exceeds max_steps {max_steps}")
    snaps = np.asarray(check_snapshot_steps(snapshot_steps, max_steps, "snapshot_steps"), dtype=np.int64)

    dtype = jnp.result_type(float)
    x = jnp.asarray(x_np, dtype)
    y = jnp.asarray(y_np, dtype)
    n, outputs = int(y.shape[0]), int(y.shape[1])
    y64 = np.asarray(y_np, np.float64)
    params = init_params(spec, key, outputs)
    program = program_spec(spec)
    lr = float(learning_rate)
    tau_end = lr * max_steps
    tau_patience = lr * patience

    def ntk(p: Params) -> np.ndarray:
        return np.asarray(dense_ntk_matrix(program, p, x))

    def loss_of(p: Params) -> float:
        r = np.asarray(_outputs(program, outputs, p, x), np.float64) - y64
        return float(0.5 * np.sum(r * r) / n)

    theta0 = ntk(params)
    eig0 = np.linalg.eigvalsh(np.asarray(theta0, np.float64) / outputs)
    lambda_full = full_ntk_lambda_max(program, params, x, outputs)
    rho = lambda_full / eig0[-1] if eig0[-1] > 0 else 1.0

    changes = np.full(snaps.size, np.nan)
    reached = np.zeros(snaps.size, dtype=bool)
    records_tau: list[float] = [0.0]
    records_loss: list[float] = [loss_of(params)]

    def snapshot(p: Params, step: float) -> None:
        for i, s in enumerate(snaps):
            # Literal steps after a flow step sit off the integer grid by less than half a step.
            if not reached[i] and abs(step - float(s)) <= 0.5 + 1e-9:
                changes[i] = relative_change(ntk(p), theta0)
                reached[i] = True

    status, tau, literal_taken, flow_taken = "running", 0.0, 0, 0
    # 1. The first literal steps, stopping at each snapshot step on the way.
    step = 0
    for target in [int(s) for s in snaps if 0 < s < literal_steps] + [literal_steps]:
        params, status, taken, losses = _literal(
            program, params, x, y, lr, target - step, patience, min_decrease, (records_tau, records_loss)
        )
        records_tau.extend(lr * (step + 1 + np.arange(losses.size)))
        records_loss.extend(losses.tolist())
        step += taken
        literal_taken += taken
        if status != "running":
            break
        snapshot(params, step)
    tau = lr * step
    if status == "converged":
        pass
    elif status == "running" and step >= max_steps:
        status = "cap"

    # 2-4. Exponential steps, with literal stretches where lr is past the stability limit.
    marks = sorted({float(m) for m in lr * snaps.astype(np.float64) if tau < m < tau_end} | {tau_end})
    growth = step_growth

    def cotangent_of(eig: np.ndarray, vectors: np.ndarray, residual: np.ndarray, length: float) -> jax.Array:
        """(length / n) U phi(length a / n) U^T r: the pull-back of the linearised flow."""
        kernel_phi = phi(np.clip(eig, 0.0, None) * length / n)[:, None]
        return jnp.asarray((length / n) * (vectors @ (kernel_phi * (vectors.T @ residual))), dtype)

    def literal_stretch() -> int:
        """``patience`` literal steps at lr (fewer at tau_end); updates the run's state. More
        than ``max_literal_steps`` of them since the last flow step end the run (``edge``)."""
        nonlocal params, status, tau, literal_taken, since_flow
        # Never past a snapshot: the stretch stops on it so that its kernel is recorded.
        upcoming = [m for m in marks if m > tau * (1 + 1e-12)]
        count = max(1, min(patience, int(round((upcoming[0] - tau) / lr)))) if upcoming else patience
        params, status, taken, losses = _literal(
            program, params, x, y, lr, count, patience, min_decrease, (records_tau, records_loss)
        )
        records_tau.extend(tau + lr * (1 + np.arange(losses.size)))
        records_loss.extend(losses.tolist())
        tau += lr * taken
        literal_taken += taken
        snapshot(params, tau / lr)
        since_flow += taken
        if status == "running" and tau >= tau_end * (1 - 1e-12):
            status = "cap"
        elif status == "running" and since_flow >= max_literal_steps:
            status = "edge"
        return taken

    cached = None
    since_flow = 0
    while status == "running":
        mark = next((m for m in marks if m > tau * (1 + 1e-12)), None)
        if mark is None:
            status = "cap"
            break
        if cached is None:
            kernel = ntk(params).astype(np.float64)
            eig, vectors = np.linalg.eigh(kernel / outputs)
            kernel_tau = tau
        else:  # the last step's midpoint kernel stands in for this one's start (one NTK a step)
            kernel, eig, vectors, kernel_tau = cached
        cached = None
        z = lr * rho * eig[-1] / n
        if not np.isfinite(z):
            status = "diverged"
            break
        if z >= SWITCH_LIMIT:
            # Literal steps at lr until diverged, back below the resume limit, or out of time.
            while status == "running":
                literal_stretch()
                if status != "running":
                    break
                z = lr * rho * np.linalg.eigvalsh(ntk(params).astype(np.float64) / outputs)[-1] / n
                if not np.isfinite(z):
                    status = "diverged"
                elif z < RESUME_LIMIT:
                    break
            continue
        residual = np.asarray(_outputs(program, outputs, params, x), np.float64) - y64
        kernel_norm = max(float(np.linalg.norm(kernel)), 1e-300)
        length = mark - tau if tau * (1 + growth) >= mark * (1 - 1e-9) else tau * growth
        trial = growth
        while True:
            # The midpoint's linearisation: a half step predicts theta_half, and the step
            # from theta is the exact flow of the network linearised there.
            half = _pull_at(program, outputs, params, params, x, cotangent_of(eig, vectors, residual, length / 2))
            kernel_half = ntk(half).astype(np.float64)
            eig_half, vectors_half = np.linalg.eigh(kernel_half / outputs)
            start = np.asarray(_linear_model(program, outputs, half, params, x), np.float64) - y64
            weights = np.sum((vectors_half.T @ start) ** 2, axis=1)
            stop = stop_time(eig_half, weights, n, tau, length, tau_patience, min_decrease)
            used = length if stop is None else stop
            moved = _pull_at(program, outputs, half, params, x, cotangent_of(eig_half, vectors_half, start, used))
            reached_residual = np.asarray(_outputs(program, outputs, moved, x), np.float64) - y64
            # The step's error indicator: how far the NTK moves over its length (the relative
            # change from the start kernel to the midpoint's, scaled to the step), the
            # network's distance from the linear model the step solves.
            distance = tau + length / 2 - kernel_tau
            error = float(np.linalg.norm(kernel_half - kernel)) / kernel_norm * length / distance
            # The flow never raises the loss: a step that does has met a mode the per-output
            # kernel misses (the full NTK's cross-output blocks), integrated unstably.
            rises = 0.5 * float(np.sum(reached_residual**2)) / n > records_loss[-1] * (1 + 1e-6)
            if rises and np.isfinite(error):
                error = max(error, 2 * tolerance)
            if not np.isfinite(error) or error <= tolerance or used < MIN_FLOW_STEP * lr:
                break
            length = used / 2  # the network is too far from linear over this step: halve it
            trial = min(trial, length / tau)
        if np.isfinite(error) and error > tolerance:
            # Steps this short cost more than the literal steps they replace: take those.
            if trace is not None:
                trace(f"literal stretch at tau {tau:.4g}: error {error:.2g} at length {used / lr:.0f} lr")
            literal_stretch()
            growth = step_growth
            continue
        if np.isfinite(error):
            growth = min(step_growth, trial * min(2.0, 0.9 * tolerance / max(error, 1e-30)))
        if trace is not None:
            trace(f"flow step at tau {tau:.4g}: length {used:.3g} ({used / lr:.0f} lr), error {error:.2g}")
        cached = (kernel_half, eig_half, vectors_half, tau + used / 2)
        since_flow = 0
        params = moved
        tau += used
        flow_taken += 1
        loss = float(0.5 * np.sum(reached_residual * reached_residual) / n)
        records_tau.append(tau)
        records_loss.append(loss)
        if not np.isfinite(loss):
            status = "diverged"
            break
        if stop is not None:
            status = "converged"
            break
        snapshot(params, tau / lr)
    if status == "running":
        status = "cap"

    records_tau_arr = np.asarray(records_tau, dtype=np.float64)
    records_loss_arr = np.asarray(records_loss, dtype=np.float64)
    finite = np.isfinite(records_loss_arr)
    steps_done = int(round(tau / lr))
    if status == "diverged":
        theta_end = np.full_like(theta0, np.nan)
        change_end = float("nan")
        changes[snaps >= steps_done] = np.nan
        reached[snaps >= steps_done] = False
    else:
        theta_end = ntk(params)
        change_end = relative_change(theta_end, theta0)
        changes[~reached & (snaps > steps_done)] = change_end if status == "converged" else np.nan
    return FlowResult(
        status=status,
        tau=float(tau),
        steps=steps_done,
        records_tau=records_tau_arr,
        records_loss=records_loss_arr,
        min_loss=float(np.min(records_loss_arr[finite])) if finite.any() else float("nan"),
        snapshot_steps=snaps,
        ntk_change=changes,
        snapshot_reached=reached,
        ntk_change_end=change_end,
        lambda_max_full=float(lambda_full),
        kernel_eigenvalues=eig0,
        literal_steps=literal_taken,
        flow_steps=flow_taken,
        ntk_initial=theta0,
        ntk_final=theta_end,
        params=params,
    )


__all__ = [
    "FLOW_STATUSES",
    "LITERAL_STEPS",
    "MAX_LITERAL_STEPS",
    "STEP_GROWTH",
    "FlowResult",
    "full_ntk_lambda_max",
    "linearised_loss",
    "phi",
    "stop_time",
    "train_flow",
]
