"""Core NTK quantities, each checked against an independent computation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.special import erf

from finite_ntk import seeding
from finite_ntk.models.kernels import ntk_diagonal, relu_mean_ntk_diagonal
from finite_ntk.models.networks import build_network, empirical_ntk_matrix_fn, infinite_width_ntk_fn
from finite_ntk.models.spec import ACTIVATIONS, SIGMOID_LIKE_SCALE, NetworkSpec


def zero_biases(params):
    """Set every Dense bias (the second array of a (W, b) pair) to zero."""

    def visit(node):
        if isinstance(node, tuple) and len(node) == 2 and all(hasattr(a, "shape") for a in node):
            return (node[0], jnp.zeros_like(node[1]))
        if isinstance(node, (list, tuple)):
            return type(node)(visit(child) for child in node)
        return node

    return visit(params)


# The fast subset keeps one case; the others compile a program each.
@pytest.mark.parametrize(
    "width,depth,with_bias",
    [(16, 2, True), pytest.param(16, 2, False, marks=pytest.mark.slow)]
    + [pytest.param(32, 4, with_bias, marks=pytest.mark.slow) for with_bias in (False, True)],
)
def test_relu_mean_matches_closed_form(width, depth, with_bias):
    draws = 2000
    x = jnp.array([0.6, -0.8])  # |x|^2 = 1, n0 = 2
    spec = NetworkSpec(width=width, depth=depth, activation="relu", n0=2, b_std=1.0 if with_bias else None)
    init_fn, apply_fn, _ = build_network(spec)
    keys = seeding.replicate_keys(seeding.job_key(7, "test_relu_mean", width=width, depth=depth), draws)

    def k_of(key):
        _, params = init_fn(key, (1, 2))
        if with_bias:
            params = zero_biases(params)  # zero-initialised biases of unit scale
        return ntk_diagonal(apply_fn, params, x)

    k = np.asarray(jax.jit(jax.vmap(k_of))(keys), dtype=np.float64)
    expected = relu_mean_ntk_diagonal(depth, 1.0, 2, with_bias)
    standard_error = k.std(ddof=1) / np.sqrt(draws)
    assert abs(k.mean() - expected) < 3 * standard_error, (k.mean(), expected, standard_error)


def test_relu_mean_closed_form_values():
    # The two terms of the closed form, and the gap to Hanin & Nica's d (1/2 + |x|^2/n0).
    assert relu_mean_ntk_diagonal(4, 1.0, 1, with_bias=False) == 5.0
    assert relu_mean_ntk_diagonal(4, 1.0, 1, with_bias=True) == 5.0 + 3.0


# The fast subset keeps ReLU in the ntk parameterisation; the other cases are in the full suite.
@pytest.mark.parametrize(
    "activation,parameterization",
    [
        (activation, parameterization) if (activation, parameterization) == ("relu", "ntk")
        else pytest.param(activation, parameterization, marks=pytest.mark.slow)
        for parameterization in ("ntk", "standard")
        for activation in ACTIVATIONS
    ],
)
def test_diagonal_equals_neural_tangents_matrix(activation, parameterization):
    spec = NetworkSpec(width=32, depth=3, activation=activation, n0=2, parameterization=parameterization, b_std=0.3)
    init_fn, apply_fn, _ = build_network(spec)
    _, params = init_fn(jax.random.key(3, impl="rbg"), (1, 2))
    xs = jax.random.normal(jax.random.key(4), (5, 2))
    matrix = empirical_ntk_matrix_fn(spec)(xs, None, params)
    diagonal = jnp.stack([ntk_diagonal(apply_fn, params, x) for x in xs])
    np.testing.assert_allclose(diagonal, jnp.diag(matrix), rtol=1e-5)


@pytest.mark.slow  # wide networks
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", [1, 3])
def test_empirical_ntk_approaches_infinite_width(activation, depth):
    xs = jnp.linspace(-1, 1, 8)[:, None]
    errors = []
    for width in (32, 2048):
        spec = NetworkSpec(width=width, depth=depth, activation=activation)
        init_fn, _, _ = build_network(spec)
        limit = infinite_width_ntk_fn(spec)(xs, None)
        empirical = empirical_ntk_matrix_fn(spec)
        # average the error over a few draws so the comparison is not one lucky seed
        per_draw = []
        for seed in range(4):
            _, params = init_fn(jax.random.key(seed, impl="rbg"), (1, 1))
            k = empirical(xs, None, params)
            per_draw.append(float(jnp.linalg.norm(k - limit) / jnp.linalg.norm(limit)))
        errors.append(np.mean(per_draw))
    assert errors[1] < errors[0] / 2, errors
    assert errors[1] < 0.1, errors


def test_sigmoid_like_is_close_to_logistic():
    z = np.linspace(-5, 5, 2001)
    sigmoid_like = 0.5 * erf(z / SIGMOID_LIKE_SCALE) + 0.5
    logistic = 1 / (1 + np.exp(-z))
    assert np.max(np.abs(sigmoid_like - logistic)) < 0.02
    # and the network's activation is that curve
    from neural_tangents import stax

    _, apply_fn, _ = stax.Sigmoid_like()
    np.testing.assert_allclose(apply_fn((), jnp.asarray(z)), sigmoid_like, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        (dict(width=16, depth=2, activation="tanh"), "activation"),
        (dict(width=0, depth=2, activation="relu"), "width"),
        (dict(width=16, depth=-1, activation="relu"), "depth"),
        (dict(width=16, depth=2, activation="relu", parameterization="mup"), "parameterization"),
        (dict(width=16, depth=2, activation="relu", W_std=0.0), "W_std"),
    ],
)
def test_bad_network_input_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        NetworkSpec(**kwargs)


def test_deep_stack_is_a_scan():
    # the hidden stack compiles once per layer type, whatever the depth: the jaxpr of a
    # depth-64 network is no larger than that of a depth-4 one.
    sizes = []
    for depth in (4, 64):
        spec = NetworkSpec(width=8, depth=depth, activation="relu")
        init_fn, apply_fn, _ = build_network(spec)
        _, params = init_fn(jax.random.key(0, impl="rbg"), (1, 1))
        sizes.append(len(str(jax.make_jaxpr(apply_fn)(params, jnp.ones((1, 1))))))
    assert sizes[1] <= sizes[0] * 1.05
