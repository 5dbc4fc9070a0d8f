"""Seed 001's gradient-flow integrator (finite_ntk.papers.seed001.gradient_flow) against
literal gradient descent at the paper's lr 1e-5: loss and relative NTK change within 2 % at
tau = 0.01 and 0.1 on small cells of the three phases and both activations, divergence as lr
decides it, the early stop in units of tau, and the pieces (phi, the linearised loss, the
stop time, the full NTK's largest eigenvalue)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from finite_ntk.models.spec import NetworkSpec
from finite_ntk.papers.seed001.data import training_set
from finite_ntk.papers.seed001.gradient_flow import (
    FLOW_STATUSES,
    full_ntk_lambda_max,
    linearised_loss,
    phi,
    stop_time,
    train_flow,
)
from finite_ntk.papers.seed001.training import init_params, train
from test_seed001_training import seed001_spec

# Ordered, border and chaotic at sigma_b^2 = 1 (tanh's border at sigma_w^2 = 3.44, ReLU's 2).
CELLS = (("tanh", 1.0), ("tanh", 3.5), ("tanh", 4.5), ("relu", 1.0), ("relu", 2.0), ("relu", 3.0))


def spec_of(activation: str, weight_variance: float, width: int = 48, depth: int = 4, n0: int = 64) -> NetworkSpec:
    """Seed 001's network (test_seed001_training's) at sigma_b^2 = 1, small by default."""
    return seed001_spec(activation, width, depth, n0, weight_variance, bias_variance=1.0)


@pytest.fixture(scope="module")
def data():
    return training_set({"dataset": "digits", "samples": 24, "seed": 0, "classes": 4, "balanced": True})


def compare(activation: str, weight: float, data, steps: int) -> tuple[float, float, str, str]:
    spec = spec_of(activation, weight)
    key = jax.random.PRNGKey(11)
    literal = train(spec, key, data.inputs, data.targets, max_steps=steps, snapshot_steps=())
    flow = train_flow(spec, key, data.inputs, data.targets, max_steps=steps, snapshot_steps=())
    loss_gd, loss_flow = float(literal.losses[-1]), float(flow.records_loss[-1])
    return (
        abs(loss_flow - loss_gd) / loss_gd,
        abs(flow.ntk_change_end - literal.ntk_change_end) / literal.ntk_change_end,
        literal.status,
        flow.status,
    )


@pytest.mark.parametrize("activation,weight", CELLS)
def test_flow_matches_literal_gradient_descent_at_tau_001(activation: str, weight: float, data) -> None:
    loss_error, change_error, literal_status, flow_status = compare(activation, weight, data, 1_000)
    assert literal_status == flow_status == "cap"
    assert loss_error < 0.02 and change_error < 0.02, (loss_error, change_error)


# Measured: the ReLU border cell's relative NTK change at tau = 0.1 differs by 5.1 % at this
# width (the loss by 0.06 %), and by 2.6 % at width 96 with step_growth 0.04 and 0.02 alike:
# not the step size (a ReLU unit crossing zero at a slightly different time, which moves a
# small change of 0.06 by 0.002). Open in issue 26; at width 256 every cell checked is within 1 %.
_KINK = pytest.mark.xfail(reason="ReLU border cell at width 48: NTK change 5.1 % apart (issue 26)", strict=False)
CELLS_AT_01 = tuple(pytest.param(*cell, marks=_KINK) if cell == ("relu", 2.0) else cell for cell in CELLS)


@pytest.mark.slow
@pytest.mark.parametrize("activation,weight", CELLS_AT_01)
def test_flow_matches_literal_gradient_descent_at_tau_01(activation: str, weight: float, data) -> None:
    loss_error, change_error, literal_status, flow_status = compare(activation, weight, data, 10_000)
    assert literal_status == flow_status
    assert loss_error < 0.02 and change_error < 0.02, (loss_error, change_error)


@pytest.mark.slow  # trains to tau = 1; the tau = 0.01 comparisons stay in the quick loop
def test_flow_takes_fewer_gradient_steps_than_literal_descent(data) -> None:
    """To tau = 1 (1e5 literal steps) the integrator takes its 100 literal steps and a few
    hundred exponential ones at most, and records the paper-equivalent step count."""
    result = train_flow(spec_of("tanh", 1.0), jax.random.PRNGKey(2), data.inputs, data.targets)
    assert result.status in ("cap", "converged")
    assert result.literal_steps == 100 and 10 < result.flow_steps < 400
    assert result.records_tau[0] == 0 and np.all(np.diff(result.records_tau) > 0)
    if result.status == "cap":
        assert result.steps == 100_000 and math.isclose(result.tau, 1.0, rel_tol=1e-9)
    assert np.all(result.snapshot_reached[result.snapshot_steps <= result.steps])
    assert result.min_loss < result.records_loss[0]


def test_divergence_is_decided_as_literal_descent_decides_it(data) -> None:
    """Past the stability limit the literal steps decide: at z = lr lambda_max / n = 20 both
    diverge; at z = 0.5 neither does. (Between 2 and several times 2, in the catapult range, the
    kernel of this narrow network shrinks until the step is stable and neither diverges; the runs then part, since gradient
    descent at z near 1 is not the flow.)"""
    spec = spec_of("relu", 2.0)
    key = jax.random.PRNGKey(5)
    x = jnp.asarray(data.inputs, jnp.float32)
    n, outputs = data.targets.shape
    lam = full_ntk_lambda_max(spec, init_params(spec, key, outputs), x, outputs)
    for z, expected in ((20.0, "diverged"), (0.5, None)):
        lr = z * n / lam
        literal = train(spec, key, data.inputs, data.targets, learning_rate=lr, max_steps=3_000, snapshot_steps=())
        flow = train_flow(spec, key, data.inputs, data.targets, learning_rate=lr, max_steps=3_000, snapshot_steps=())
        assert flow.status == literal.status
        if expected:
            assert flow.status == expected and math.isnan(flow.ntk_change_end)
        else:
            assert flow.status != "diverged"


def test_early_stop_in_units_of_tau(data) -> None:
    """On a small two-class set that gradient descent fits, the literal rule (no decrease by
    1e-7 over 100 steps) and the flow's rule over tau_p = 100 lr stop within 10 % of the
    same flow time."""
    two = training_set({"dataset": "digits", "samples": 8, "seed": 0, "classes": 2, "balanced": True})
    spec = spec_of("tanh", 1.0, width=64, depth=1)
    key = jax.random.PRNGKey(3)
    x = jnp.asarray(two.inputs, jnp.float32)
    n, outputs = two.targets.shape
    lr = 0.02 * n / full_ntk_lambda_max(spec, init_params(spec, key, outputs), x, outputs)
    literal = train(spec, key, two.inputs, two.targets, learning_rate=lr, max_steps=200_000, snapshot_steps=())
    flow = train_flow(spec, key, two.inputs, two.targets, learning_rate=lr, max_steps=200_000, snapshot_steps=())
    assert literal.status == flow.status == "converged"
    assert flow.steps == pytest.approx(literal.steps, rel=0.1)
    assert flow.status in FLOW_STATUSES


def test_full_ntk_lambda_max_against_the_dense_matrix(data) -> None:
    """Power iteration against the eigenvalues of J J^T formed from the Jacobian."""
    from finite_ntk.models.networks import build_network

    spec = spec_of("tanh", 2.0, width=16, depth=2)
    outputs = data.targets.shape[1]
    params = init_params(spec, jax.random.PRNGKey(0), outputs)
    x = jnp.asarray(data.inputs, jnp.float32)
    apply_fn = build_network(spec, outputs)[1]
    jacobian = jax.jacrev(lambda p: apply_fn(p, x))(params)
    rows = np.concatenate(
        [np.asarray(leaf).reshape(x.shape[0] * outputs, -1) for leaf in jax.tree_util.tree_leaves(jacobian)], axis=1
    )
    exact = np.linalg.eigvalsh(rows.astype(np.float64) @ rows.T.astype(np.float64))[-1]
    assert full_ntk_lambda_max(spec, params, x, outputs) == pytest.approx(exact, rel=1e-3)


def test_phi_and_the_linearised_loss() -> None:
    x = np.array([0.0, 1e-10, 1e-3, 1.0, 50.0])
    np.testing.assert_allclose(
        phi(x), [1.0, 1.0 - 0.5e-10, (1 - np.exp(-1e-3)) / 1e-3, 1 - np.exp(-1.0), 1 / 50], rtol=1e-12
    )
    eigenvalues, weights, n = np.array([0.0, 2.0, 10.0]), np.array([1.0, 4.0, 9.0]), 2
    assert linearised_loss(eigenvalues, weights, n, 0.0) == pytest.approx(14 / 4)
    expected = (1 + 4 * np.exp(-2.0) + 9 * np.exp(-10.0)) / 4
    assert linearised_loss(eigenvalues, weights, n, 1.0) == pytest.approx(expected)


def test_stop_time_is_the_first_time_the_window_decrease_falls_below_the_threshold() -> None:
    eigenvalues, weights, n = np.array([1.0]), np.array([1.0]), 1
    window, threshold = 0.1, 1e-3
    s = stop_time(eigenvalues, weights, n, start=1.0, length=10.0, window=window, min_decrease=threshold)
    assert s is not None

    def decrease(t: float) -> float:
        return float(np.diff(linearised_loss(eigenvalues, weights, n, np.array([t, t - window])))[0])

    assert decrease(s) == pytest.approx(threshold, rel=1e-6)
    assert decrease(0.99 * s) > threshold
    assert stop_time(eigenvalues, weights, n, start=1.0, length=0.5 * s, window=window, min_decrease=threshold) is None
    # Not before tau = window: a run younger than the window cannot stop.
    assert stop_time(eigenvalues, weights, n, start=0.0, length=0.05, window=window, min_decrease=10.0) is None
