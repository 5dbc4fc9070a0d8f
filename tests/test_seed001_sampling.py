"""The samplers on seed 001's network (Seleznova & Kutyniok): standard parameterisation,
biases, the readout with sigma_w, n0 = 100, x = (1, ..., 1) (|x|^2 / n0 = 1), kernel only.

1. Dense against matrix-free in law, tanh, erf and ReLU, at an ordered and a chaotic
   (sigma_w^2, sigma_b^2 = 1) point, with the law tests of test_matrix_free.py.
2. The overflow corner of seed 001's grid (ReLU, sigma_w^2 = 5, sigma_b^2 = 1, M = 50,
   L = 64): K is finite in float32 but every K^2 overflows it. R from
   ``second_moment_ratio`` on the float32 draws equals the plain formula in float64; the
   float32 matrix-free draws agree in law with float64 dense ones, and draw by draw with
   the float64 matrix-free program fed the same (float32) Gaussians.
3. An exact invariant: without biases a ReLU network is positively homogeneous, so
   K(sigma_w) = sigma_w^(2 depth) K(1) replicate by replicate (same keys), and R does not
   depend on sigma_w.
4. At width 256 the matrix-free mean of K matches mean-field theory (standard
   parameterisation, n0 = 100) and R - 1 shrinks about like 1 / M.

float64 comes from ``jax.experimental.enable_x64`` inside each test (as test_matrix_free.py's
test_float64), so the setting does not leak into other tests; ``precision.set_precision``
would switch it for the whole process.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from jax.experimental import enable_x64
from scipy.stats import ks_2samp

import finite_ntk.mean_field as mean_field
import finite_ntk.samplers.matrix_free as mf
import finite_ntk.samplers.threefry as threefry
import finite_ntk.seeding as seeding
from finite_ntk.models.spec import NetworkSpec
from finite_ntk.samplers.dispatch import sample
from finite_ntk.samplers.setup import MonteCarloSetup
from finite_ntk.stats import second_moment_ratio

# tests/ is on sys.path under pytest; only helpers (nothing named test_*) are imported.
from test_matrix_free import BOOTSTRAP_ALPHA, BOOTSTRAP_RESAMPLES, DRAWS, MEAN_SE, assert_means_agree

N0 = 100
X = (1.0,) * N0  # seed 001's point: |x|^2 / n0 = 1
BIAS_VARIANCE = 1.0
SEEDS = {"dense": 1001, "matrix_free": 2002}
FLOAT32_MAX = float(np.finfo(np.float32).max)

# (activation, ordered sigma_w^2, chaotic sigma_w^2) at sigma_b^2 = 1, where the borders
# are 2 (ReLU), 3.44 (tanh) and 2.72 (erf); checked in the test.
LAW_POINTS = [("relu", 1.0, 3.0), ("tanh", 1.5, 4.0), ("erf", 1.5, 4.0)]
LAW_CASES = [
    (a, w, phase) for a, ordered, chaotic in LAW_POINTS for w, phase in ((ordered, "ordered"), (chaotic, "chaotic"))
]
LAW_CONFIG = (16, 8)  # beta = 0.5: strong finite-width effects (R ~ 5 to 13 at the chaotic points, heavy tails)
# The overflow corner of seed 001's grid (config/config.yaml: widths from 50, depths up to
# 64, sigma_w^2 up to 5): log K ~ 64 +- 2.3, so K ~ 1e28 (float32 max 3.4e38) and K^2 > 1e48.
OVERFLOW = dict(activation="relu", weight_variance=5.0, width=50, depth=64)
# Two-sample KS comparisons in this module (LAW_CASES, and the overflow case), Bonferroni
# to a family-wise level of 1e-3, as in test_matrix_free.py.
KS_COMPARISONS = len(LAW_CASES) + 1
KS_P = 1e-3 / KS_COMPARISONS


def seed001_setup(
    activation: str, weight_variance: float, width: int, depth: int, bias_variance: float | None = BIAS_VARIANCE
) -> MonteCarloSetup:
    """Seed 001's network and point; ``bias_variance=None``: no biases at all."""
    w_std = math.sqrt(weight_variance)
    b_std = None if bias_variance is None else math.sqrt(bias_variance)
    spec = NetworkSpec(width, depth, activation, N0, "standard", W_std=w_std, W_std_readout=w_std, b_std=b_std)
    return MonteCarloSetup("fnn", spec, X, 0.0, "none")


def seed001_keys(sampler: str, activation: str, weight_variance: float, width: int, depth: int, draws: int):
    key = seeding.job_key(
        SEEDS[sampler], "test_seed001", activation=activation, weight_variance=weight_variance, width=width, depth=depth
    )
    return seeding.replicate_keys(key, draws)


def k_of(setup: MonteCarloSetup, keys, sampler: str) -> np.ndarray:
    """K(x, x) of every key (the sampler's dtype)."""
    return sample(setup, keys, sampler=sampler)["k_init"][:, 0]


def assert_ratio_interval_contains_zero(a: np.ndarray, b: np.ndarray, label: str, seed: int) -> None:
    """Percentile bootstrap (level 1 - BOOTSTRAP_ALPHA) of log R(a) - log R(b), R from
    ``second_moment_ratio`` (overflow-safe), contains 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    rng = np.random.default_rng(seed)
    boot_a = np.log(second_moment_ratio(a[rng.integers(0, a.size, (BOOTSTRAP_RESAMPLES, a.size))]))
    boot_b = np.log(second_moment_ratio(b[rng.integers(0, b.size, (BOOTSTRAP_RESAMPLES, b.size))]))
    low, high = np.quantile(boot_a - boot_b, [BOOTSTRAP_ALPHA / 2, 1 - BOOTSTRAP_ALPHA / 2])
    assert low <= 0 <= high, (
        f"{label}: R {second_moment_ratio(a):.4g} vs {second_moment_ratio(b):.4g}; "
        f"bootstrap interval of log R difference [{low:.3f}, {high:.3f}] excludes 0"
    )


def assert_same_law(a: np.ndarray, b: np.ndarray, label: str, seed: int) -> None:
    """test_matrix_free.assert_same_law with this module's KS threshold, the bootstrap
    interval taken for log R(a) - log R(b) (R spans 1.1 to ~20 here)."""
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(b)), f"{label}: non-finite draws"
    assert_means_agree(np.asarray(a, np.float64), np.asarray(b, np.float64), label)
    assert_ratio_interval_contains_zero(a, b, label, seed)
    p = ks_2samp(a, b).pvalue
    assert p > KS_P, f"{label}: two-sample KS p = {p:.2e} (threshold {KS_P:.1e})"


# ----------------------------------------------------------------------------- 1. the law


def test_law_points_are_on_their_sides_of_the_border() -> None:
    for activation, ordered, chaotic in LAW_POINTS:
        border = float(mean_field.order_chaos_border(activation, BIAS_VARIANCE))
        assert ordered < border < chaotic, (activation, ordered, border, chaotic)


@pytest.mark.slow  # 2 x 2000 draws and a dense compile per case
@pytest.mark.parametrize("activation,weight_variance,phase", LAW_CASES)
def test_dense_and_matrix_free_same_law(activation: str, weight_variance: float, phase: str) -> None:
    width, depth = LAW_CONFIG
    setup = seed001_setup(activation, weight_variance, width, depth)
    k = {
        sampler: k_of(setup, seed001_keys(sampler, activation, weight_variance, width, depth, DRAWS), sampler)
        for sampler in ("matrix_free", "dense")
    }
    label = (
        f"seed 001 {activation} {phase} (sigma_w^2, sigma_b^2) = ({weight_variance}, {BIAS_VARIANCE}) {width}x{depth}"
    )
    assert_same_law(k["matrix_free"], k["dense"], label, seed=int(10 * weight_variance) + width * depth)


# ----------------------------------------------------------------------------- 2. overflow


def _overflow_setup() -> MonteCarloSetup:
    o = OVERFLOW
    return seed001_setup(o["activation"], o["weight_variance"], o["width"], o["depth"])


def _overflow_keys(sampler: str, draws: int):
    o = OVERFLOW
    return seed001_keys(sampler, o["activation"], o["weight_variance"], o["width"], o["depth"], draws)


@pytest.mark.slow  # 2000 float32 matrix-free draws and 2000 float64 dense ones (about 70 s)
def test_overflow_corner_float32_matrix_free_against_float64_dense() -> None:
    setup = _overflow_setup()
    k32 = k_of(setup, _overflow_keys("matrix_free", DRAWS), "matrix_free")
    assert k32.dtype == np.float32
    assert np.all(np.isfinite(k32)) and np.all(k32 > 0)
    wide = k32.astype(np.float64)
    # K is representable in float32, K^2 is not (for every draw here), so the plain formula
    # in float32 gives inf.
    assert wide.max() < FLOAT32_MAX / 1e4
    assert np.all(wide**2 > FLOAT32_MAX)
    with np.errstate(over="ignore"):
        assert np.isinf(np.mean(k32 * k32))

    # second_moment_ratio on the float32 draws: finite, and the plain formula on the same
    # draws in float64 (no overflow there). Both sum 2000 float32-rounded terms; float32
    # pairwise summation errs by ~1e-7 relative.
    r32 = second_moment_ratio(k32)
    assert r32.dtype == np.float32 and np.isfinite(r32)
    r64 = np.mean(wide**2) / np.mean(wide) ** 2
    np.testing.assert_allclose(float(r32), r64, rtol=1e-6)

    # The float64 dense reference, independent draws.
    with enable_x64():
        k64 = k_of(setup, _overflow_keys("dense", DRAWS), "dense")
    assert k64.dtype == np.float64 and np.all(np.isfinite(k64)) and np.all(k64 > 0)
    # The law. Here log K has a standard deviation of about 2.3 (beta = L / M = 1.28, deep
    # in the chaotic phase), so K is close to lognormal with R ~ exp(2.3^2) ~ 200: the
    # sample R of 2000 draws is set by its few largest draws (measured: 65 and 22 here,
    # 140 and 74 with other seeds), and no test on R (or on E[K]) has power here. The tests
    # with power are on the bulk of the law: two-sample KS (the same on K and on log K) and
    # the means of log K (nearly Gaussian: 4 SE = 0.3, a factor 1.35 in the scale of K).
    # The bootstrap interval of log R(f32) - log R(f64) must still contain 0; it is wide
    # (it carries the sampling error of R honestly), so it only catches gross errors.
    # The sensitive check of float32 is the draw-by-draw one below.
    log32, log64 = np.log(wide), np.log(k64)
    label = "overflow corner (ReLU, 5, 1, 50x64)"
    assert_means_agree(log32, log64, f"{label} log K")
    p = ks_2samp(k32, k64).pvalue
    assert p > KS_P, f"{label}: two-sample KS p = {p:.2e} (threshold {KS_P:.1e})"
    assert_ratio_interval_contains_zero(wide, k64, label, seed=64)


@pytest.mark.slow  # compiles the float32 and float64 programs of the overflow corner
def test_overflow_corner_float32_equals_float64_draw_by_draw(monkeypatch) -> None:
    """The float64 matrix-free program fed the float32 program's Gaussians (each
    ``threefry.normal`` drawn in float32, then widened) computes the same K as the float32
    program up to float32 round-off, draw by draw: no intermediate of the float32 sampler
    overflows or loses precision at this depth. (float64 normally draws different
    Gaussians from the same key: ``jax.random.normal`` uses 64 random bits there.)

    Measured: relative differences 8e-7 typical, 3e-6 at most here (R: 1e-6); 5e-5 at
    most at M = 16, L = 150 (ReLU, sigma_w^2 = 3); at M = 16, L = 250 and M = 64, L = 200 the float32 K is inf for exactly
    the draws whose float64 K exceeds the float32 maximum (3.4e38), so the first thing to
    overflow in float32 is K itself."""
    setup = _overflow_setup()
    keys = _overflow_keys("matrix_free", 200)
    k32 = k_of(setup, keys, "matrix_free")
    normal = threefry.normal

    def float32_normal(key, shape, dtype=np.float32):
        return normal(key, shape, np.float32).astype(dtype)

    # Programs are cached per (static, quick_compile): the float64 one must be traced with
    # the patch, and must not outlive it.
    mf._compiled.cache_clear()
    monkeypatch.setattr(threefry, "normal", float32_normal)
    try:
        with enable_x64():
            k64 = k_of(setup, keys, "matrix_free")
    finally:
        mf._compiled.cache_clear()
    assert k64.dtype == np.float64 and np.all(np.isfinite(k32))
    np.testing.assert_allclose(k32.astype(np.float64), k64, rtol=3e-5)
    np.testing.assert_allclose(float(second_moment_ratio(k32)), float(second_moment_ratio(k64)), rtol=3e-5)


# ----------------------------------------------------------------------------- 3. homogeneity

HOMOGENEITY_CONFIG = (16, 6)
HOMOGENEITY_VARIANCES = (0.5, 2.0, 3.0)


def _homogeneity(sampler: str, replicates: int) -> tuple[np.ndarray, dict[float, np.ndarray]]:
    """K at sigma_w^2 = 1 and at HOMOGENEITY_VARIANCES, no biases, the same keys for all."""
    width, depth = HOMOGENEITY_CONFIG
    keys = seed001_keys("matrix_free", "relu", 1.0, width, depth, replicates)

    def k(weight_variance: float) -> np.ndarray:
        return k_of(seed001_setup("relu", weight_variance, width, depth, bias_variance=None), keys, sampler)

    return k(1.0), {w: k(w) for w in HOMOGENEITY_VARIANCES}


def _assert_homogeneous(base: np.ndarray, scaled: dict[float, np.ndarray], rtol: float) -> None:
    """Without biases the output is homogeneous of degree 1 in each of the depth + 1
    weight matrices (ReLU: phi(a z) = a phi(z), a > 0), and every one is sigma_w times a
    fixed matrix (first layer sigma_w / sqrt(n0) G, hidden and readout sigma_w / sqrt(M) G).
    So d f / d W^l = sigma_w^depth (d f / d W^l at sigma_w = 1) for every l, and
    K(sigma_w) = (sigma_w^2)^depth K(1), replicate by replicate."""
    depth = HOMOGENEITY_CONFIG[1]
    base = base.astype(np.float64)
    assert np.all(base > 0)
    for weight_variance, k in scaled.items():
        np.testing.assert_allclose(
            k.astype(np.float64), weight_variance**depth * base, rtol=rtol, err_msg=f"sigma_w^2 = {weight_variance}"
        )
        np.testing.assert_allclose(second_moment_ratio(k.astype(np.float64)), second_moment_ratio(base), rtol=rtol)


def test_relu_without_biases_is_homogeneous_in_sigma_w_float32() -> None:
    """The matrix-free sampler, float32 (one compiled program: sigma_w is a run-time
    argument). Measured: 1.5e-6 at most (float32 round-off over 6 layers)."""
    base, scaled = _homogeneity("matrix_free", 32)
    _assert_homogeneous(base, scaled, rtol=2e-5)


@pytest.mark.slow  # float64 programs; the dense sampler compiles one per sigma_w
@pytest.mark.parametrize("sampler", ["matrix_free", "dense"])
def test_relu_without_biases_is_homogeneous_in_sigma_w_float64(sampler: str) -> None:
    """Both samplers in float64. The dense sampler (stax.Dense, standard parameterisation)
    draws unit normals and multiplies them by W_std / sqrt(fan_in), with the same batch
    size whatever sigma_w, so the same keys give the same G at every sigma_w and the
    identity holds replicate by replicate for it too. Measured: 5e-15 (matrix-free),
    9e-15 (dense)."""
    with enable_x64():
        base, scaled = _homogeneity(sampler, 64)
        assert base.dtype == np.float64
    _assert_homogeneous(base, scaled, rtol=1e-12)


# ----------------------------------------------------------------------------- 4. wide networks


@pytest.mark.slow  # 2 x 4000 draws (about 20 s)
def test_wide_matrix_free_matches_mean_field_and_r_tends_to_one() -> None:
    """tanh at (sigma_w^2, sigma_b^2) = (1.5, 1), depth 4: at width 256 the mean of K is
    the infinite-width NTK of mean-field theory (standard parameterisation: Theta grows like
    M) within 4 standard errors, and R - 1 falls about like 1 / M from width 64 to 256.

    (tests/test_mean_field.py::test_monte_carlo_mean_matches_infinite_width checks autodiff
    networks, n0 = 5, erf in standard parameterisation: not this sampler, n0 or
    activation.) Measured with 20,000 draws: the mean is within 1 SE of the limit at widths
    16 to 1024 (relative bias below 0.3 %), and M (R - 1) = 5.5, 2.05, 1.48, 1.39 at
    M = 16, 64, 256, 1024, so (R_256 - 1) / (R_64 - 1) = 0.18 (1 / M alone: 0.25)."""
    activation, weight_variance, depth, draws = "tanh", 1.5, 4, 4000
    propagation = mean_field.propagate(activation, weight_variance, BIAS_VARIANCE, depth, input_length=1.0)
    excess = {}
    for width in (64, 256):
        setup = seed001_setup(activation, weight_variance, width, depth)
        k = k_of(
            setup, seed001_keys("matrix_free", activation, weight_variance, width, depth, draws), "matrix_free"
        ).astype(np.float64)
        excess[width] = float(second_moment_ratio(k)) - 1.0
    expected = float(
        np.exp(mean_field.log_ntk_diagonal(propagation, parameterization="standard", width=256, input_dimension=N0))[-1]
    )
    standard_error = k.std(ddof=1) / np.sqrt(draws)
    z = (k.mean() - expected) / standard_error
    assert abs(z) < MEAN_SE, f"E[K] {k.mean():.6g} vs mean-field {expected:.6g}: {z:.2f} standard errors"
    assert standard_error < 2e-3 * expected  # the test has power: 4 SE is a 0.8 % band
    # R - 1 ~ c / M (c ~ 1.5 here); its estimate errs by ~3 % at 4000 draws.
    assert 0 < excess[256] < 0.01, excess
    assert excess[256] < 0.3 * excess[64], excess
