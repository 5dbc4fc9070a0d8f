"""Seed 001's gradient-descent training (finite_ntk.papers.seed001.training): the NTK matrix
against neural-tangents, the early-stop rule on constructed loss sequences (numpy and the
compiled update), and whole runs: the loss falls, a 2-class set is fitted and the run stops
where the rule says, divergence, determinism, and the NTK-regime sanity check (the
relative NTK change is small at large width and falls with width)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import neural_tangents as nt
import numpy as np
import pytest
from jax.experimental import enable_x64

from finite_ntk.models.networks import build_network
from finite_ntk.models.spec import NetworkSpec
from finite_ntk.papers.seed001.data import training_set
from finite_ntk.papers.seed001.training import (
    MAX_STEPS,
    MIN_DECREASE,
    PATIENCE,
    STATUSES,
    dense_ntk_matrix,
    early_stop_step,
    init_params,
    mse_loss,
    ntk_matrix,
    program_spec,
    stop_rule_update,
    train,
)


def seed001_spec(
    activation: str, width: int, depth: int, n0: int, weight_variance: float, bias_variance: float
) -> NetworkSpec:
    """Seed 001's network: standard parameterisation, the same sigma_w^2 in the readout."""
    return NetworkSpec(
        width=width,
        depth=depth,
        activation=activation,
        n0=n0,
        parameterization="standard",
        W_std=math.sqrt(weight_variance),
        W_std_readout=math.sqrt(weight_variance),
        b_std=math.sqrt(bias_variance),
    )


def digits(samples: int, classes: int = 10):
    return training_set({"dataset": "digits", "samples": samples, "seed": 0, "classes": classes, "balanced": True})


def lambda_max(spec: NetworkSpec, key: jax.Array, data) -> float:
    """Largest eigenvalue of Theta_0 (traced) on the data, from the same key as ``train``."""
    theta = dense_ntk_matrix(spec, init_params(spec, key, data.targets.shape[1]), jnp.asarray(data.inputs, jnp.float32))
    return float(np.linalg.eigvalsh(np.asarray(theta, np.float64))[-1])


def stable_rate(spec: NetworkSpec, key: jax.Array, data) -> float:
    """Half the largest stable step of the linearised dynamics: for the loss 1/(2n) |f - y|^2
    and a kernel Theta_{ik,jl} ~ delta_kl Theta_ij / K, gradient descent is stable below
    2 n K / lambda_max(traced Theta)."""
    n, k = data.targets.shape
    return 0.5 * n * k / lambda_max(spec, key, data)


# ------------------------------------------------------------------------------ NTK


def test_dense_ntk_matches_neural_tangents_quick() -> None:
    """The quick check (float32, one small ReLU network with biases): the layer-wise NTK is
    the trace over outputs of neural-tangents' full empirical kernel."""
    spec = seed001_spec("relu", width=6, depth=2, n0=3, weight_variance=2.0, bias_variance=0.3)
    # build_network's parameter layout, drawn by numpy (JAX's random draws take seconds to
    # compile here): first Dense, the repeated hidden Dense (stacked), readout.
    rng = np.random.default_rng(1)

    def normal(*shape: int) -> jax.Array:
        return jnp.asarray(rng.normal(size=shape), jnp.float32)

    params = [
        [(normal(3, 6), normal(1, 6)), ()],
        [(normal(1, 6, 6), normal(1, 1, 6)), ()],
        (normal(6, 2), normal(1, 2)),
    ]
    x = jnp.asarray(rng.uniform(size=(4, 3)), jnp.float32)
    apply_fn = build_network(spec, 2)[1]
    full = nt.empirical_ntk_fn(
        apply_fn, trace_axes=(), vmap_axes=0, implementation=nt.NtkImplementation.JACOBIAN_CONTRACTION
    )
    reference = np.trace(np.asarray(full(x, None, params)), axis1=2, axis2=3)
    got = np.asarray(dense_ntk_matrix(spec, params, x))
    np.testing.assert_allclose(got, reference, rtol=0, atol=1e-5 * np.abs(reference).max())


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_ntk_matrix_matches_neural_tangents(activation: str) -> None:
    """Both NTK functions equal neural-tangents' empirical NTK summed over the outputs (the
    trace of its full (n, n, K, K) kernel; its ``trace_axes=(-1,)`` is the mean, 1/K of
    ours), to float64 round-off, with biases, for uneven chunks of samples and outputs."""
    spec = seed001_spec(activation, width=8, depth=3, n0=5, weight_variance=1.7, bias_variance=0.4)
    outputs = 3
    with enable_x64():
        key = jax.random.PRNGKey(11)
        params = init_params(spec, key, outputs)
        x = jax.random.normal(jax.random.PRNGKey(12), (7, spec.n0), jnp.float64)
        _, apply_fn, _ = build_network(spec, outputs)
        implementation = nt.NtkImplementation.JACOBIAN_CONTRACTION
        full = nt.empirical_ntk_fn(apply_fn, trace_axes=(), vmap_axes=0, implementation=implementation)(x, None, params)
        mean = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=implementation)(
            x, None, params
        )
        reference = np.trace(np.asarray(full), axis1=2, axis2=3)
        np.testing.assert_allclose(outputs * np.asarray(mean), reference, rtol=1e-13, atol=0)
        scale = np.abs(reference).max()
        for got in (
            ntk_matrix(apply_fn, params, x, chunk=3),
            ntk_matrix(apply_fn, params, x, chunk=7),
            dense_ntk_matrix(spec, params, x),
            dense_ntk_matrix(spec, params, x, output_chunk=2),
        ):
            assert got.dtype == jnp.float64 and got.shape == (7, 7)
            np.testing.assert_allclose(np.asarray(got), reference, rtol=0, atol=1e-13 * scale)
    # float32, the runs' precision: the same to float32 round-off.
    params32 = init_params(spec, jax.random.PRNGKey(11), outputs)
    x32 = jnp.asarray(np.asarray(x), jnp.float32)
    got = np.asarray(dense_ntk_matrix(spec, params32, x32))
    np.testing.assert_allclose(got, np.asarray(ntk_matrix(apply_fn, params32, x32, chunk=4)), rtol=0, atol=1e-5 * scale)


@pytest.mark.slow
def test_depth_one_and_no_bias() -> None:
    """The layer-wise NTK also holds without a hidden stack (depth 1) and without biases."""
    for spec in (
        seed001_spec("tanh", width=6, depth=1, n0=4, weight_variance=1.3, bias_variance=0.2),
        NetworkSpec(
            width=6,
            depth=2,
            activation="relu",
            n0=4,
            parameterization="standard",
            W_std=1.2,
            W_std_readout=1.2,
            b_std=None,
        ),
    ):
        params = init_params(spec, jax.random.PRNGKey(0), 2)
        x = jax.random.uniform(jax.random.PRNGKey(1), (5, 4))
        _, apply_fn, _ = build_network(spec, 2)
        reference = np.asarray(ntk_matrix(apply_fn, params, x, chunk=2))
        np.testing.assert_allclose(
            np.asarray(dense_ntk_matrix(spec, params, x)), reference, rtol=0, atol=1e-5 * np.abs(reference).max()
        )


def test_program_spec_computes_the_same_network() -> None:
    """In the standard parameterisation the compiled programs ignore the variances (they
    only scale the initial draw): the canonical spec's network gives the same bits."""
    spec = seed001_spec("tanh", width=6, depth=2, n0=3, weight_variance=2.9, bias_variance=0.05)
    canonical = program_spec(spec)
    assert (canonical.W_std, canonical.W_std_readout, canonical.b_std) == (1.0, 1.0, 1.0)
    params = init_params(spec, jax.random.PRNGKey(5), 2)
    x = jax.random.uniform(jax.random.PRNGKey(6), (4, 3))
    np.testing.assert_array_equal(build_network(spec, 2)[1](params, x), build_network(canonical, 2)[1](params, x))
    ntk_spec = NetworkSpec(width=8, depth=2, activation="tanh", n0=4, parameterization="ntk", W_std=1.7)
    assert program_spec(ntk_spec) is ntk_spec


def test_mse_loss_definition() -> None:
    """L = 1/(2n) sum_i sum_k (f_k(x_i) - y_ik)^2: the authors' mean over samples of half
    the squared error summed over outputs."""
    rng = np.random.default_rng(0)
    f, y = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    with enable_x64():
        got = float(mse_loss(jnp.asarray(f), jnp.asarray(y)))
    assert got == pytest.approx(np.mean([0.5 * np.dot(a - b, a - b) for a, b in zip(f, y)]), rel=1e-14)


# ------------------------------------------------------------------------ stopping rule


def test_early_stop_fires_a_patience_after_the_plateau_starts() -> None:
    """L_t = 1 - 1e-3 t up to t = 200, then flat: at t = 299 the window (199, 299] still
    holds L_200 = 0.8, below L_199 - 1e-7; at t = 300 the best before (L_200) is not beaten."""
    losses = np.concatenate([1 - 1e-3 * np.arange(201), np.full(300, 0.8)])
    assert early_stop_step(losses) == 300
    assert early_stop_step(losses[:300]) is None  # not before


def test_early_stop_threshold() -> None:
    """A steady decrease of 0.9e-7 per 100 steps stops at the first check (t = 100); one of
    1.1e-7 per 100 steps never stops; an exact decrease of min_decrease counts as too little
    (the window's minimum is not below best - min_decrease), in exact dyadic arithmetic."""
    t = np.arange(1001, dtype=np.float64)
    assert early_stop_step(1 - 0.9e-9 * t) == PATIENCE
    assert early_stop_step(1 - 1.1e-9 * t) is None
    for dtype in (np.float32, np.float64):
        step = 2.0**-17
        exact = (1 - step * t).astype(dtype)
        assert early_stop_step(exact, patience=100, min_decrease=100 * step) == 100
        assert early_stop_step(exact, patience=100, min_decrease=99 * step) is None


def test_early_stop_counts_only_improvements_of_the_best() -> None:
    """A rise and fall back above the best does not count; a new best resets the count."""
    losses = np.full(400, 1.0)
    losses[:50] = np.linspace(2.0, 1.0, 50)  # best 1.0 reached at t = 49
    losses[60:80] = 1.5  # a bump, then back to 1.0: no improvement of the best
    assert early_stop_step(losses) == 149
    losses[120] = 0.9  # a new best inside the window (49, 149]: the rule waits until 220
    assert early_stop_step(losses) == 220


def test_early_stop_arguments() -> None:
    with pytest.raises(ValueError, match="^patience"):
        early_stop_step(np.ones(5), patience=0)
    with pytest.raises(ValueError, match="^min_decrease"):
        early_stop_step(np.ones(5), min_decrease=-1.0)
    with pytest.raises(ValueError, match="^losses"):
        early_stop_step(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="^losses"):
        early_stop_step(np.ones((2, 2)))
    assert early_stop_step(np.ones(100)) is None  # too short to check


def test_compiled_rule_matches_early_stop_step() -> None:
    """The update carried by the compiled loop fires at the same step as the numpy rule, in
    float32 (the same float32 threshold), on random walks with plateaus."""
    patience = 7
    min_decrease = np.float32(1e-3)

    @jax.jit
    def first_firing(losses: jax.Array) -> jax.Array:
        def step(carry, args):
            window, best = carry
            loss, t = args
            window, best, fired = stop_rule_update(window, best, loss, t, patience, jnp.float32(min_decrease))
            return (window, best), fired

        init = (jnp.full((patience,), jnp.inf, jnp.float32), jnp.asarray(jnp.inf, jnp.float32))
        _, fired = jax.lax.scan(step, init, (losses, jnp.arange(losses.shape[0], dtype=jnp.int32)))
        return jnp.where(jnp.any(fired), jnp.argmax(fired), -1)

    rng = np.random.default_rng(1)
    seen = set()
    for _ in range(40):
        moves = rng.choice([0.0, -2e-3, -5e-4, 1e-3], size=200, p=[0.55, 0.2, 0.15, 0.1])
        losses = (1.0 + np.cumsum(moves)).astype(np.float32)
        expected = early_stop_step(losses, patience, float(min_decrease))
        got = int(first_firing(jnp.asarray(losses)))
        assert got == (-1 if expected is None else expected)
        seen.add(expected)
    assert len(seen) > 5  # the sequences fire at many different steps


# ------------------------------------------------------------------------------ training


@pytest.fixture(scope="module")
def fit() -> tuple:
    """A 2-class set of 8 digits, width 64, depth 1, tanh, fitted with half the stable step
    (the paper's 1e-5 would take far longer than a test may)."""
    data = digits(8, classes=2)
    spec = seed001_spec("tanh", width=64, depth=1, n0=64, weight_variance=1.0, bias_variance=0.09)
    key = jax.random.PRNGKey(3)
    rate = stable_rate(spec, key, data)
    result = train(
        spec, key, data.inputs, data.targets, learning_rate=rate, max_steps=20_000, snapshot_steps=[10, 100, 20_000]
    )
    return spec, key, data, rate, result


@pytest.mark.slow
def test_two_class_set_is_fitted_and_stops_where_the_rule_says(fit) -> None:
    """The loss falls to ~1e-7 (from 0.8), the run stops early (status converged) at exactly
    the step early_stop_step finds in its recorded losses; a snapshot after the end takes the
    end's value and is marked not reached."""
    _, _, _, _, result = fit
    assert result.status == "converged" and result.status in STATUSES
    assert 100 < result.steps < 20_000
    assert result.losses.dtype == np.float32 and result.losses.shape == (result.steps + 1,)
    assert early_stop_step(result.losses) == result.steps
    assert result.losses[0] > 0.5 and result.min_loss < 1e-5
    assert result.min_loss == float(result.losses.min()) and result.losses[result.min_loss_step] == result.losses.min()
    np.testing.assert_array_equal(result.snapshot_steps, [10, 100, 20_000])
    np.testing.assert_array_equal(result.snapshot_reached, [True, True, False])
    assert result.ntk_change[2] == result.ntk_change_end
    assert np.all(np.isfinite(result.ntk_change)) and 0 < result.ntk_change[0] < result.ntk_change_end
    assert result.ntk_initial.shape == result.ntk_final.shape == (8, 8)


@pytest.mark.slow
def test_determinism(fit) -> None:
    """The same key gives identical arrays (losses, kernels, parameters); another key not."""
    spec, key, data, rate, _ = fit
    runs = [
        train(spec, k, data.inputs, data.targets, learning_rate=rate, max_steps=300, snapshot_steps=[10])
        for k in (key, key, jax.random.PRNGKey(4))
    ]
    a, b, c = runs
    assert a.status == b.status == "cap" and a.steps == b.steps == 300
    for field in ("losses", "ntk_change", "ntk_initial", "ntk_final"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.ntk_change_end == b.ntk_change_end and a.min_loss == b.min_loss
    for x, y in zip(jax.tree_util.tree_leaves(a.params), jax.tree_util.tree_leaves(b.params)):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.losses, c.losses)


@pytest.mark.slow
def test_loss_decreases_at_the_paper_rate_shape() -> None:
    """Ten one-hot outputs on 16 digits, tanh, depth 2: gradient descent with a small step
    lowers the loss at every step, runs to the cap, and records every snapshot."""
    data = digits(16)
    spec = seed001_spec("tanh", width=32, depth=2, n0=64, weight_variance=1.5, bias_variance=0.1)
    key = jax.random.PRNGKey(7)
    result = train(
        spec,
        key,
        data.inputs,
        data.targets,
        learning_rate=0.2 * stable_rate(spec, key, data),
        max_steps=200,
        snapshot_steps=[10, 100, 200],
    )
    assert result.status == "cap" and result.steps == 200 and result.losses.shape == (201,)
    assert np.all(np.diff(result.losses) < 0)
    assert result.losses[-1] < 0.5 * result.losses[0]
    assert result.snapshot_reached.all() and result.ntk_change[-1] == result.ntk_change_end
    assert np.all(np.diff(result.ntk_change) > 0)


@pytest.mark.slow
def test_divergence_is_detected_and_kept() -> None:
    """A huge step: the loss leaves the float range within a few steps; status diverged,
    the losses up to that step kept (the last non-finite), NaN for the end and later snapshots."""
    data = digits(16)
    spec = seed001_spec("relu", width=32, depth=3, n0=64, weight_variance=2.0, bias_variance=0.1)
    result = train(
        spec,
        jax.random.PRNGKey(0),
        data.inputs,
        data.targets,
        learning_rate=10.0,
        max_steps=300,
        snapshot_steps=[10, 100],
    )
    assert result.status == "diverged" and 0 < result.steps < 10
    assert result.losses.shape == (result.steps + 1,)
    assert np.all(np.isfinite(result.losses[:-1])) and not np.isfinite(result.losses[-1])
    assert result.min_loss == float(np.min(result.losses[:-1]))
    assert math.isnan(result.ntk_change_end) and np.all(np.isnan(result.ntk_final))
    assert np.all(np.isnan(result.ntk_change)) and not result.snapshot_reached.any()
    assert np.all(np.isfinite(result.ntk_initial))


@pytest.mark.slow
def test_ntk_change_is_small_at_large_width_and_falls_with_width() -> None:
    """NTK-regime sanity: 300 steps at half the stable step (scaled to each width's
    lambda_max, so both fit alike), tanh, depth 2, 32 digits: the relative NTK change is
    below 0.05 at width 512 and several times larger at width 64 (theory: O(1/M))."""
    data = digits(32)
    key = jax.random.PRNGKey(3)
    changes, drops = {}, {}
    for width in (64, 512):
        spec = seed001_spec("tanh", width=width, depth=2, n0=64, weight_variance=1.44, bias_variance=0.09)
        result = train(
            spec,
            key,
            data.inputs,
            data.targets,
            learning_rate=stable_rate(spec, key, data),
            max_steps=300,
            snapshot_steps=[100],
        )
        assert result.status == "cap"
        changes[width], drops[width] = result.ntk_change_end, result.losses[-1] / result.losses[0]
    assert drops[64] < 0.1 and drops[512] < 0.1  # both trained
    assert changes[512] < 0.05
    assert changes[64] > 3 * changes[512]


def test_paper_protocol_defaults() -> None:
    assert (PATIENCE, MIN_DECREASE, MAX_STEPS) == (100, 1e-7, 100_000)
    assert STATUSES == ("converged", "cap", "diverged")


def test_bad_arguments_name_the_argument() -> None:
    spec = seed001_spec("tanh", width=4, depth=1, n0=3, weight_variance=1.0, bias_variance=0.1)
    x, y = np.zeros((4, 3)), np.zeros((4, 2))
    key = jax.random.PRNGKey(0)
    cases = [
        ("^learning_rate", dict(learning_rate=0.0)),
        ("^learning_rate", dict(learning_rate=float("inf"))),
        ("^max_steps", dict(max_steps=0)),
        ("^patience", dict(patience=0)),
        ("^min_decrease", dict(min_decrease=-1e-7)),
        ("^chunk_steps", dict(chunk_steps=0)),
        ("^snapshot_steps", dict(snapshot_steps=[10, 10], max_steps=100)),
        ("^snapshot_steps", dict(snapshot_steps=[200], max_steps=100)),
        ("^snapshot_steps", dict(snapshot_steps=[-1], max_steps=100)),
        ("^snapshot_steps", dict(snapshot_steps=[10.0], max_steps=100)),
    ]
    for pattern, kwargs in cases:
        with pytest.raises(ValueError, match=pattern):
            train(spec, key, x, y, **kwargs)
    with pytest.raises(ValueError, match="^inputs"):
        train(spec, key, np.zeros((4, 5)), y)
    with pytest.raises(ValueError, match="^targets"):
        train(spec, key, x, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="^chunk"):
        ntk_matrix(lambda p, v: v, None, x, chunk=0)
    with pytest.raises(ValueError, match="^outputs"):
        init_params(spec, key, 0)
