"""Fully connected networks of the report, built on neural-tangents ``stax``.

A network has ``depth`` hidden layers of ``width`` units, an input of dimension ``n0`` and
a scalar linear readout. The hidden stack after the first layer is a ``stax.repeat`` (a
``lax.scan``), so compile time does not grow with depth while every layer keeps its own
weights.

All functions here share one calling convention, that of neural-tangents:
``init_fn(key, input_shape) -> (output_shape, params)``,
``apply_fn(params, x) -> y`` with ``x`` of shape ``(batch, n0)`` and ``y`` of shape
``(batch, 1)``, and ``kernel_fn(x1, x2, 'ntk')`` for the infinite-width kernels.
"""

from __future__ import annotations

import warnings
from typing import Callable

import jax.numpy as jnp
import neural_tangents as nt
from neural_tangents import stax

from finite_ntk.models.spec import ACTIVATIONS, NetworkSpec, check_positive_int

# Gauss-Hermite nodes per axis of the infinite-width tanh kernel (neural-tangents 0.6.5 has
# no closed form for tanh: stax.ElementwiseNumerical). Its NTK agrees with
# finite_ntk.mean_field's to 1.1e-5 (relative to the diagonal; 2e-4 at 50 nodes, 9e-7 at
# 100) for pre-activation variances q <= 2 (W_std^2 = 2, |x|^2 / n0 <= 1: every input of the
# workflow), depths 1 to 10; the error grows with q (2e-2 at q = 8). Time and memory go as
# nodes^2 N^2 per layer: 2.9 GB for the 200 points of the FNN training kernel (4.9 GB at 100).
# An input with q = 0 in the first layer (x = 0 without bias) gives NaN there.
TANH_QUADRATURE_DEGREE = 75


def _tanh_derivative(x):
    return 1 - jnp.tanh(x) ** 2


def activation_layer(activation: str) -> tuple[Callable, Callable, Callable]:
    """The stax layer of an activation name: relu, gelu (exact x Phi(x)), sigmoid
    (Sigmoid_like: 1/2 erf(x / 2.402) + 1/2), tanh (jnp.tanh; its kernel by quadrature,
    ``TANH_QUADRATURE_DEGREE``) or erf (plain erf(x))."""
    if activation == "relu":
        return stax.Relu()
    if activation == "gelu":
        return stax.Gelu(approximate=False)
    if activation == "sigmoid":
        return stax.Sigmoid_like()
    if activation == "tanh":
        with warnings.catch_warnings():  # "numerical error is controlled by deg": checked above
            warnings.filterwarnings("ignore", message="Numerical Activation Layer")
            return stax.ElementwiseNumerical(jnp.tanh, TANH_QUADRATURE_DEGREE, df=_tanh_derivative)
    if activation == "erf":
        return stax.Erf()
    raise ValueError(f"activation: {activation!r} is not supported; allowed: {', '.join(ACTIVATIONS)}")


def _dense(spec: NetworkSpec, out_dim: int, W_std: float) -> tuple[Callable, Callable, Callable]:
    return stax.Dense(out_dim, W_std=W_std, b_std=spec.b_std, parameterization=spec.parameterization)


def build_network(spec: NetworkSpec, outputs: int = 1) -> tuple[Callable, Callable, Callable]:
    """``(init_fn, apply_fn, kernel_fn)`` of the network described by ``spec``.

    Layout: Dense(width) -> act -> repeat(Dense(width) -> act, depth - 1) -> Dense(outputs).
    ``outputs`` is 1 (the scalar readout) everywhere but seed 001's training, which reads
    out one value per class (``apply_fn`` then returns ``(batch, outputs)``); its readout
    draws every column like the scalar one (``W_std_readout``, ``b_std``).
    """
    check_positive_int("outputs", outputs)
    hidden = stax.serial(_dense(spec, spec.width, spec.W_std), activation_layer(spec.activation))
    layers = [hidden]
    if spec.depth > 1:
        block = stax.serial(_dense(spec, spec.width, spec.W_std), activation_layer(spec.activation))
        layers.append(stax.repeat(block, spec.depth - 1))
    layers.append(_dense(spec, outputs, spec.W_std_readout))
    return stax.serial(*layers)


def infinite_width_ntk_fn(spec: NetworkSpec) -> Callable:
    """``k(x1, x2) -> (N1, N2)`` infinite-width NTK of the architecture (``kernel_fn``)."""
    _, _, kernel_fn = build_network(spec)

    def ntk(x1, x2):
        return kernel_fn(x1, x2, "ntk")

    return ntk


def empirical_ntk_matrix_fn(spec: NetworkSpec, implementation: int | None = None) -> Callable:
    """``k(x1, x2, params) -> (N1, N2)`` empirical NTK via neural-tangents.

    Uses the Jacobian-contraction implementation by default: on neural-tangents 0.6.5 with
    jax 0.5.3 the structured-derivatives one fails.
    """
    _, apply_fn, _ = build_network(spec)
    if implementation is None:
        implementation = nt.NtkImplementation.JACOBIAN_CONTRACTION
    fn = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=implementation)

    def ntk(x1, x2, params):
        return fn(x1, x2, params)

    return ntk
