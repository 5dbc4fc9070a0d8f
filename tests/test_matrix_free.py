"""The matrix-free sampler (finite_ntk.samplers.matrix_free) against the dense one and closed forms.

Every test is seeded, so its numbers are deterministic. The statistical comparisons draw
the two samplers from different root seeds (independent samples) and check that they have
the same law: means within 4 standard errors, second-moment ratios E[K^2]/E[K]^2 whose
difference has a bootstrap interval containing 0, and two-sample Kolmogorov-Smirnov tests
not rejecting at a family-wise level of 1e-3 (Bonferroni over the module's KS_COMPARISONS
comparisons: with 42 tests at 1e-3 each, one in 24 seeds would fail on a correct sampler;
one did, p = 5.5e-4, and 20,000 draws of that case agreed, p = 0.22). The oracle tests check the algebra of the derivation exactly:
with the lazy Gaussian replaced by explicit matrices (tests/matrix_free_oracle.py), the
sampler's kernels must equal autodiff on the same network (float round-off only).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.experimental import enable_x64
from scipy.stats import ks_2samp

import finite_ntk.samplers.cost as cost
import finite_ntk.samplers.matrix_free as mf
import finite_ntk.seeding as seeding
from finite_ntk.models.kernels import relu_mean_ntk_diagonal
from finite_ntk.models.networks import NetworkSpec
from finite_ntk.models.spec import ACTIVATIONS as SPEC_ACTIVATIONS
from finite_ntk.samplers.batches import run_in_batches
from finite_ntk.samplers.dense import sample_dense
from finite_ntk.samplers.dispatch import sample
from finite_ntk.samplers.setup import INPUT_DIMENSION, SAMPLE_VARIABLES, MonteCarloSetup
from matrix_free_oracle import oracle_and_reference  # tests/, on sys.path under pytest

DRAWS = 2000
# (width, depth): beta = 0.25, 0.0625 and 0.5.
CONFIGS = [(16, 4), (32, 2), (16, 8)]
ACTIVATIONS = ["relu", "gelu", "sigmoid"]
# Seed 001's activations: law-tested on one configuration (the largest beta), so that the
# slow tests do not grow by two thirds; their derivatives are tested with the others.
SEED001_ACTIVATIONS = ["tanh", "erf"]
SEED001_CONFIG = (16, 8)
ALL_ACTIVATIONS = list(SPEC_ACTIVATIONS)
INPUT_POINT = {"fnn": (-1.0,), "pinn": (0.25, 0.25)}
SEEDS = {"dense": 101, "matrix_free": 202}
MEAN_SE = 4.0
# KS comparisons in this module: FNN 3 activations x 3 configurations x (K, K') and
# 2 activations x 1 configuration x (K, K'), PINN 2 activations x 3 configurations x
# 2 operators x (K, K').
KS_COMPARISONS = 3 * len(CONFIGS) * 2 + len(SEED001_ACTIVATIONS) * 2 + 2 * len(CONFIGS) * 2 * 2
KS_P = 1e-3 / KS_COMPARISONS
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_ALPHA = 1e-3


def make_setup(
    model: str, activation: str, width: int, depth: int, step_loss: str = "value", **network
) -> MonteCarloSetup:
    spec = NetworkSpec(width=width, depth=depth, activation=activation, n0=INPUT_DIMENSION[model], **network)
    return MonteCarloSetup(
        model=model, spec=spec, input_point=INPUT_POINT[model], learning_rate=1e-3, step_loss=step_loss
    )


def keys_for(sampler: str, model: str, activation: str, width: int, depth: int, draws: int) -> jax.Array:
    return seeding.replicate_keys(seeding.monte_carlo_key(SEEDS[sampler], model, activation, width, depth), draws)


@functools.lru_cache(maxsize=None)
def draws_of(
    sampler: str, model: str, activation: str, width: int, depth: int, draws: int = DRAWS
) -> dict[str, np.ndarray]:
    setup = make_setup(model, activation, width, depth)
    keys = keys_for(sampler, model, activation, width, depth, draws)
    if sampler == "dense":
        return sample_dense(setup, keys)
    return mf.sample_matrix_free(setup, keys)


def second_moment_ratio(x: np.ndarray) -> np.ndarray:
    return np.mean(x**2, axis=-1) / np.mean(x, axis=-1) ** 2


def assert_means_agree(a: np.ndarray, b: np.ndarray, label: str) -> None:
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    z = (a.mean() - b.mean()) / se
    assert abs(z) < MEAN_SE, f"{label}: means {a.mean():.6g} vs {b.mean():.6g} differ by {z:.2f} standard errors"


def assert_same_law(a: np.ndarray, b: np.ndarray, label: str, seed: int) -> None:
    """a: matrix-free draws, b: dense draws of the same quantity."""
    assert np.all(np.isfinite(a)), f"{label}: non-finite matrix-free draws"
    assert_means_agree(a, b, label)
    rng = np.random.default_rng(seed)
    boot_a = second_moment_ratio(a[rng.integers(0, a.size, (BOOTSTRAP_RESAMPLES, a.size))])
    boot_b = second_moment_ratio(b[rng.integers(0, b.size, (BOOTSTRAP_RESAMPLES, b.size))])
    low, high = np.quantile(boot_a - boot_b, [BOOTSTRAP_ALPHA / 2, 1 - BOOTSTRAP_ALPHA / 2])
    assert low <= 0 <= high, (
        f"{label}: E[K^2]/E[K]^2 {second_moment_ratio(a):.4f} (matrix-free) vs {second_moment_ratio(b):.4f} "
        f"(dense); bootstrap interval of the difference [{low:.4f}, {high:.4f}] excludes 0"
    )
    p = ks_2samp(a, b).pvalue
    assert p > KS_P, f"{label}: two-sample KS p = {p:.2e}"


# ----------------------------------------------------------------------------- the law


@pytest.mark.slow  # large samples: the laws of the two samplers
@pytest.mark.parametrize(
    "activation,width,depth",
    [(a, w, d) for a in ACTIVATIONS for w, d in CONFIGS] + [(a, *SEED001_CONFIG) for a in SEED001_ACTIVATIONS],
)
def test_fnn_same_law_as_dense(activation: str, width: int, depth: int) -> None:
    mfree = draws_of("matrix_free", "fnn", activation, width, depth)
    dense = draws_of("dense", "fnn", activation, width, depth)
    for name in ("k_init", "k_step"):
        assert_same_law(
            mfree[name][:, 0], dense[name][:, 0], f"fnn {activation} {width}x{depth} {name}", seed=width * depth
        )
    # Theorem 2 is about the change: its mean must agree too.
    assert_means_agree(mfree["delta_k"][:, 0], dense["delta_k"][:, 0], f"fnn {activation} {width}x{depth} delta_k")


@pytest.mark.slow  # large samples: the laws of the two samplers
@pytest.mark.parametrize("width,depth", CONFIGS)
@pytest.mark.parametrize("activation", ["gelu", "sigmoid"])
def test_pinn_residual_kernel_same_law_as_dense(activation: str, width: int, depth: int) -> None:
    mfree = draws_of("matrix_free", "pinn", activation, width, depth)
    dense = draws_of("dense", "pinn", activation, width, depth)
    for j, op in enumerate(("uu", "rr")):
        for name in ("k_init", "k_step"):
            label = f"pinn {activation} {width}x{depth} {name} {op}"
            assert_same_law(mfree[name][:, j], dense[name][:, j], label, seed=width * depth + j)
        assert_means_agree(
            mfree["delta_k"][:, j], dense["delta_k"][:, j], f"pinn {activation} {width}x{depth} delta_k {op}"
        )


@pytest.mark.slow  # large samples: the laws of the two samplers
@pytest.mark.parametrize("width,depth", CONFIGS)
def test_relu_mean_closed_form(width: int, depth: int) -> None:
    """E[K(x, x)] = (depth + 1) |x|^2 / n0 (b_std = 0) for the matrix-free draws."""
    draws = 20000
    setup = make_setup("fnn", "relu", width, depth)
    keys = keys_for("matrix_free", "fnn", "relu", width, depth, draws)
    k = mf.sample_matrix_free(setup, keys)["k_init"][:, 0]
    x = np.asarray(INPUT_POINT["fnn"])
    expected = relu_mean_ntk_diagonal(depth, float(x @ x), n0=1, with_bias=False)
    se = k.std(ddof=1) / np.sqrt(draws)
    assert abs(k.mean() - expected) < 3 * se, f"E[K] {k.mean():.4f} vs closed form {expected:.4f} (SE {se:.4f})"


@pytest.mark.slow
def test_relu_pinn_residual_kernel_is_zero() -> None:
    out = mf.sample_matrix_free(make_setup("pinn", "relu", 16, 4), keys_for("matrix_free", "pinn", "relu", 16, 4, 64))
    for name in ("k_init", "k_step", "delta_k"):
        assert np.all(out[name][:, 1] == 0.0)
    assert np.all(out["k_init"][:, 0] > 0)


# ----------------------------------------------------------------------------- the algebra


ORACLE_CASES = [
    ("fnn", "gelu", 16, 4, {}, "value"),
    ("fnn", "relu", 8, 3, {"parameterization": "standard", "b_std": 0.3}, "value"),
    ("fnn", "sigmoid", 8, 1, {"b_std": None}, "value"),
    ("pinn", "gelu", 12, 3, {}, "value"),
    ("pinn", "sigmoid", 12, 3, {"b_std": 0.5}, "residual"),
    # Seed 001's: the PINN, whose jets use all three closed-form derivatives.
    ("pinn", "tanh", 12, 3, {}, "residual"),
    ("pinn", "erf", 12, 3, {"b_std": 0.5}, "value"),
]


@pytest.mark.slow  # compiles many programs
@pytest.mark.parametrize("model,activation,width,depth,network,step_loss", ORACLE_CASES)
def test_algebra_matches_autodiff(model, activation, width, depth, network, step_loss) -> None:
    setup = MonteCarloSetup(
        model=model,
        spec=NetworkSpec(width=width, depth=depth, activation=activation, n0=INPUT_DIMENSION[model], **network),
        input_point=(-0.7,) if model == "fnn" else (0.3, 0.6),
        learning_rate=0.05,  # a large step, so that K' - K is far from round-off
        step_loss=step_loss,
    )
    ours, reference = oracle_and_reference(setup)
    scale = np.abs(reference["k_init"]) + 1e-30
    for name in ("k_init", "k_step", "delta_k"):
        error = np.max(np.abs(ours[name] - reference[name]) / scale)
        assert error < 5e-5, f"{name}: {ours[name]} vs autodiff {reference[name]} (relative error {error:.1e})"


@pytest.mark.slow  # compiles many programs
def test_float64() -> None:
    """With x64 on, the sampler computes in float64 and its algebra matches autodiff to ~1e-12."""
    with enable_x64():
        setup = MonteCarloSetup(
            model="pinn",
            spec=NetworkSpec(width=12, depth=3, activation="gelu", n0=2),
            input_point=(0.3, 0.6),
            learning_rate=0.05,
            step_loss="residual",
        )
        assert mf._static(setup).dtype == "float64"
        ours, reference = oracle_and_reference(setup)
        for name in ("k_init", "k_step", "delta_k"):
            assert ours[name].dtype == np.float64
            np.testing.assert_allclose(
                ours[name], reference[name], rtol=1e-9, atol=1e-12 * np.abs(reference["k_init"]).max()
            )


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
def test_activation_derivatives_match_autodiff(activation: str) -> None:
    """The closed-form first three derivatives of the jets against autodiff of stax's activation."""
    phi, derivatives = mf._activation(activation)
    z = jnp.linspace(-4.0, 4.0, 161) + 0.0123  # avoids ReLU's kink at 0

    def d(f):
        return jax.vmap(jax.grad(lambda t: f(t[None])[0]))

    expected = [d(phi)(z)]
    expected.append(d(lambda t: d(phi)(t))(z))
    expected.append(d(lambda t: d(lambda u: d(phi)(u))(t))(z))
    for ours, reference in zip(derivatives(z), expected):
        np.testing.assert_allclose(ours, reference, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("activation", ["relu", "gelu", "tanh", "erf"])
def test_activation_derivatives_keep_the_dtype(activation: str) -> None:
    """float32 stays float32 with x64 on (the sampler's float32 programs). Not sigmoid: its
    constant b / sqrt(pi) is a numpy float64 and promotes; it stays as it is, so that the
    seed-000 runs (x64 off, where it does not matter) keep their arithmetic."""
    phi, derivatives = mf._activation(activation)
    with enable_x64():
        for dtype in (jnp.float32, jnp.float64):
            z = jnp.linspace(-2.0, 2.0, 9, dtype=dtype)
            assert phi(z).dtype == dtype
            assert [d.dtype for d in derivatives(z)] == [dtype] * 3


@pytest.mark.slow
def test_lazy_gaussian_is_one_matrix() -> None:
    """Passes of right and left products, with duplicate, zero and nearly dependent queries:
    the revealed directions stay orthonormal, duplicates get equal products, and every
    left product is consistent with every right product (p . G q = G^T p . q)."""
    n = 48
    k = jax.random.split(jax.random.key(3), 8)
    Q1 = jax.random.normal(k[0], (4, n))
    Q1 = Q1.at[2].set(Q1[0]).at[3].set(0.0)  # a duplicate and a zero query
    U1, MU1, MQ1 = mf._reveal_pass([], [], [], [], Q1, jax.random.normal(k[1], (4, n)))
    P1 = jax.random.normal(k[2], (3, n))
    P1 = P1.at[2].set(P1[0] + 1e-3 * P1[1])
    V1, MV1, MP1 = mf._reveal_pass([], [], [U1], [MU1], P1, jax.random.normal(k[3], (3, n)))
    # Right products after a small change (as after the SGD step): nearly in the span.
    Q2 = Q1 + 1e-4 * jax.random.normal(k[4], (4, n))
    Q2 = jnp.concatenate([Q2, Q2[:1] + 1e-4 * Q2[1:2]])
    U2, MU2, MQ2 = mf._reveal_pass([U1], [MU1], [V1], [MV1], Q2, jax.random.normal(k[5], (5, n)))
    P2 = jnp.concatenate([P1 + 1e-4 * jax.random.normal(k[6], (3, n)), Q1[:1]])
    V2, MV2, MP2 = mf._reveal_pass([V1], [MV1], [U1, U2], [MU1, MU2], P2, jax.random.normal(k[7], (4, n)))

    for rows in (jnp.concatenate([U1, U2]), jnp.concatenate([V1, V2])):
        rows = np.asarray(rows)
        used = np.linalg.norm(rows, axis=1) > 0
        gram = rows[used] @ rows[used].T
        np.testing.assert_allclose(gram, np.eye(used.sum()), atol=2e-5)
    np.testing.assert_allclose(MQ1[2], MQ1[0], atol=1e-5 * float(jnp.abs(MQ1[0]).max()))
    assert np.all(np.asarray(MQ1[3]) == 0)
    right_queries, right_products = jnp.concatenate([Q1, Q2]), jnp.concatenate([MQ1, MQ2])
    left_queries, left_products = jnp.concatenate([P1, P2]), jnp.concatenate([MP1, MP2])
    lhs = np.asarray(left_queries @ right_products.T)
    rhs = np.asarray(left_products @ right_queries.T)
    np.testing.assert_allclose(lhs, rhs, atol=2e-4 * np.abs(rhs).max())


# ----------------------------------------------------------------------------- contract


@pytest.mark.slow
def test_contract_and_determinism() -> None:
    setup = make_setup("pinn", "sigmoid", 16, 4)
    keys = keys_for("matrix_free", "pinn", "sigmoid", 16, 4, 37)
    messages: list[str] = []
    first = sample(setup, keys, sampler="matrix_free", progress=messages.append)
    again = mf.sample_matrix_free(setup, keys)
    assert set(first) == {"k_init", "k_step", "delta_k"}
    for name, values in first.items():
        assert values.shape == (37, 2) and values.dtype == np.float32
        np.testing.assert_array_equal(values, again[name])  # bit-identical
    assert messages and "37/37" in messages[-1]
    # Replicate i does not depend on the replicate count.
    fewer = mf.sample_matrix_free(setup, keys[:5])
    for name in first:
        np.testing.assert_array_equal(fewer[name], first[name][:5])


@pytest.mark.parametrize("model", ["fnn", "pinn"])
@pytest.mark.slow
def test_draws_do_not_depend_on_the_batch(model: str) -> None:
    """Each replicate draws from its own key: vmapped one at a time, in blocks of 7 or of
    64, the samples are the same numbers (up to round-off of differently compiled code)."""
    setup = make_setup(model, "gelu", 32, 4)
    keys = keys_for("matrix_free", model, "gelu", 32, 4, 20)
    alone = mf.sample_matrix_free(setup, keys, batch_size=1)
    scale = np.abs(alone["k_init"]).max()
    for batch_size in (7, 64):
        batched = mf.sample_matrix_free(setup, keys, batch_size=batch_size)
        for name in alone:
            np.testing.assert_allclose(batched[name], alone[name], rtol=1e-5, atol=1e-6 * scale)
    # And a replicate's draw is its own key's: the same key gives the same sample anywhere.
    moved = mf.sample_matrix_free(setup, jnp.concatenate([keys[5:], keys[:5]]), batch_size=7)
    np.testing.assert_allclose(moved["k_init"][-5:], alone["k_init"][:5], rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.slow
def test_capacity_changes_the_program_not_the_draws(monkeypatch) -> None:
    """With many replicates the compiled layer capacity shrinks (less padding); the draws
    must not change with it."""
    setup = make_setup("fnn", "gelu", 16, 4)
    keys = keys_for("matrix_free", "fnn", "gelu", 16, 4, 40)
    generous = mf.sample_matrix_free(setup, keys)
    monkeypatch.setattr(cost, "PADDING_TOTAL_FLOATS", 1)  # read by cost.layer_capacity
    assert mf._static(setup, replicates=40).capacity == 4 < mf._static(setup).capacity
    tight = mf.sample_matrix_free(setup, keys)
    for name in generous:
        np.testing.assert_allclose(tight[name], generous[name], rtol=1e-6, atol=1e-7)


@pytest.mark.slow
def test_program_plan_shares_programs_across_a_job_without_changing_the_draws() -> None:
    """The depths of one sampling job share compiled programs: here each depth alone would
    compile a quick or an optimised program (two in all), the plan one. With 10,000
    replicates of a wide network padding layers costs more than compiling, so the deeper
    capacities keep their own programs, while a narrower one shares one program.
    Which program runs never changes the draws."""
    setups = [make_setup("fnn", "gelu", 64, depth) for depth in (1, 2, 4, 64, 96)]
    alone = [mf.program_plan([setup], 1000)[0] for setup in setups]
    assert len(set(alone)) == 2
    assert set(mf.program_plan(setups, 1000)) == {mf.Program(capacity=128, quick_compile=False)}
    wide = [make_setup("pinn", "gelu", 4096, depth) for depth in (1, 2, 4, 8, 16)]
    assert [p.capacity for p in mf.program_plan(wide, 10_000)] == [4, 4, 4, 8, 16]
    narrower = [make_setup("pinn", "gelu", 512, depth) for depth in (1, 2, 4, 8, 16, 32)]
    assert set(mf.program_plan(narrower, 10_000)) == {mf.Program(capacity=32, quick_compile=False)}
    with pytest.raises(ValueError, match="differ only in depth"):
        mf.program_plan([setups[0], make_setup("fnn", "gelu", 256, 2)], 100)

    setup = make_setup("fnn", "gelu", 16, 4)
    keys = keys_for("matrix_free", "fnn", "gelu", 16, 4, 40)
    own = mf.program_plan([setup], 40)[0]
    assert own.quick_compile
    quick = mf.sample_matrix_free(setup, keys, program=own)
    optimised = mf.sample_matrix_free(setup, keys, program=own._replace(quick_compile=False))
    # Round-off only: delta_k is a difference of terms of the size of K.
    scale = np.abs(quick["k_init"]).max()
    for name in quick:
        np.testing.assert_allclose(optimised[name], quick[name], rtol=1e-5, atol=1e-5 * scale)
    with pytest.raises(ValueError, match="capacity 2 holds fewer than the 3"):
        mf.sample_matrix_free(setup, keys, program=mf.Program(2, True))


@pytest.mark.slow
def test_blocks_of_replicates_do_not_depend_on_the_count() -> None:
    """Both samplers run replicates through ``run_in_batches``, in blocks of a size fixed
    per configuration; a block cut short (fewer replicates asked for) gives its first
    replicates unchanged, so replicate i is the same draw whatever the replicate count.
    (The samplers themselves: test_contract_and_determinism.)"""

    @jax.jit
    @jax.vmap
    def draw(key):
        first, second = jax.random.split(key)
        value = jax.random.normal(jax.random.fold_in(first, 3), (2, 16)).sum() + jax.random.uniform(second)
        return {name: value for name in SAMPLE_VARIABLES}

    keys = keys_for("dense", "fnn", "sigmoid", 16, 2, 12)
    blocks = run_in_batches(draw, keys, batch_size=8)  # a block of 8, then 4 padded to 8
    for count in (5, 8, 12):
        fewer = run_in_batches(draw, keys[:count], batch_size=8)
        for name in SAMPLE_VARIABLES:
            np.testing.assert_array_equal(fewer[name], blocks[name][:count])
    # Different blocks are different draws (the block, not the key alone, sets the draw).
    assert not np.array_equal(run_in_batches(draw, keys, batch_size=4)["k_init"], blocks["k_init"])


def test_one_program_serves_several_depths() -> None:
    """Depth is a run-time argument: depths within one capacity share a compiled program."""
    a = mf._static(make_setup("fnn", "gelu", 16, 4))
    b = mf._static(make_setup("fnn", "gelu", 16, 8))
    assert a == b


def test_one_program_serves_every_sigma() -> None:
    """sigma_w^2 and sigma_b^2 are run-time arguments (seed 001's grids): setups that
    differ only in W_std, W_std_readout and b_std share a compiled program, unless b_std
    decides whether biases are drawn at all."""

    def seed001(W_std, b_std):
        return make_setup(
            "fnn", "tanh", 16, 4, parameterization="standard", W_std=W_std, W_std_readout=W_std, b_std=b_std
        )

    a, b = mf._static(seed001(1.0, 1.0)), mf._static(seed001(2.0, 0.5))
    assert a == b
    assert mf._static(seed001(2.0, 0.0)) != a  # no bias draws at sigma_b = 0 (the bias still trains)
    no_bias = make_setup("fnn", "tanh", 16, 4, parameterization="standard", b_std=None)
    assert mf._static(no_bias) != mf._static(seed001(2.0, 0.0)) != a


@pytest.mark.slow  # compiles programs
def test_sigma_at_run_time_matches_autodiff_and_compiles_once() -> None:
    """Seed 001's network (standard parameterisation, the readout with sigma_w, n0 = 100,
    |x|^2 / n0 = 1, no step): the sampler's algebra on explicit matrices equals autodiff
    at several (sigma_w^2, sigma_b^2), through one compiled program."""
    x = tuple(float(v) for v in np.random.default_rng(0).standard_normal(100))
    x = tuple(v * 10.0 / float(np.linalg.norm(x)) for v in x)
    for activation in ("tanh", "relu"):
        setups = [
            MonteCarloSetup(
                "fnn", NetworkSpec(16, 5, activation, 100, "standard", w**0.5, w**0.5, b**0.5), x, 0.0, "none"
            )
            for w, b in ((1.0, 1.0), (3.0, 1.0), (1.5, 0.2))
        ]
        assert len({mf._static(setup) for setup in setups}) == 1
        for setup in setups:
            ours, reference = oracle_and_reference(setup)
            np.testing.assert_allclose(ours["k_init"], reference["k_init"], rtol=5e-5)
            np.testing.assert_array_equal(ours["k_step"], ours["k_init"])
            assert np.all(ours["delta_k"] == 0) and np.all(reference["delta_k"] == 0)


@pytest.mark.slow
def test_kernel_only_draws_the_same_kernels_without_the_step() -> None:
    """step_loss 'none': the same K as the run with a step (same keys), K' = K, dK = 0,
    in both samplers."""
    keys = keys_for("matrix_free", "fnn", "gelu", 16, 4, 64)
    with_step = make_setup("fnn", "gelu", 16, 4)
    without = MonteCarloSetup("fnn", with_step.spec, with_step.input_point, 0.0, "none")
    for sampler in (mf.sample_matrix_free, lambda setup, keys: sample_dense(setup, keys)):
        stepped, only = sampler(with_step, keys), sampler(without, keys)
        np.testing.assert_allclose(only["k_init"], stepped["k_init"], rtol=1e-6)
        np.testing.assert_array_equal(only["k_step"], only["k_init"])
        assert np.all(only["delta_k"] == 0)
    with pytest.raises(ValueError, match="learning_rate: must be 0 without a step"):
        MonteCarloSetup("fnn", with_step.spec, with_step.input_point, 0.1, "none")


def test_too_narrow_for_the_revealed_directions_raises() -> None:
    """The PINN reveals 4 right and 4 left directions per pass (n0 = 2): width 8 at least."""
    assert mf.reveals(("uu", "rr"), 2) == (4, 4)
    setup = make_setup("pinn", "gelu", 6, 2)
    with pytest.raises(ValueError, match="width >= 8"):
        mf.sample_matrix_free(setup, keys_for("matrix_free", "pinn", "gelu", 6, 2, 4))
