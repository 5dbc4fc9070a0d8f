r"""Seed 002's Table 1 scaled to a small machine: does the last hidden layer of a wide
ReLU network in the NTK scaling move during training?

Network: two hidden ReLU layers of equal width :math:`n` and a linear readout, in the NTK
parameterisation (weights :math:`\mathcal N(0, 1)`, each layer's output multiplied by
:math:`\sigma_w / \sqrt{\text{fan-in}}`, :math:`\sigma_w = \sqrt 2` for the hidden layers
and 1 for the readout, no biases):

.. math::

    h_1 = \phi\bigl(\tfrac{\sqrt2}{\sqrt{V}} W_1 x\bigr),\quad
    h_2 = \phi\bigl(\tfrac{\sqrt2}{\sqrt{n}} W_2 h_1\bigr),\quad
    f = \tfrac{1}{\sqrt n} W_3 h_2 .

Task: the paper trains on one-hot tokens of text8 at widths 10,000 and 30,000; here
:math:`V` one-hot tokens, each assigned a random class of ``classes`` (the target is its
one-hot class vector), fitted by full-batch gradient descent on
:math:`\tfrac12\sum_x |f(x) - y(x)|^2`. Measured on the last hidden layer :math:`h_2`,
between initialisation and the end of training, over the :math:`V` inputs: the aggregate
norm :math:`|h_2^{(T)}(x) - h_2^{(0)}(x)|_2`, the single neurons' deviations
:math:`|h_{2,j}^{(T)}(x) - h_{2,j}^{(0)}(x)|` (mean and largest), and the relative
aggregate :math:`|\Delta h_2|/|h_2^{(0)}|`. In the NTK scaling a neuron moves by
:math:`O(1/\sqrt n)` while :math:`n` of them move together by :math:`O(1)`: the paper's
statement that individual deviations vanish and the aggregate does not.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

Params = tuple[jax.Array, jax.Array, jax.Array]


class TokenTask(NamedTuple):
    """One-hot tokens and their one-hot classes."""

    inputs: np.ndarray  # (V, V) identity
    targets: np.ndarray  # (V, classes)
    labels: np.ndarray  # (V,)


def token_task(rng: np.random.Generator, tokens: int, classes: int) -> TokenTask:
    """``tokens`` one-hot inputs, each with a class drawn so that every class has
    ``tokens // classes`` or one more tokens (a random balanced assignment)."""
    if classes < 2 or tokens < classes:
        raise ValueError(f"need 2 <= classes <= tokens, got classes={classes}, tokens={tokens}")
    labels = rng.permutation(np.arange(tokens) % classes)
    return TokenTask(np.eye(tokens), np.eye(classes)[labels], labels)


def init_params(key: jax.Array, tokens: int, width: int, classes: int, dtype: jnp.dtype) -> Params:
    """Standard normal weights of the three layers (NTK parameterisation)."""
    k1, k2, k3 = jax.random.split(key, 3)
    return (
        jax.random.normal(k1, (tokens, width), dtype),
        jax.random.normal(k2, (width, width), dtype),
        jax.random.normal(k3, (width, classes), dtype),
    )


def last_hidden(params: Params, x: jax.Array) -> jax.Array:
    """:math:`h_2(x)`, one row per input."""
    w1, w2, _ = params
    h1 = jax.nn.relu(math.sqrt(2.0 / w1.shape[0]) * (x @ w1))
    return jax.nn.relu(math.sqrt(2.0 / w2.shape[0]) * (h1 @ w2))


def output(params: Params, x: jax.Array) -> jax.Array:
    return last_hidden(params, x) @ params[2] / math.sqrt(params[2].shape[0])


def loss(params: Params, x: jax.Array, y: jax.Array) -> jax.Array:
    """:math:`\\tfrac12\\sum_x |f(x) - y(x)|^2`."""
    return 0.5 * jnp.sum((output(params, x) - y) ** 2)


def train(params: Params, x: jax.Array, y: jax.Array, learning_rate: float, steps: int) -> tuple[Params, jax.Array]:
    """Full-batch gradient descent for ``steps`` steps; returns the parameters and the
    loss before each step and after the last (``steps + 1`` values)."""

    @jax.jit
    def run(params: Params) -> tuple[Params, jax.Array]:
        def step(params: Params, _: None) -> tuple[Params, jax.Array]:
            value, grads = jax.value_and_grad(loss)(params, x, y)
            return jax.tree_util.tree_map(lambda p, g: p - learning_rate * g, params, grads), value

        params, losses = jax.lax.scan(step, params, None, length=steps)
        return params, jnp.append(losses, loss(params, x, y))

    return run(params)


class Deviation(NamedTuple):
    """Per input: the last hidden layer's deviation from initialisation."""

    aggregate: np.ndarray  # |h_T(x) - h_0(x)|_2
    neuron_mean: np.ndarray  # mean_j |h_T,j(x) - h_0,j(x)|
    neuron_max: np.ndarray  # max_j |h_T,j(x) - h_0,j(x)|
    relative: np.ndarray  # |h_T(x) - h_0(x)|_2 / |h_0(x)|_2


def deviation(before: jax.Array, after: jax.Array) -> Deviation:
    """The deviation measures of the last hidden layer (rows: inputs), in float64."""
    h0 = np.asarray(before, dtype=np.float64)
    change = np.asarray(after, dtype=np.float64) - h0
    aggregate = np.linalg.norm(change, axis=1)
    return Deviation(
        aggregate,
        np.mean(np.abs(change), axis=1),
        np.max(np.abs(change), axis=1),
        aggregate / np.linalg.norm(h0, axis=1),
    )


def lazy_features_dataset(
    key: jax.Array,
    task: TokenTask,
    width: int,
    learning_rate: float,
    steps: int,
    progress: Callable[[str], None] = lambda m: None,
) -> xr.Dataset:
    """Train one network of ``width`` on ``task`` and return the deviation measures per
    input, the loss curve and the training accuracy."""
    dtype = jnp.result_type(float)  # the run's precision (float32 unless x64 is enabled)
    x, y = jnp.asarray(task.inputs, dtype), jnp.asarray(task.targets, dtype)
    params = init_params(key, task.inputs.shape[1], width, task.targets.shape[1], dtype)
    before = last_hidden(params, x)
    trained, losses = train(params, x, y, learning_rate, steps)
    after = last_hidden(trained, x)
    measured = deviation(before, after)
    predicted = np.argmax(np.asarray(output(trained, x)), axis=1)
    losses = np.asarray(losses, dtype=np.float64)
    progress(
        f"width {width}: loss {losses[0]:.4g} -> {losses[-1]:.4g}, aggregate deviation {measured.aggregate.mean():.4g}, "
        f"mean neuron deviation {measured.neuron_mean.mean():.4g}"
    )
    return xr.Dataset(
        {
            "aggregate_deviation": (("token",), measured.aggregate),
            "neuron_deviation_mean": (("token",), measured.neuron_mean),
            "neuron_deviation_max": (("token",), measured.neuron_max),
            "relative_deviation": (("token",), measured.relative),
            "loss": (("step",), losses),
        },
        coords={"token": np.arange(task.inputs.shape[0]), "step": np.arange(steps + 1)},
        attrs={
            "width": width,
            "tokens": task.inputs.shape[0],
            "classes": task.targets.shape[1],
            "learning_rate": learning_rate,
            "steps": steps,
            "train_accuracy": float(np.mean(predicted == task.labels)),
            "precision": str(np.dtype(dtype)),
        },
    )


__all__ = [
    "TokenTask",
    "token_task",
    "init_params",
    "last_hidden",
    "output",
    "loss",
    "train",
    "Deviation",
    "deviation",
    "lazy_features_dataset",
]
