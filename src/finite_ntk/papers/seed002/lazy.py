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
aggregate :math:`|\Delta h_2|/|h_2^{(0)}|`; and per pair of inputs the change of the inner
product :math:`h_2(x)\cdot h_2(x')` (Proposition 4), of the normalised Gram
:math:`h_2(x)\cdot h_2(x')/n` and of the cosine. Several independently initialised networks
per width give the intervals. In the NTK scaling a neuron moves by
:math:`O(1/\sqrt n)` while :math:`n` of them move together by :math:`O(1)`: the paper's
statement that individual deviations vanish and the aggregate does not. Likewise the inner
product :math:`h_2(x)\cdot h_2(x')` (of size :math:`O(n)`) changes by :math:`O(1)`, so the
normalised Gram, the kernel of the readout, changes by :math:`O(1/n)`: the usual NTK scaling.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple, Sequence

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


class FeatureChange(NamedTuple):
    """Per pair of distinct inputs :math:`x_i, x_j` (``i < j``): the change of the last hidden
    layer's inner product during training (Proposition 4)."""

    inner_product: np.ndarray  # |h_T(x_i).h_T(x_j) - h_0(x_i).h_0(x_j)|
    initial: np.ndarray  # h_0(x_i).h_0(x_j)
    gram: np.ndarray  # the same change / n: the normalised Gram h.h'/n, the kernel of the readout
    cosine: np.ndarray  # |cos(h_T(x_i), h_T(x_j)) - cos(h_0(x_i), h_0(x_j))|


def feature_change(before: jax.Array, after: jax.Array) -> FeatureChange:
    """:class:`FeatureChange` of the last hidden layer (rows: inputs), in float64. The inner
    product of a layer of n neurons in the NTK scaling is O(n); the change Proposition 4 is
    about is O(1) (like the aggregate deviation), so the normalised Gram h.h'/n changes by
    O(1/n) and the network's kernel stays fixed as n grows."""
    h0 = np.asarray(before, dtype=np.float64)
    h1 = np.asarray(after, dtype=np.float64)
    i, j = np.triu_indices(len(h0), k=1)
    g0, g1 = h0 @ h0.T, h1 @ h1.T
    n0, n1 = np.sqrt(np.diag(g0)), np.sqrt(np.diag(g1))
    change = np.abs(g1 - g0)[i, j]
    cosine = np.abs(g1 / np.outer(n1, n1) - g0 / np.outer(n0, n0))[i, j]
    return FeatureChange(change, g0[i, j], change / h0.shape[1], cosine)


def lazy_features_dataset(
    keys: Sequence[jax.Array],
    task: TokenTask,
    width: int,
    learning_rate: float,
    steps: int,
    progress: Callable[[str], None] = lambda m: None,
) -> xr.Dataset:
    """Train one network of ``width`` on ``task`` per key of ``keys`` (independent
    initialisations, the ``network`` axis) and return, per network, the deviation measures per
    input, the inner-product changes per pair of inputs (:func:`feature_change`), the loss
    curve and the training accuracy."""
    dtype = jnp.result_type(float)  # the run's precision (float32 unless x64 is enabled)
    x, y = jnp.asarray(task.inputs, dtype), jnp.asarray(task.targets, dtype)
    tokens = task.inputs.shape[0]
    measures: dict[str, list[np.ndarray]] = {}
    losses, accuracies = [], []
    for network, key in enumerate(keys):
        params = init_params(key, task.inputs.shape[1], width, task.targets.shape[1], dtype)
        before = last_hidden(params, x)
        trained, loss_curve = train(params, x, y, learning_rate, steps)
        after = last_hidden(trained, x)
        measured, changed = deviation(before, after), feature_change(before, after)
        for name, value in {**measured._asdict(), **{f"pair_{k}": v for k, v in changed._asdict().items()}}.items():
            measures.setdefault(name, []).append(value)
        predicted = np.argmax(np.asarray(output(trained, x)), axis=1)
        accuracies.append(float(np.mean(predicted == task.labels)))
        losses.append(np.asarray(loss_curve, dtype=np.float64))
        progress(
            f"width {width}, network {network}: loss {losses[-1][0]:.4g} -> {losses[-1][-1]:.4g}, "
            f"aggregate deviation {measured.aggregate.mean():.4g}, mean neuron deviation {measured.neuron_mean.mean():.4g}, "
            f"inner-product change {changed.inner_product.mean():.4g}"
        )
        del params, trained, before, after
    stacked = {name: np.stack(values) for name, values in measures.items()}
    i, j = np.triu_indices(tokens, k=1)
    return xr.Dataset(
        {
            "aggregate_deviation": (("network", "token"), stacked["aggregate"]),
            "neuron_deviation_mean": (("network", "token"), stacked["neuron_mean"]),
            "neuron_deviation_max": (("network", "token"), stacked["neuron_max"]),
            "relative_deviation": (("network", "token"), stacked["relative"]),
            "inner_product_change": (("network", "pair"), stacked["pair_inner_product"]),
            "inner_product_initial": (("network", "pair"), stacked["pair_initial"]),
            "gram_change": (("network", "pair"), stacked["pair_gram"]),
            "cosine_change": (("network", "pair"), stacked["pair_cosine"]),
            "loss": (("network", "step"), np.stack(losses)),
            "train_accuracy": (("network",), np.array(accuracies)),
        },
        coords={
            "network": np.arange(len(keys)),
            "token": np.arange(tokens),
            "pair": np.arange(len(i)),
            "first": ("pair", i),
            "second": ("pair", j),
            "step": np.arange(steps + 1),
        },
        attrs={
            "width": width,
            "tokens": tokens,
            "classes": task.targets.shape[1],
            "learning_rate": learning_rate,
            "steps": steps,
            "networks": len(keys),
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
    "FeatureChange",
    "feature_change",
    "lazy_features_dataset",
]
