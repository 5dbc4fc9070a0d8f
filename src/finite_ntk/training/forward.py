"""A hand-written forward pass of ``build_network(spec)`` for the training kernels: the
output with "taps" on every pre-activation (for the layer-wise NTK), and the value with
its input Laplacian propagated through the layers ("Taylor mode")."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp

from finite_ntk.models.networks import NetworkSpec, activation_layer
from finite_ntk.models.scales import dense_scales

Params = Any
Scales = tuple[float, float]  # (c_W, c_b) of z = c_W h W + c_b b


class LayerScales(NamedTuple):
    """(c_W, c_b) of the first, every hidden and the readout Dense layer of ``spec``."""

    first: Scales
    hidden: Scales
    readout: Scales


def layer_scales(spec: NetworkSpec) -> LayerScales:
    """The scales of every Dense layer (``models.scales``; c_b = 0 where there is no bias)."""

    def scales(fan_in: int, W_std: float) -> Scales:
        rule = dense_scales(spec.parameterization, spec.b_std, fan_in, W_std)
        return rule.c, (rule.beta if spec.has_bias else 0.0)

    return LayerScales(
        scales(spec.n0, spec.W_std), scales(spec.width, spec.W_std), scales(spec.width, spec.W_std_readout)
    )


def split_params(spec: NetworkSpec, params: Params) -> tuple[Any, Any, Any]:
    """(first dense (W, b), stacked hidden dense (W[l], b[l]) or None, readout (W, b))."""
    first = params[0][0]
    hidden = params[1][0] if spec.depth > 1 else None
    readout = params[-1]
    return first, hidden, readout


def linear(layer: tuple[jax.Array, jax.Array | None], h: jax.Array, scales: Scales) -> jax.Array:
    """z = c_W h W + c_b b of one Dense layer ``(W, b)`` on the rows of ``h``."""
    W, b = layer
    z = scales[0] * (h @ W)
    if b is not None and scales[1] != 0.0:
        z = z + scales[1] * b.reshape(1, -1)
    return z


def activation_fn(spec: NetworkSpec) -> Callable[[jax.Array], jax.Array]:
    """The stax activation of ``spec`` as an elementwise function."""
    apply = activation_layer(spec.activation)[1]
    return lambda z: apply((), z)


def activation_derivatives(spec: NetworkSpec) -> Callable[[jax.Array], tuple[jax.Array, jax.Array, jax.Array]]:
    """z -> (sigma(z), sigma'(z), sigma''(z)), elementwise (nested jvps of the stax layer;
    the closed forms of ``samplers.matrix_free`` agree to round-off, not bit for bit)."""
    sigma = activation_fn(spec)

    def first(z: jax.Array) -> tuple[jax.Array, jax.Array]:
        return jax.jvp(sigma, (z,), (jnp.ones_like(z),))

    def derivatives(z: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        (value, d1), (_, d2) = jax.jvp(first, (z,), (jnp.ones_like(z),))
        return value, d1, d2

    return derivatives


def zero_taps(spec: NetworkSpec, n: int, dtype: Any) -> tuple:
    """Zero perturbations of the pre-activations of ``n`` points (first, hidden, readout)."""
    hidden = jnp.zeros((spec.depth - 1, n, spec.width), dtype) if spec.depth > 1 else None
    return (jnp.zeros((n, spec.width), dtype), hidden, jnp.zeros((n, 1), dtype))


def forward_with_taps(spec: NetworkSpec, params: Params, x: jax.Array, taps: tuple) -> tuple[jax.Array, tuple]:
    """Network output (N,) with ``taps`` added to every pre-activation; also returns the
    inputs of every dense layer (first, stacked hidden, readout)."""
    out, inputs = forward_outputs_with_taps(spec, params, x, taps)
    return out[:, 0], inputs


def forward_outputs_with_taps(spec: NetworkSpec, params: Params, x: jax.Array, taps: tuple) -> tuple[jax.Array, tuple]:
    """:func:`forward_with_taps` for a readout of any number K of outputs: outputs (N, K),
    ``taps[2]`` of shape (N, K)."""
    first, hidden, readout = split_params(spec, params)
    scales = layer_scales(spec)
    sigma = activation_fn(spec)
    h = sigma(linear(first, x, scales.first) + taps[0])
    hidden_inputs = None
    if hidden is not None:

        def layer(h_in: jax.Array, args: tuple) -> tuple[jax.Array, jax.Array]:
            W, b, tap = args
            return sigma(linear((W, b), h_in, scales.hidden) + tap), h_in

        h, hidden_inputs = jax.lax.scan(layer, h, (hidden[0], hidden[1], taps[1]))
    return linear(readout, h, scales.readout) + taps[2], (x, hidden_inputs, h)


def layer_features(spec: NetworkSpec, params: Params, x: jax.Array) -> tuple[tuple, tuple]:
    """(inputs H, output gradients G = dN/dz) of every dense layer at the points ``x``:
    G as the gradients with respect to zero taps on the pre-activations."""
    taps = zero_taps(spec, x.shape[0], x.dtype)
    out, vjp, inputs = jax.vjp(lambda t: forward_with_taps(spec, params, x, t), taps, has_aux=True)
    (grads,) = vjp(jnp.ones_like(out))
    return inputs, grads


def value_and_laplacian(spec: NetworkSpec, params: Params, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    """u(x) and Laplacian_x u(x), both (N,), by forward propagation of value, input
    gradient and Laplacian through the layers (it equals :func:`finite_ntk.models.pinn.laplacian_fn`,
    in about four forward passes, several times faster than nested jvps)."""
    first, hidden, readout = split_params(spec, params)
    scales = layer_scales(spec)
    derivs = activation_derivatives(spec)
    n, n0 = x.shape

    def activate(z: jax.Array, jz: jax.Array, lz: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        s0, s1, s2 = derivs(z)
        return s0, s1[:, None, :] * jz, s2 * jnp.sum(jz**2, axis=1) + s1 * lz

    cw = scales.first[0]
    z = linear(first, x, scales.first)
    jz = jnp.broadcast_to(cw * first[0][None, :, :], (n, n0, spec.width))
    h, jh, lh = activate(z, jz, jnp.zeros_like(z))
    if hidden is not None:
        cw = scales.hidden[0]

        def layer(carry: tuple, args: tuple) -> tuple[tuple, None]:
            h, jh, lh = carry
            W, b = args
            return activate(linear((W, b), h, scales.hidden), cw * (jh @ W), cw * (lh @ W)), None

        (h, jh, lh), _ = jax.lax.scan(layer, (h, jh, lh), (hidden[0], hidden[1]))
    u = linear(readout, h, scales.readout)[:, 0]
    lap = scales.readout[0] * (lh @ readout[0])[:, 0]
    return u, lap
