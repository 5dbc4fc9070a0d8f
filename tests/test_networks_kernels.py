"""Core NTK quantities, each checked against an independent computation."""

from unittest import mock

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.experimental import enable_x64
from neural_tangents import stax
from scipy.special import erf

import finite_ntk.mean_field as mean_field
import finite_ntk.models.networks as networks
import finite_ntk.seeding as seeding
from finite_ntk.models.kernels import ntk_diagonal, relu_mean_ntk_diagonal
from finite_ntk.models.networks import build_network, empirical_ntk_matrix_fn, infinite_width_ntk_fn
from finite_ntk.models.spec import ACTIVATIONS, SIGMOID_LIKE_SCALE, NetworkSpec

SEED001_ACTIVATIONS = ("tanh", "erf")


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


# The fast subset keeps ReLU in the ntk parameterisation; the other cases are in the full
# suite (seed 001's tanh and erf in the ntk parameterisation only: nothing here depends on
# the activation beyond its function).
@pytest.mark.parametrize(
    "activation,parameterization",
    [
        (activation, parameterization)
        if (activation, parameterization) == ("relu", "ntk")
        else pytest.param(activation, parameterization, marks=pytest.mark.slow)
        for parameterization in ("ntk", "standard")
        for activation in ACTIVATIONS
        if not (activation in SEED001_ACTIVATIONS and parameterization == "standard")
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
@pytest.mark.parametrize(
    "depth,activation",
    # seed 001's at depth 1 only (depth 3 takes 20 s each; test_seed001_kernels_match_mean_field
    # checks their kernels at depths 1 to 10)
    [(depth, a) for depth in (1, 3) for a in ACTIVATIONS if depth == 1 or a not in SEED001_ACTIVATIONS],
)
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


def _mean_field_ntk(activation: str, xs: np.ndarray, depth: int, spec: NetworkSpec) -> np.ndarray:
    """finite_ntk.mean_field's infinite-width NTK matrix of ``xs`` (ntk parameterisation,
    trained biases; its ``depth`` counts hidden layers, as NetworkSpec's), float64."""
    n0 = xs.shape[1]
    lengths, covariance = np.sum(xs * xs, axis=1) / n0, xs @ xs.T / n0
    variances = dict(
        weight_variance=spec.W_std**2, bias_variance=spec.b_std**2, readout_weight_variance=spec.W_std_readout**2
    )
    diagonal = np.array(
        [
            np.exp(
                mean_field.log_ntk_diagonal(mean_field.propagate(activation, depth=depth, input_length=q, **variances))[
                    -1
                ]
            )
            for q in lengths
        ]
    )
    ntk = np.diag(diagonal)
    for i in range(len(xs)):
        for j in range(i):
            pair = mean_field.propagate_pair(
                activation,
                depth=depth,
                input_covariance=covariance[i, j],
                input_lengths=(lengths[i], lengths[j]),
                **variances,
            )
            ntk[i, j] = ntk[j, i] = mean_field.ntk_correlation(pair)[-1] * np.sqrt(diagonal[i] * diagonal[j])
    return ntk


# Measured: erf 2e-16 (depth 1) to 2e-15 (depth 10); tanh 1.5e-5 at depth 1, 4e-6 at depth
# 10 (the quadrature's error, largest in the first layer, where q is largest: 2.09 here),
# 9e-13 with 300 nodes.
SEED001_KERNEL_RTOL = {"erf": 1e-10, "tanh": 3e-5}


@pytest.mark.filterwarnings("ignore:Numerical Activation Layer")
@pytest.mark.parametrize("activation", SEED001_ACTIVATIONS)
def test_seed001_kernels_match_mean_field(activation):
    """build_network's kernel_fn (erf: neural-tangents' closed form; tanh: ElementwiseNumerical
    with TANH_QUADRATURE_DEGREE nodes) against finite_ntk.mean_field's NTK (erf: its own
    closed form; tanh: its adaptive panels, 1e-11), float64, inputs with |x|^2 / n0 <= 1 as
    in the workflow, with trained biases, off the diagonal too, depths 1 and 4 (10 measured
    too); for tanh also 300 nodes, which agree to 1e-11 (the 75-node difference is the
    quadrature's error, not a convention)."""
    xs = np.array([[0.3, 0.6], [1.0, 1.0], [-0.9, 0.2], [0.05, 0.02]])
    rtol = SEED001_KERNEL_RTOL[activation]
    for depth in (1, 4):
        spec = NetworkSpec(width=16, depth=depth, activation=activation, n0=2, b_std=0.3)
        expected = _mean_field_ntk(activation, xs, depth, spec)
        scale = np.sqrt(np.outer(np.diag(expected), np.diag(expected)))
        with enable_x64():
            got = np.asarray(jax.jit(lambda x: build_network(spec)[2](x, None, "ntk"))(jnp.asarray(xs, jnp.float64)))
            assert got.dtype == np.float64
            if activation == "tanh" and depth == 1:
                layer = stax.ElementwiseNumerical(jnp.tanh, 300, df=lambda x: 1 - jnp.tanh(x) ** 2)
                with mock.patch.object(networks, "activation_layer", lambda name: layer):
                    kernel_fn = build_network(spec)[2]
                many_nodes = np.asarray(jax.jit(lambda x: kernel_fn(x, None, "ntk"))(jnp.asarray(xs, jnp.float64)))
                assert np.max(np.abs(many_nodes - expected) / scale) < 1e-11
        error = np.max(np.abs(got - expected) / scale)
        assert error < rtol, (depth, error)


def test_every_activation_is_known_everywhere():
    """spec.ACTIVATIONS is the one list: the config schema's enum, the figures' colours
    (distinct) and labels, the report's names and mean_field all know each name."""
    from finite_ntk.config import load_schema
    from finite_ntk.papers.seed000.report import ACTIVATION_NAMES
    from finite_ntk.plotting.style import ACTIVATION_COLOURS, ACTIVATION_LABELS

    assert load_schema()["definitions"]["activation"]["enum"] == list(ACTIVATIONS)
    for table in (ACTIVATION_COLOURS, ACTIVATION_LABELS, ACTIVATION_NAMES):
        assert set(table) == set(ACTIVATIONS)
    assert len(set(ACTIVATION_COLOURS.values())) == len(ACTIVATIONS)
    assert set(ACTIVATIONS) <= set(mean_field.MEAN_FIELD_ACTIVATIONS)
    # the names mean the same functions: mean_field's tanh and erf are the plain ones
    z = np.linspace(-3, 3, 13)
    for name in ACTIVATIONS:
        _, apply_fn, _ = networks.activation_layer(name)
        np.testing.assert_allclose(
            apply_fn((), jnp.asarray(z)), mean_field.named_activation(name).function(z), rtol=1e-6, atol=1e-6
        )


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
        (dict(width=16, depth=2, activation="softplus"), "activation"),
        (dict(width=0, depth=2, activation="relu"), "width"),
        (dict(width=16, depth=-1, activation="relu"), "depth"),
        (dict(width=16, depth=2, activation="relu", parameterization="mup"), "parameterization"),
        (dict(width=16, depth=2, activation="relu", W_std=0.0), "W_std"),
    ],
)
def test_bad_network_input_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        NetworkSpec(**kwargs)


def test_specs_from_settings_and_variances():
    """The one config -> NetworkSpec rule: standard deviations passed on as they are (their
    types reach the outputs' attributes), variances as their square roots."""
    from finite_ntk.models.spec import spec_from_settings, variance_settings

    settings = {"parameterization": "ntk", "W_std": 2, "W_std_readout": 1.0, "b_std": None, "unused": 0}
    spec = spec_from_settings(settings, "gelu", 16, 3, 2)
    assert spec == NetworkSpec(16, 3, "gelu", 2, "ntk", 2, 1.0, None) and type(spec.W_std) is int
    assert variance_settings("standard", 4.0, 0.25, None) == {
        "parameterization": "standard",
        "W_std": 2.0,
        "W_std_readout": 2.0,
        "b_std": 0.5,
    }
    assert variance_settings("standard", 4.0, 0, 9)["W_std_readout"] == 3.0
    with pytest.raises(ValueError, match="^activation:"):
        spec_from_settings(settings, "softplus", 16, 3, 2)


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
