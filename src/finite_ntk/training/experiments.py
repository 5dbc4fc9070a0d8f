"""Training experiments with NTK snapshots (Appendices D-G of the report).

Two problems, both trained full-batch with Adam (optax):

- **FNN** on the sine target N*(x) = sin(3 pi x) + 0.8 sin(11 pi x): ``n_train`` sorted
  points of linspace(-1, 1), MSE loss (Appendix D.1.1, Figures 5, 9, 10).
- **PINN** for 2D Poisson on [0, 1]^2 with exact solution u = sin(pi x) sin(pi y):
  loss = mean (Laplacian u - f)^2 over interior points + lambda * mean u^2 over boundary
  points (Appendix D.1.2, Figures 6, 7).

Along training the kernels are recorded at configured steps ("snapshots"; step t means
the parameters after t Adam updates, step 0 is the initialisation): the empirical NTK
matrix, its eigenvalues and condition number, and its relative change
|K_t - K_0|_F / |K_0|_F, next to the infinite-width NTK of the same architecture.

Kernels are computed without materialising the Jacobian where that would be large:

- value NTK (FNN, PINN K_uu): layer by layer. For a dense layer z = c_W h W + c_b b the
  parameters contribute (G G'^T) * (c_W^2 H H'^T + c_b^2), with H the layer's inputs and
  G = dN/dz its output gradients (obtained as gradients with respect to zero
  perturbations added to the pre-activations). This is exact and costs a few
  N x N x width products, so the depth-10 width-512 network (2.4M parameters) is cheap.
- residual NTK (PINN K_rr): Jacobian of the Laplacian with respect to the parameters,
  computed in chunks of points, then J J^T.

The Laplacian for training is propagated forward through the network (value, input
gradient and Laplacian of every layer, "Taylor mode"), about four forward passes, several
times faster than nested jvps; it equals :func:`finite_ntk.pinn.laplacian_fn`.

The infinite-width K_rr of a smooth activation is the mixed derivative
Laplacian_x Laplacian_x' Theta(x, x') of neural-tangents' ``kernel_fn``, taken with
nested jvps along the inputs (an entry (i, j) of ``kernel_fn(X1, X2)`` depends only on
x_i and x_j, so one jvp with the same tangent on every row differentiates every entry).
For ReLU it is not available (its kernel is not twice differentiable where x = x', and
the finite network's K_rr vanishes identically).

The networks are those of ``config['network']`` with the entries of
``config['training']['network']`` in their place (the paper config sets b_std = 0.1: with
b_std = 0 the biases never act and a 1D ReLU network is positively homogeneous, unable to
fit the sine target at any depth). Keys: ``job_key(root_seed, 'training', model=...,
activation=..., width=..., depth=...)`` for the initial parameters and
``job_key(root_seed, 'training', model='pinn', data='collocation')`` for the PINN points.

A non-finite loss stops training with :class:`NonFiniteLossError`, which names the run,
the architecture and the step; jobs write their netCDF only after training, via a
temporary file and a rename, so nothing partial is left and a re-run reproduces the file.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax
import xarray as xr

from .. import seeding
from ..io import provenance_attributes, write_netcdf_atomic
from ..models.networks import NetworkSpec, activation_layer, build_network
from ..models.pinn import residual_kernel_vanishes
from ..models.problems import poisson_exact, poisson_source, sine_target

Params = Any
Progress = Callable[[str], None]

EXPERIMENT = "training"


class NonFiniteLossError(RuntimeError):
    """The training loss became NaN or infinite."""


# --------------------------------------------------------------------------------------
# Network internals: the layers of build_network(spec) as (scale, params) pairs
# --------------------------------------------------------------------------------------


def _dense_scales(spec: NetworkSpec, n_in: int, readout: bool) -> tuple[float, float]:
    """(c_W, c_b) of z = c_W h W + c_b b for a stax Dense layer of ``spec``."""
    w_std = spec.W_std_readout if readout else spec.W_std
    if spec.parameterization == "ntk":
        return w_std / math.sqrt(n_in), (spec.b_std if spec.has_bias else 0.0)
    return 1.0, (1.0 if spec.has_bias else 0.0)


def _split_params(spec: NetworkSpec, params: Params) -> tuple[Any, Any, Any]:
    """(first dense (W, b), stacked hidden dense (W[l], b[l]) or None, readout (W, b))."""
    first = params[0][0]
    hidden = params[1][0] if spec.depth > 1 else None
    readout = params[-1]
    return first, hidden, readout


def _linear(layer: tuple[jax.Array, jax.Array | None], h: jax.Array, scales: tuple[float, float]) -> jax.Array:
    W, b = layer
    z = scales[0] * (h @ W)
    if b is not None and scales[1] != 0.0:
        z = z + scales[1] * b.reshape(1, -1)
    return z


def _activation(spec: NetworkSpec) -> Callable[[jax.Array], jax.Array]:
    apply = activation_layer(spec.activation)[1]
    return lambda z: apply((), z)


def _activation_derivatives(spec: NetworkSpec) -> Callable[[jax.Array], tuple[jax.Array, jax.Array, jax.Array]]:
    """z -> (sigma(z), sigma'(z), sigma''(z)), elementwise (nested jvps of the stax layer)."""
    sigma = _activation(spec)

    def first(z: jax.Array) -> tuple[jax.Array, jax.Array]:
        return jax.jvp(sigma, (z,), (jnp.ones_like(z),))

    def derivatives(z: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        (value, d1), (_, d2) = jax.jvp(first, (z,), (jnp.ones_like(z),))
        return value, d1, d2

    return derivatives


def _forward_with_taps(spec: NetworkSpec, params: Params, x: jax.Array, taps: tuple) -> tuple[jax.Array, tuple]:
    """Network output (N,) with ``taps`` added to every pre-activation; also returns the
    inputs of every dense layer (first, stacked hidden, readout)."""
    first, hidden, readout = _split_params(spec, params)
    sigma = _activation(spec)
    h = sigma(_linear(first, x, _dense_scales(spec, spec.n0, False)) + taps[0])
    hidden_inputs = None
    if hidden is not None:
        scales = _dense_scales(spec, spec.width, False)

        def layer(h_in: jax.Array, args: tuple) -> tuple[jax.Array, jax.Array]:
            W, b, tap = args
            return sigma(_linear((W, b), h_in, scales) + tap), h_in

        h, hidden_inputs = jax.lax.scan(layer, h, (hidden[0], hidden[1], taps[1]))
    out = _linear(readout, h, _dense_scales(spec, spec.width, True)) + taps[2]
    return out[:, 0], (x, hidden_inputs, h)


def _zero_taps(spec: NetworkSpec, n: int, dtype: Any) -> tuple:
    hidden = jnp.zeros((spec.depth - 1, n, spec.width), dtype) if spec.depth > 1 else None
    return (jnp.zeros((n, spec.width), dtype), hidden, jnp.zeros((n, 1), dtype))


def _layer_features(spec: NetworkSpec, params: Params, x: jax.Array) -> tuple[tuple, tuple]:
    """(inputs H, output gradients G) of every dense layer at the points ``x``."""
    taps = _zero_taps(spec, x.shape[0], x.dtype)
    out, vjp, inputs = jax.vjp(lambda t: _forward_with_taps(spec, params, x, t), taps, has_aux=True)
    (grads,) = vjp(jnp.ones_like(out))
    return inputs, grads


def value_ntk_matrix(spec: NetworkSpec, params: Params, x1: jax.Array, x2: jax.Array | None = None) -> jax.Array:
    """Empirical NTK K(x1, x2) = <dN(x1)/dtheta, dN(x2)/dtheta> of ``build_network(spec)``
    at ``params``, layer by layer (no Jacobian); ``x2=None`` means ``x2 = x1``."""
    h1, g1 = _layer_features(spec, params, x1)
    h2, g2 = (h1, g1) if x2 is None else _layer_features(spec, params, x2)
    cw, cb = _dense_scales(spec, spec.n0, False)
    kernel = (g1[0] @ g2[0].T) * (cw**2 * (h1[0] @ h2[0].T) + cb**2)
    if spec.depth > 1:
        cw, cb = _dense_scales(spec, spec.width, False)
        gg = jnp.einsum("lia,lja->lij", g1[1], g2[1])
        hh = jnp.einsum("lia,lja->lij", h1[1], h2[1])
        kernel = kernel + jnp.sum(gg * (cw**2 * hh + cb**2), axis=0)
    cw, cb = _dense_scales(spec, spec.width, True)
    kernel = kernel + (g1[2] @ g2[2].T) * (cw**2 * (h1[2] @ h2[2].T) + cb**2)
    return kernel


def value_and_laplacian(spec: NetworkSpec, params: Params, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    """u(x) and Laplacian_x u(x), both (N,), by forward propagation of value, input
    gradient and Laplacian through the layers."""
    first, hidden, readout = _split_params(spec, params)
    derivs = _activation_derivatives(spec)
    n, n0 = x.shape

    def activate(z: jax.Array, jz: jax.Array, lz: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        s0, s1, s2 = derivs(z)
        return s0, s1[:, None, :] * jz, s2 * jnp.sum(jz**2, axis=1) + s1 * lz

    cw, cb = _dense_scales(spec, n0, False)
    z = _linear(first, x, (cw, cb))
    jz = jnp.broadcast_to(cw * first[0][None, :, :], (n, n0, spec.width))
    h, jh, lh = activate(z, jz, jnp.zeros_like(z))
    if hidden is not None:
        cw, cb = _dense_scales(spec, spec.width, False)

        def layer(carry: tuple, args: tuple) -> tuple[tuple, None]:
            h, jh, lh = carry
            W, b = args
            return activate(_linear((W, b), h, (cw, cb)), cw * (jh @ W), cw * (lh @ W)), None

        (h, jh, lh), _ = jax.lax.scan(layer, (h, jh, lh), (hidden[0], hidden[1]))
    cw, cb = _dense_scales(spec, spec.width, True)
    u = _linear(readout, h, (cw, cb))[:, 0]
    lap = cw * (lh @ readout[0])[:, 0]
    return u, lap


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


def _laplacian_along_rows(fn: Callable[[jax.Array], jax.Array], x: jax.Array) -> jax.Array:
    """sum_k d^2/dt^2 fn(x + t e_k) at t = 0, with the same unit tangent e_k on every row
    of ``x`` (a vmap over k of a jvp of a jvp)."""

    def second(direction: jax.Array) -> jax.Array:
        tangent = jnp.broadcast_to(direction, x.shape)

        def first(y: jax.Array) -> jax.Array:
            return jax.jvp(fn, (y,), (tangent,))[1]

        return jax.jvp(first, (x,), (tangent,))[1]

    return jnp.sum(jax.vmap(second)(jnp.eye(x.shape[1], dtype=x.dtype)), axis=0)


def infinite_width_residual_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array | None = None) -> jax.Array:
    """Infinite-width K_rr(x1, x2) = Laplacian_x Laplacian_x' Theta(x, x') from
    neural-tangents' ``kernel_fn`` (smooth activations only)."""
    if spec.activation == "relu":
        raise ValueError("infinite-width K_rr: not available for relu (kernel not twice differentiable at x = x')")
    return _infinite_width_residual_ntk(spec, x1, x1 if x2 is None else x2)


def unrolled_kernel_fn(spec: NetworkSpec) -> Callable:
    """``kernel_fn`` of ``build_network(spec)`` with the hidden layers written out instead
    of ``stax.repeat`` (same kernel; nested derivatives of it trace and compile faster)."""
    from neural_tangents import stax

    def dense(out_dim: int, w_std: float) -> tuple:
        return stax.Dense(out_dim, W_std=w_std, b_std=spec.b_std, parameterization=spec.parameterization)

    layers = []
    for _ in range(spec.depth):
        layers += [dense(spec.width, spec.W_std), activation_layer(spec.activation)]
    layers.append(dense(1, spec.W_std_readout))
    return stax.serial(*layers)[2]


@partial(jax.jit, static_argnums=0)
def _infinite_width_residual_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array) -> jax.Array:
    kernel_fn = unrolled_kernel_fn(spec)
    return _laplacian_along_rows(lambda a: _laplacian_along_rows(lambda b: kernel_fn(a, b, "ntk"), x2), x1)


def infinite_width_value_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array | None = None) -> jax.Array:
    """Infinite-width NTK Theta(x1, x2) from neural-tangents' ``kernel_fn``."""
    return _infinite_width_value_ntk(spec, x1, x1 if x2 is None else x2)


@partial(jax.jit, static_argnums=0)
def _infinite_width_value_ntk(spec: NetworkSpec, x1: jax.Array, x2: jax.Array) -> jax.Array:
    _, _, kernel_fn = build_network(spec)
    return kernel_fn(x1, x2, "ntk")


# --------------------------------------------------------------------------------------
# Spectra and kernel comparisons
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
    k = np.asarray(matrix)
    eps = np.finfo(k.dtype).eps if np.issubdtype(k.dtype, np.floating) else np.finfo(np.float64).eps
    k = k.astype(np.float64)
    eig = np.linalg.eigvalsh(0.5 * (k + k.T))[::-1]
    if not eig[0] > 0:
        return Spectrum(eig, float("nan"), False)
    floor = eig[0] * k.shape[0] * eps
    return Spectrum(eig, float(eig[0] / max(eig[-1], floor)), bool(eig[-1] > floor))


def relative_distance(a: Any, b: Any) -> float:
    """|a - b|_F / |b|_F in float64."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


# --------------------------------------------------------------------------------------
# Adam training loop with snapshots
# --------------------------------------------------------------------------------------

LossFn = Callable[[Params], tuple[jax.Array, dict[str, jax.Array]]]


@dataclass
class TrainingTrace:
    """Loss (and its named parts) at every step 0..steps, and the snapshots by step."""

    loss: np.ndarray
    loss_parts: dict[str, np.ndarray]
    snapshots: dict[int, dict[str, Any]] = field(default_factory=dict)
    params: Params = None


def check_snapshot_steps(snapshot_steps: Sequence[int], steps: int, where: str) -> list[int]:
    """Sorted snapshot steps; they must contain 0 and ``steps`` and lie in [0, steps]."""
    chosen = sorted(set(int(s) for s in snapshot_steps))
    if not chosen or chosen[0] != 0 or chosen[-1] != steps or any(s < 0 or s > steps for s in chosen):
        raise ValueError(
            f"{where}: snapshot steps must lie in [0, {steps}] and include 0 and the last step {steps}; got {list(snapshot_steps)}"
        )
    return chosen


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
) -> TrainingTrace:
    """Full-batch Adam (optax) for ``steps`` updates.

    ``loss_fn(params) -> (loss, parts)``. Records the loss at every step t = 0..steps (the
    loss of the parameters after t updates), calls ``snapshot_fn`` at every snapshot step
    and logs a progress line every ``log_every`` steps. Raises :class:`NonFiniteLossError`
    naming ``label`` and the first step whose loss is NaN or infinite.
    """
    progress = progress or (lambda message: None)
    snapshot_steps = check_snapshot_steps(snapshot_steps, steps, label)
    optimizer = optax.adam(learning_rate)

    @jax.jit
    def update(params: Params, state: Any) -> tuple[Params, Any, jax.Array, dict[str, jax.Array]]:
        (loss, parts), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss, parts

    evaluate = jax.jit(loss_fn)
    state = optimizer.init(params)
    losses: list[np.ndarray] = []
    parts_log: dict[str, list[np.ndarray]] = {}
    pending: list[tuple[jax.Array, dict[str, jax.Array]]] = []
    snapshots: dict[int, dict[str, Any]] = {}

    def flush(first_step: int) -> None:
        if not pending:
            return
        values = np.asarray(jnp.stack([loss for loss, _ in pending]))
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            step = first_step + int(bad[0])
            raise NonFiniteLossError(
                f"{label}: training loss is {values[bad[0]]} at step {step}; training stopped, no output written"
            )
        losses.append(values)
        for name in pending[0][1]:
            parts_log.setdefault(name, []).append(np.asarray(jnp.stack([parts[name] for _, parts in pending])))
        pending.clear()

    boundaries = sorted(set(snapshot_steps) | set(range(0, steps, log_every)) | {steps})
    t = 0
    for boundary in boundaries:
        first = t
        while t < boundary:
            params, state, loss, parts = update(params, state)
            pending.append((loss, parts))
            t += 1
        flush(first)
        # The loss at this step itself (the update above reported the one before it).
        loss, parts = evaluate(params)
        if boundary == steps:
            pending.append((loss, parts))
            flush(steps)
        elif not np.isfinite(float(loss)):
            raise NonFiniteLossError(
                f"{label}: training loss is {float(loss)} at step {boundary}; training stopped, no output written"
            )
        snap = ""
        if boundary in snapshot_steps:
            snapshots[boundary] = snapshot_fn(params)
            scalars = {k: v for k, v in snapshots[boundary].items() if isinstance(v, float)}
            snap = " (snapshot" + "".join(f"; {k} {v:.4e}" for k, v in scalars.items()) + ")"
        extra = "".join(f" {name} {float(value):.4e}" for name, value in parts.items())
        progress(f"{label}: step {boundary}/{steps} loss {float(loss):.4e}{extra}{snap}")
    trace = TrainingTrace(
        loss=np.concatenate(losses),
        loss_parts={name: np.concatenate(values) for name, values in parts_log.items()},
        snapshots=snapshots,
        params=params,
    )
    return trace


# --------------------------------------------------------------------------------------
# Problems: data, losses, architectures from the config
# --------------------------------------------------------------------------------------


def network_spec(config: Mapping[str, Any], activation: str, width: int, depth: int, n0: int) -> NetworkSpec:
    """The network of one training job: ``config['network']`` with the entries of
    ``config['training']['network']`` (if any) in place of its own."""
    network = {**config["network"], **config["training"].get("network", {})}
    return NetworkSpec(
        width=width,
        depth=depth,
        activation=activation,
        n0=n0,
        parameterization=network["parameterization"],
        W_std=network["W_std"],
        W_std_readout=network["W_std_readout"],
        b_std=network["b_std"],
    )


def identity(model: str, activation: str, width: int, depth: int) -> str:
    return seeding.identity_string(EXPERIMENT, model=model, activation=activation, width=width, depth=depth)


def initial_params(config: Mapping[str, Any], model: str, spec: NetworkSpec) -> Params:
    """Initial parameters of a training job: ``job_key(root_seed, 'training', model=...,
    activation=..., width=..., depth=...)`` passed to the network's ``init_fn``. The
    Figure 8 job draws the FNN kernels at initialisation with the same keys, so they
    equal the step-0 snapshots of the training jobs."""
    key = seeding.job_key(
        config["root_seed"], EXPERIMENT, model=model, activation=spec.activation, width=spec.width, depth=spec.depth
    )
    init_fn, _, _ = build_network(spec)
    _, params = init_fn(key, (-1, spec.n0))
    return params


def architecture_label(config: Mapping[str, Any], model: str, spec: NetworkSpec) -> str:
    return f"run '{config['run']}', {model} {spec.activation} width {spec.width} depth {spec.depth}"


def fnn_training_points(n: int, dtype: Any) -> tuple[jax.Array, jax.Array]:
    """``n`` sorted points of linspace(-1, 1) (shape (n, 1)) and the sine target there."""
    x = jnp.linspace(-1.0, 1.0, n, dtype=dtype)[:, None]
    return x, sine_target(x)


def fnn_loss_fn(apply_fn: Callable, x: jax.Array, y: jax.Array) -> LossFn:
    """Mean squared error (1/n) sum (N(x_i) - y_i)^2 (Appendix D.1.1)."""

    def loss(params: Params) -> tuple[jax.Array, dict[str, jax.Array]]:
        return jnp.mean((apply_fn(params, x)[:, 0] - y) ** 2), {}

    return loss


@dataclass(frozen=True)
class PoissonData:
    """Collocation points of the Poisson PINN and the points its kernels are taken on."""

    interior: jax.Array
    boundary: jax.Array
    kernel_points: jax.Array
    test_x: jax.Array
    test_y: jax.Array

    @property
    def test_points(self) -> jax.Array:
        gx, gy = jnp.meshgrid(self.test_x, self.test_y)  # (ny, nx): row = y, column = x
        return jnp.stack([gx.ravel(), gy.ravel()], axis=-1)


def poisson_data(config: Mapping[str, Any], dtype: Any) -> PoissonData:
    """Interior points uniform in (0, 1)^2, boundary points uniform on each of the four
    sides (``n_boundary_per_side`` each), all drawn once from
    ``job_key(root_seed, 'training', model='pinn', data='collocation')`` and shared by every
    PINN job; kernel points: the cell centres of a regular ``kernel_grid`` = [nx, ny]
    grid of the interior (row-major, x fastest); test grid: ``test_grid`` points per axis
    on [0, 1] including the boundary."""
    pinn = config["training"]["pinn"]
    key = seeding.job_key(config["root_seed"], EXPERIMENT, model="pinn", data="collocation")
    k_interior, k_boundary = jax.random.split(key)
    interior = jax.random.uniform(k_interior, (pinn["n_interior"], 2), dtype=dtype)
    m = pinn["n_boundary_per_side"]
    t = jax.random.uniform(k_boundary, (4, m), dtype=dtype)
    zeros, ones = jnp.zeros(m, dtype), jnp.ones(m, dtype)
    boundary = jnp.concatenate(
        [
            jnp.stack([t[0], zeros], axis=1),  # y = 0
            jnp.stack([t[1], ones], axis=1),  # y = 1
            jnp.stack([zeros, t[2]], axis=1),  # x = 0
            jnp.stack([ones, t[3]], axis=1),  # x = 1
        ]
    )
    nx, ny = pinn["kernel_grid"]
    cx = (jnp.arange(nx, dtype=dtype) + 0.5) / nx
    cy = (jnp.arange(ny, dtype=dtype) + 0.5) / ny
    gx, gy = jnp.meshgrid(cx, cy)
    kernel_points = jnp.stack([gx.ravel(), gy.ravel()], axis=-1)
    grid = jnp.linspace(0.0, 1.0, pinn["test_grid"], dtype=dtype)
    return PoissonData(interior, boundary, kernel_points, grid, grid)


def pinn_loss_fn(spec: NetworkSpec, apply_fn: Callable, data: PoissonData, boundary_weight: float) -> LossFn:
    """mean (Laplacian u - f)^2 over the interior + lambda * mean u^2 over the boundary."""
    source = poisson_source(data.interior)
    laplacian_vanishes = residual_kernel_vanishes(spec.activation)

    def loss(params: Params) -> tuple[jax.Array, dict[str, jax.Array]]:
        if laplacian_vanishes:
            # ReLU: the Laplacian of the network is identically zero (value_and_laplacian
            # returns exact zeros), so the residual term is the constant mean f^2 and
            # carries no gradient; skipping its computation changes no number.
            residual = jnp.mean(source**2)
        else:
            residual = jnp.mean((value_and_laplacian(spec, params, data.interior)[1] - source) ** 2)
        boundary = jnp.mean(apply_fn(params, data.boundary)[:, 0] ** 2)
        return residual + boundary_weight * boundary, {"residual": residual, "boundary": boundary}

    return loss


def relative_l2_error(prediction: Any, exact: Any) -> float:
    """|u_pred - u|_2 / |u|_2 over the test grid."""
    return relative_distance(prediction, exact)


# --------------------------------------------------------------------------------------
# Jobs: one dataset per training run
# --------------------------------------------------------------------------------------

KERNEL_DESCRIPTIONS = {
    "ntk": "empirical NTK matrix K_t(x_i, x_j) at the snapshot step",
    "ntk_infinite": "infinite-width NTK of the same architecture (neural-tangents kernel_fn)",
    "ntk_uu": "empirical value NTK K_uu(x_i, x_j) = <du(x_i)/dtheta, du(x_j)/dtheta> on the kernel points",
    "ntk_rr": "empirical residual NTK K_rr(x_i, x_j) = <dr(x_i)/dtheta, dr(x_j)/dtheta>, r = Laplacian u, on the kernel points",
    "ntk_uu_infinite": "infinite-width K_uu (neural-tangents kernel_fn) on the kernel points",
    "ntk_rr_infinite": "infinite-width K_rr = Laplacian_x Laplacian_x' of kernel_fn, on the kernel points",
}
SPECTRUM_NOTE = (
    "eigenvalues in float64 of the stored matrix, descending; condition number lambda_max / lambda_min, "
    "with lambda_min floored at N * eps * lambda_max (eps of the run's precision) where it is at round-off "
    "(then *_resolved = 0 and the value is a lower bound)"
)


def _spectrum_variables(name: str, spectra: list[Spectrum], dims: tuple[str, ...]) -> dict[str, Any]:
    """eigenvalues_<name> (step, eig), condition_number_<name> (step), *_resolved."""
    suffix = f"_{name}" if name else ""
    return {
        f"eigenvalues{suffix}": ((*dims, "eig"), np.stack([s.eigenvalues for s in spectra]), {"description": SPECTRUM_NOTE}),
        f"condition_number{suffix}": (dims, np.array([s.condition_number for s in spectra]), {"description": SPECTRUM_NOTE}),
        f"condition_number{suffix}_resolved": (
            dims,
            np.array([s.resolved for s in spectra], dtype=np.int8),
            {"description": "1 where lambda_min is above round-off, 0 where the condition number is a lower bound"},
        ),
    }


def _change_from_start(name: str, kernels: np.ndarray) -> dict[str, Any]:
    """relative_change<_name>: |K_t - K_0|_F / |K_0|_F over the snapshot steps."""
    suffix = f"_{name}" if name else ""
    change = np.array([relative_distance(k, kernels[0]) for k in kernels])
    return {f"relative_change{suffix}": (("step",), change, {"description": "|K_t - K_0|_F / |K_0|_F"})}


def _distance_to_infinite(name: str, kernels: np.ndarray, infinite: np.ndarray) -> dict[str, Any]:
    """relative_distance<_name>_infinite: |K_t - K_inf|_F / |K_inf|_F over the snapshot steps."""
    suffix = f"_{name}" if name else ""
    distance = np.array([relative_distance(k, infinite) for k in kernels])
    return {f"relative_distance{suffix}_infinite": (("step",), distance, {"description": "|K_t - K_inf|_F / |K_inf|_F"})}


def _common_attrs(config: Mapping[str, Any], model: str, spec: NetworkSpec) -> dict[str, Any]:
    return {
        "run": config["run"],
        "model": model,
        **spec.attributes(),
        "precision": config["precision"],
        "root_seed": config["root_seed"],
        "identity": identity(model, spec.activation, spec.width, spec.depth),
        "seeding_rule": "init_fn(fold_in(key(root_seed, rbg), sha256(identity)[:4]))",
        "optimizer": "optax.adam, full batch, default b1=0.9 b2=0.999 eps=1e-8",
        "step_convention": "step t = parameters after t Adam updates; step 0 = initialisation",
    }


def _to_numpy(x: Any) -> np.ndarray:
    return np.asarray(jax.device_get(x))


def fnn_training_dataset(
    config: Mapping[str, Any], width: int, depth: int, progress: Progress | None = None
) -> xr.Dataset:
    """Train the FNN of (width, depth) on the sine target; kernels at the snapshot steps."""
    cfg = config["training"]["fnn"]
    activation = cfg["activation"]
    dtype = jnp.result_type(float)
    spec = network_spec(config, activation, width, depth, n0=1)
    label = architecture_label(config, "fnn", spec)
    _, apply_fn, _ = build_network(spec)
    x, y = fnn_training_points(cfg["n_train"], dtype)
    x_test = jnp.linspace(-1.0, 1.0, cfg["n_test"], dtype=dtype)[:, None]
    kernel = jax.jit(lambda p: value_ntk_matrix(spec, p, x))
    predict = jax.jit(lambda p: apply_fn(p, x_test)[:, 0])

    def snapshot(params: Params) -> dict[str, Any]:
        return {"ntk": _to_numpy(kernel(params)), "prediction": _to_numpy(predict(params))}

    params = initial_params(config, "fnn", spec)
    k_inf = _to_numpy(infinite_width_value_ntk(spec, x))
    trace = train_adam(
        fnn_loss_fn(apply_fn, x, y),
        params,
        float(cfg["learning_rate"]),
        int(cfg["epochs"]),
        cfg["snapshot_steps"],
        snapshot,
        label,
        progress,
        int(config["training"]["log_every"]),
    )
    steps = sorted(trace.snapshots)
    ntk = np.stack([trace.snapshots[s]["ntk"] for s in steps])
    spectra = [spectrum(k) for k in ntk]
    spectrum_inf = spectrum(k_inf)
    data_vars = {
        "ntk": (("step", "i", "j"), ntk, {"description": KERNEL_DESCRIPTIONS["ntk"]}),
        "ntk_infinite": (("i", "j"), k_inf, {"description": KERNEL_DESCRIPTIONS["ntk_infinite"]}),
        **_spectrum_variables("", spectra, ("step",)),
        "eigenvalues_infinite": (("eig",), spectrum_inf.eigenvalues, {"description": SPECTRUM_NOTE}),
        **_change_from_start("", ntk),
        **_distance_to_infinite("", ntk, k_inf),
        "target_train": (("i",), _to_numpy(y), {"description": "sine target at the training points x"}),
        "prediction": (
            ("step", "x_test"),
            np.stack([trace.snapshots[s]["prediction"] for s in steps]),
            {"description": "network output on the test grid at the snapshot step"},
        ),
        "target": (("x_test",), _to_numpy(sine_target(x_test)), {"description": "sine target on the test grid"}),
        "loss": (("train_step",), trace.loss, {"description": "training MSE at every step 0..epochs"}),
        "loss_at_snapshot": (("step",), trace.loss[steps], {"description": "training MSE at the snapshot step"}),
    }
    coords = {
        "step": np.array(steps),
        "i": np.arange(x.shape[0]),
        "j": np.arange(x.shape[0]),
        "eig": np.arange(x.shape[0]),
        "x": (("i",), _to_numpy(x[:, 0]), {"description": "training input x_i (sorted)"}),
        "x_test": _to_numpy(x_test[:, 0]),
        "train_step": np.arange(trace.loss.shape[0]),
    }
    attrs = {
        **_common_attrs(config, "fnn", spec),
        "problem": "sine target sin(3 pi x) + 0.8 sin(11 pi x) on [-1, 1]",
        "loss_function": "MSE (1/n) sum (N(x_i) - y_i)^2",
        "learning_rate": float(cfg["learning_rate"]),
        "epochs": int(cfg["epochs"]),
        "n_train": int(cfg["n_train"]),
        "condition_number_infinite": spectrum_inf.condition_number,
        "condition_number_infinite_resolved": int(spectrum_inf.resolved),
        "final_loss": float(trace.loss[-1]),
        "initial_loss": float(trace.loss[0]),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def pinn_schedule(pinn: Mapping[str, Any], activation: str) -> tuple[int, list[int]]:
    """(steps, snapshot steps) of the PINN of ``activation``: ``steps`` and
    ``snapshot_steps`` of ``training.pinn``, unless ``steps_by_activation`` gives this
    activation fewer steps; its snapshots are then those below its last step, plus the last."""
    steps = int(pinn.get("steps_by_activation", {}).get(activation, pinn["steps"]))
    snapshots = sorted({int(s) for s in pinn["snapshot_steps"] if int(s) < steps} | {steps})
    return steps, snapshots


RR_UNAVAILABLE_NOTE = (
    "not available for relu: the finite network's K_rr vanishes identically (zero second derivative) "
    "and the infinite-width ReLU kernel is not twice differentiable at x = x'"
)


def pinn_training_dataset(
    config: Mapping[str, Any], activation: str, width: int, depth: int, progress: Progress | None = None
) -> xr.Dataset:
    """Train the Poisson PINN of (activation, width, depth); K_uu and K_rr at the
    snapshot steps, the relative L2 error on the test grid, the loss and its parts."""
    cfg = config["training"]["pinn"]
    steps, snapshot_steps = pinn_schedule(cfg, activation)
    dtype = jnp.result_type(float)
    spec = network_spec(config, activation, width, depth, n0=2)
    label = architecture_label(config, "pinn", spec)
    _, apply_fn, _ = build_network(spec)
    data = poisson_data(config, dtype)
    test_points = data.test_points
    exact = _to_numpy(poisson_exact(test_points))
    shape = (data.test_y.shape[0], data.test_x.shape[0])
    k_uu_fn = jax.jit(lambda p: value_ntk_matrix(spec, p, data.kernel_points))
    predict = jax.jit(lambda p: apply_fn(p, test_points)[:, 0])
    chunk = int(cfg.get("kernel_chunk", 50))

    def snapshot(params: Params) -> dict[str, Any]:
        prediction = _to_numpy(predict(params))
        return {
            "ntk_uu": _to_numpy(k_uu_fn(params)),
            "ntk_rr": _to_numpy(residual_ntk_matrix(spec, params, data.kernel_points, chunk)),
            "prediction": prediction.reshape(shape),
            "relative_l2_error": relative_l2_error(prediction, exact),
        }

    params = initial_params(config, "pinn", spec)
    k_uu_inf = _to_numpy(infinite_width_value_ntk(spec, data.kernel_points))
    rr_infinite_available = activation != "relu"
    k_rr_inf = _to_numpy(infinite_width_residual_ntk(spec, data.kernel_points)) if rr_infinite_available else None
    trace = train_adam(
        pinn_loss_fn(spec, apply_fn, data, float(cfg["boundary_weight"])),
        params,
        float(cfg["learning_rate"]),
        steps,
        snapshot_steps,
        snapshot,
        label,
        progress,
        int(config["training"]["log_every"]),
    )
    taken = sorted(trace.snapshots)
    k_uu = np.stack([trace.snapshots[s]["ntk_uu"] for s in taken])
    k_rr = np.stack([trace.snapshots[s]["ntk_rr"] for s in taken])
    rr_vanishes = not bool(np.any(k_rr))
    error = np.array([trace.snapshots[s]["relative_l2_error"] for s in taken])
    data_vars: dict[str, Any] = {
        "ntk_uu": (("step", "i", "j"), k_uu, {"description": KERNEL_DESCRIPTIONS["ntk_uu"]}),
        "ntk_rr": (("step", "i", "j"), k_rr, {"description": KERNEL_DESCRIPTIONS["ntk_rr"]}),
        "ntk_uu_infinite": (("i", "j"), k_uu_inf, {"description": KERNEL_DESCRIPTIONS["ntk_uu_infinite"]}),
        **_spectrum_variables("uu", [spectrum(k) for k in k_uu], ("step",)),
        "eigenvalues_uu_infinite": (("eig",), spectrum(k_uu_inf).eigenvalues, {"description": SPECTRUM_NOTE}),
        **_change_from_start("uu", k_uu),
        **_distance_to_infinite("uu", k_uu, k_uu_inf),
        "prediction": (
            ("step", "y_test", "x_test"),
            np.stack([trace.snapshots[s]["prediction"] for s in taken]),
            {"description": "PINN output u on the test grid at the snapshot step"},
        ),
        "exact": (("y_test", "x_test"), exact.reshape(shape), {"description": "exact solution sin(pi x) sin(pi y)"}),
        "relative_l2_error": (("step",), error, {"description": "|u_pred - u|_2 / |u|_2 on the test grid"}),
        "loss": (("train_step",), trace.loss, {"description": "total loss: residual + boundary_weight * boundary"}),
        "loss_residual": (("train_step",), trace.loss_parts["residual"], {"description": "mean (Laplacian u - f)^2 over interior points"}),
        "loss_boundary": (("train_step",), trace.loss_parts["boundary"], {"description": "mean u^2 over boundary points"}),
        "loss_at_snapshot": (("step",), trace.loss[taken], {"description": "total loss at the snapshot step"}),
    }
    if not rr_vanishes:
        data_vars.update(_spectrum_variables("rr", [spectrum(k) for k in k_rr], ("step",)))
        data_vars.update(_change_from_start("rr", k_rr))
    if k_rr_inf is not None:
        data_vars["ntk_rr_infinite"] = (("i", "j"), k_rr_inf, {"description": KERNEL_DESCRIPTIONS["ntk_rr_infinite"]})
        data_vars["eigenvalues_rr_infinite"] = (("eig",), spectrum(k_rr_inf).eigenvalues, {"description": SPECTRUM_NOTE})
        if not rr_vanishes:
            data_vars.update(_distance_to_infinite("rr", k_rr, k_rr_inf))
    n = data.kernel_points.shape[0]
    coords = {
        "step": np.array(taken),
        "i": np.arange(n),
        "j": np.arange(n),
        "eig": np.arange(n),
        "coordinate": ["x", "y"],
        "kernel_points": (("i", "coordinate"), _to_numpy(data.kernel_points), {"description": "points of the kernel matrices"}),
        "x_test": _to_numpy(data.test_x),
        "y_test": _to_numpy(data.test_y),
        "train_step": np.arange(trace.loss.shape[0]),
    }
    nx, ny = cfg["kernel_grid"]
    attrs = {
        **_common_attrs(config, "pinn", spec),
        "problem": "Poisson Laplacian u = f on [0, 1]^2, f = -2 pi^2 sin(pi x) sin(pi y), u = 0 on the boundary",
        "loss_function": "mean (Laplacian u - f)^2 (interior) + boundary_weight * mean u^2 (boundary)",
        "boundary_weight": float(cfg["boundary_weight"]),
        "learning_rate": float(cfg["learning_rate"]),
        "steps": steps,
        "n_interior": int(cfg["n_interior"]),
        "n_boundary": 4 * int(cfg["n_boundary_per_side"]),
        "collocation_identity": seeding.identity_string(EXPERIMENT, model="pinn", data="collocation"),
        "kernel_points_rule": (
            f"cell centres of a regular {nx} x {ny} grid of [0, 1]^2 (x fastest), N = {n}; "
            "K_uu and K_rr are both taken on these interior points"
        ),
        "ntk_rr_vanishes": int(rr_vanishes),
        "ntk_rr_infinite_available": int(rr_infinite_available),
        "ntk_rr_infinite_note": "Laplacian_x Laplacian_x' of kernel_fn by nested jvps" if rr_infinite_available else RR_UNAVAILABLE_NOTE,
        "initial_relative_l2_error": float(error[0]),
        "final_relative_l2_error": float(error[-1]),
        "final_loss": float(trace.loss[-1]),
        "initial_loss": float(trace.loss[0]),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def init_kernels_dataset(config: Mapping[str, Any], progress: Progress | None = None) -> xr.Dataset:
    """Figure 8: FNN NTK matrices at initialisation on the training points for every
    (width, depth) of ``training.init_kernels``, with the infinite-width NTK of each depth.
    Same keys as the training jobs, so an architecture that is also trained has the same
    kernel as its step-0 snapshot."""
    progress = progress or (lambda message: None)
    cfg = config["training"]
    activation = cfg["fnn"]["activation"]
    dtype = jnp.result_type(float)
    x, _ = fnn_training_points(cfg["fnn"]["n_train"], dtype)
    widths = [int(w) for w in cfg["init_kernels"]["widths"]]
    depths = [int(d) for d in cfg["init_kernels"]["depths"]]
    ntk = np.zeros((len(depths), len(widths), x.shape[0], x.shape[0]), dtype=np.dtype(dtype))
    ntk_inf = np.zeros((len(depths), x.shape[0], x.shape[0]), dtype=np.dtype(dtype))
    for a, depth in enumerate(depths):
        for b, width in enumerate(widths):
            spec = network_spec(config, activation, width, depth, n0=1)
            ntk[a, b] = _to_numpy(value_ntk_matrix(spec, initial_params(config, "fnn", spec), x))
            progress(f"{architecture_label(config, 'fnn', spec)}: NTK at initialisation")
        ntk_inf[a] = _to_numpy(infinite_width_value_ntk(network_spec(config, activation, widths[0], depth, n0=1), x))
    beta = np.array([[d / w for w in widths] for d in depths])
    relative = np.array(
        [[relative_distance(ntk[a, b], ntk_inf[a]) for b in range(len(widths))] for a in range(len(depths))]
    )
    network = {**config["network"], **cfg.get("network", {})}
    return xr.Dataset(
        {
            "ntk": (("depth", "width", "i", "j"), ntk, {"description": "empirical NTK at initialisation"}),
            "ntk_infinite": (("depth", "i", "j"), ntk_inf, {"description": KERNEL_DESCRIPTIONS["ntk_infinite"]}),
            "beta": (("depth", "width"), beta, {"description": "depth / width"}),
            "relative_distance_infinite": (("depth", "width"), relative, {"description": "|K_0 - K_inf|_F / |K_inf|_F"}),
        },
        coords={
            "depth": depths,
            "width": widths,
            "i": np.arange(x.shape[0]),
            "j": np.arange(x.shape[0]),
            "x": (("i",), _to_numpy(x[:, 0]), {"description": "training input x_i (sorted)"}),
        },
        attrs={
            "run": config["run"],
            "model": "fnn",
            "activation": activation,
            "n0": 1,
            "parameterization": network["parameterization"],
            "W_std": network["W_std"],
            "W_std_readout": network["W_std_readout"],
            "b_std": network["b_std"],
            "precision": config["precision"],
            "root_seed": config["root_seed"],
            "seeding_rule": "init_fn(job_key(root_seed, 'training', model='fnn', activation, width, depth)), as the training jobs",
        },
    )


def check_training_config(config: Mapping[str, Any]) -> None:
    """Consistency checks the schema cannot express; raises ValueError naming the field."""
    training = config["training"]
    fnn, pinn = training["fnn"], training["pinn"]
    check_snapshot_steps(fnn["snapshot_steps"], int(fnn["epochs"]), "config field 'training.fnn.snapshot_steps'")
    check_snapshot_steps(pinn["snapshot_steps"], int(pinn["steps"]), "config field 'training.pinn.snapshot_steps'")
    for activation, steps in pinn.get("steps_by_activation", {}).items():
        if activation not in pinn["activations"] or int(steps) > int(pinn["steps"]):
            raise ValueError(
                f"config field 'training.pinn.steps_by_activation.{activation}': must name one of "
                f"training.pinn.activations {list(pinn['activations'])} and be at most training.pinn.steps ({pinn['steps']})"
            )
    architectures = [list(a) for a in fnn["architectures"]]
    for name, architecture in fnn["figures"].items():
        if list(architecture) not in architectures:
            raise ValueError(
                f"config field 'training.fnn.figures.{name}': {list(architecture)} is not one of "
                f"training.fnn.architectures {architectures}"
            )
    figure = pinn["figure"]
    if figure["activation"] not in pinn["activations"]:
        raise ValueError(
            f"config field 'training.pinn.figure.activation': {figure['activation']!r} is not one of "
            f"training.pinn.activations {list(pinn['activations'])}"
        )
    if list(figure["architecture"]) not in [list(a) for a in pinn["architectures"]]:
        raise ValueError(
            f"config field 'training.pinn.figure.architecture': {list(figure['architecture'])} is not one of "
            f"training.pinn.architectures {[list(a) for a in pinn['architectures']]}"
        )


# --------------------------------------------------------------------------------------
# Job entry points (workflow/scripts/*.py): build the dataset, then write it atomically
# --------------------------------------------------------------------------------------


def _write(dataset: xr.Dataset, path: str | os.PathLike) -> xr.Dataset:
    write_netcdf_atomic(dataset, path, attrs=provenance_attributes())
    return dataset


def write_fnn_training(
    config: Mapping[str, Any], width: int, depth: int, path: str | os.PathLike, progress: Progress | None = None
) -> xr.Dataset:
    """Train and write ``fnn_w<width>_d<depth>.nc``. Training runs to the end before the
    file is written (via a temporary file and a rename), so a failed or killed job leaves
    no file and a non-finite loss raises :class:`NonFiniteLossError` with none written."""
    return _write(fnn_training_dataset(config, width, depth, progress), path)


def write_pinn_training(
    config: Mapping[str, Any], activation: str, width: int, depth: int, path: str | os.PathLike,
    progress: Progress | None = None,
) -> xr.Dataset:
    """Train and write ``pinn_<activation>_w<width>_d<depth>.nc`` (as :func:`write_fnn_training`)."""
    return _write(pinn_training_dataset(config, activation, width, depth, progress), path)


def write_init_kernels(config: Mapping[str, Any], path: str | os.PathLike, progress: Progress | None = None) -> xr.Dataset:
    """Compute and write the Figure 8 kernels at initialisation."""
    return _write(init_kernels_dataset(config, progress), path)
