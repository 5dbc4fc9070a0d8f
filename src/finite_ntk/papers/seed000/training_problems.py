"""The two training problems: the FNN's sine-target points and MSE loss (Appendix D.1.1),
and the Poisson PINN's collocation, kernel and test points and its loss (Appendix
D.1.2). The targets themselves are in :mod:`finite_ntk.models.problems`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import jax
import jax.numpy as jnp

import finite_ntk.seeding as seeding
from finite_ntk.models.networks import NetworkSpec
from finite_ntk.models.pinn import residual_kernel_vanishes
from finite_ntk.models.problems import poisson_source, sine_target
from finite_ntk.papers.seed000.training_setup import EXPERIMENT
from finite_ntk.stats import relative_frobenius_distance
from finite_ntk.training.adam import LossFn
from finite_ntk.training.forward import value_and_laplacian

Params = Any

# Identity fields of the PINN collocation points, shared by every PINN job.
COLLOCATION_FIELDS: dict[str, str] = {"model": "pinn", "data": "collocation"}


# The FNN's input interval (Appendix D.1.1): its training points and its test grid span it.
FNN_INTERVAL: tuple[float, float] = (-1.0, 1.0)


def fnn_interval_points(n: int, dtype: Any) -> jax.Array:
    """``n`` evenly spaced points of :data:`FNN_INTERVAL`, both ends included, as an (n, 1)
    column: the one place the FNN's inputs are laid out (training points and test grid)."""
    return jnp.linspace(FNN_INTERVAL[0], FNN_INTERVAL[1], n, dtype=dtype)[:, None]


def fnn_training_points(n: int, dtype: Any) -> tuple[jax.Array, jax.Array]:
    """``n`` sorted points of linspace(-1, 1) (shape (n, 1), :func:`fnn_interval_points`) and
    the sine target there."""
    x = fnn_interval_points(n, dtype)
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


def collocation_identity() -> str:
    """``training/model=pinn/data=collocation``."""
    return seeding.identity_string(EXPERIMENT, **COLLOCATION_FIELDS)


def poisson_data(config: Mapping[str, Any], dtype: Any) -> PoissonData:
    """Interior points uniform in (0, 1)^2, boundary points uniform on each of the four
    sides (``n_boundary_per_side`` each), all drawn once from
    ``job_key(root_seed, 'training', model='pinn', data='collocation')`` and shared by every
    PINN job; kernel points: the cell centres of a regular ``kernel_grid`` = [nx, ny]
    grid of the interior (row-major, x fastest); test grid: ``test_grid`` points per axis
    on [0, 1] including the boundary."""
    pinn = config["training"]["pinn"]
    key = seeding.job_key(config["root_seed"], EXPERIMENT, **COLLOCATION_FIELDS)
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
    return relative_frobenius_distance(prediction, exact)
