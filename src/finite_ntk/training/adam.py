"""Full-batch Adam (optax) with the loss recorded at every step and snapshots taken at
chosen steps; a non-finite loss stops training with :class:`NonFiniteLossError`.
:class:`GradientNoise` makes a *round-off twin* (:mod:`finite_ntk.papers.seed000.roundoff`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

from finite_ntk.training.snapshots import check_snapshot_steps

Params = Any
Progress = Callable[[str], None]
LossFn = Callable[[Params], tuple[jax.Array, dict[str, jax.Array]]]


class NonFiniteLossError(RuntimeError):
    """The training loss became NaN or infinite."""


class GradientNoise(NamedTuple):
    """Relative noise of round-off size put on every gradient component at every step:

    g_t <- g_t * (1 + ulps * eps * s_t),   s_t = +-1 (Rademacher, from fold_in(key, t)),

    with ``eps`` the machine epsilon of the gradient's dtype. Another CPU, BLAS or XLA
    build computes each gradient with a different rounding of the same size; a run with
    this noise shows how far such round-off carries through training."""

    ulps: float
    key: jax.Array


def _noisy(grads: Params, noise: GradientNoise, step: jax.Array) -> Params:
    """``grads`` times ``1 + ulps * eps * s`` (see :class:`GradientNoise`)."""
    leaves, tree = jax.tree_util.tree_flatten(grads)
    key = jax.random.fold_in(noise.key, step)
    noisy = [
        g
        * (
            1
            + noise.ulps
            * jnp.finfo(g.dtype).eps
            * jax.random.rademacher(jax.random.fold_in(key, i), g.shape, dtype=g.dtype)
        )
        for i, g in enumerate(leaves)
    ]
    return jax.tree_util.tree_unflatten(tree, noisy)


@dataclass
class TrainingTrace:
    """Loss (and its named parts) at every step 0..steps, and the snapshots by step."""

    loss: np.ndarray
    loss_parts: dict[str, np.ndarray]
    snapshots: dict[int, dict[str, Any]] = field(default_factory=dict)
    params: Params = None

    @property
    def snapshot_steps(self) -> list[int]:
        return sorted(self.snapshots)

    def stacked(self, name: str) -> np.ndarray:
        """Snapshot entry ``name`` at every snapshot step, stacked along a first axis."""
        return np.stack([self.snapshots[s][name] for s in self.snapshot_steps])


class _LossLog:
    """Losses of the steps taken since the last flush (still on the device); a flush
    fetches them, checks them and appends them to the log."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.losses: list[np.ndarray] = []
        self.parts: dict[str, list[np.ndarray]] = {}
        self.pending: list[tuple[jax.Array, dict[str, jax.Array]]] = []

    def add(self, loss: jax.Array, parts: dict[str, jax.Array]) -> None:
        self.pending.append((loss, parts))

    def flush(self, first_step: int) -> None:
        """Append the pending losses, those of steps ``first_step`` onwards; raise
        :class:`NonFiniteLossError` at the first one that is NaN or infinite."""
        if not self.pending:
            return
        values = np.asarray(jnp.stack([loss for loss, _ in self.pending]))
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise _non_finite(self.label, values[bad[0]], first_step + int(bad[0]))
        self.losses.append(values)
        for name in self.pending[0][1]:
            self.parts.setdefault(name, []).append(np.asarray(jnp.stack([parts[name] for _, parts in self.pending])))
        self.pending.clear()


def _non_finite(label: str, loss: Any, step: int) -> NonFiniteLossError:
    return NonFiniteLossError(f"{label}: training loss is {loss} at step {step}; training stopped, no output written")


def train_adam(
    loss_fn: LossFn,
    params: Params,
    learning_rate: float,
    steps: int,
    snapshot_steps: Sequence[int],
    snapshot_fn: Callable[[Params], dict[str, Any]],
    label: str,
    progress: Progress | None = None,
    log_every: int = 500,
    gradient_noise: GradientNoise | None = None,
) -> TrainingTrace:
    """Full-batch Adam (optax) for ``steps`` updates.

    ``loss_fn(params) -> (loss, parts)``. Records the loss at every step t = 0..steps (the
    loss of the parameters after t updates), calls ``snapshot_fn`` at every snapshot step
    and logs a progress line every ``log_every`` steps. Raises :class:`NonFiniteLossError`
    naming ``label`` and the first step whose loss is NaN or infinite. With
    ``gradient_noise`` every gradient carries that noise (a round-off twin); without it
    the update is plain Adam.
    """
    progress = progress or (lambda message: None)
    # The datasets store the kernels at the snapshots only: they need step 0 and the end.
    snapshot_steps = check_snapshot_steps(snapshot_steps, steps, label, required=(0, steps))
    optimizer = optax.adam(learning_rate)

    @jax.jit
    def update(params: Params, state: Any, step: jax.Array) -> tuple[Params, Any, jax.Array, dict[str, jax.Array]]:
        (loss, parts), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        if gradient_noise is not None:
            grads = _noisy(grads, gradient_noise, step)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss, parts

    evaluate = jax.jit(loss_fn)
    state = optimizer.init(params)
    log = _LossLog(label)
    snapshots: dict[int, dict[str, Any]] = {}
    # Stop (fetch the losses, snapshot, log) at every snapshot and log step and the last.
    boundaries = sorted(set(snapshot_steps) | set(range(0, steps, log_every)) | {steps})
    t = 0
    for boundary in boundaries:
        first = t
        while t < boundary:
            params, state, loss, parts = update(params, state, jnp.uint32(t))
            log.add(loss, parts)
            t += 1
        log.flush(first)
        # The loss at this step itself (the update above reported the one before it).
        loss, parts = evaluate(params)
        if boundary == steps:
            log.add(loss, parts)
            log.flush(steps)
        elif not np.isfinite(float(loss)):
            raise _non_finite(label, float(loss), boundary)
        if boundary in snapshot_steps:
            snapshots[boundary] = snapshot_fn(params)
        progress(_progress_line(label, boundary, steps, loss, parts, snapshots.get(boundary)))
    return TrainingTrace(
        loss=np.concatenate(log.losses),
        loss_parts={name: np.concatenate(values) for name, values in log.parts.items()},
        snapshots=snapshots,
        params=params,
    )


def _progress_line(
    label: str, step: int, steps: int, loss: jax.Array, parts: dict[str, jax.Array], snapshot: dict[str, Any] | None
) -> str:
    """``<label>: step t/steps loss ... <part> ...`` and the scalars of a snapshot taken here."""
    extra = "".join(f" {name} {float(value):.4e}" for name, value in parts.items())
    snap = ""
    if snapshot is not None:
        scalars = {k: v for k, v in snapshot.items() if isinstance(v, float)}
        snap = " (snapshot" + "".join(f"; {k} {v:.4e}" for k, v in scalars.items()) + ")"
    return f"{label}: step {step}/{steps} loss {float(loss):.4e}{extra}{snap}"
