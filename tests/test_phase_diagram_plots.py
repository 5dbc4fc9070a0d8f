"""Seed 001's figures (finite_ntk.papers.seed001.plots) from small synthetic datasets in
the format of ``seed001/phase_stats.nc`` and ``seed001/kappa.nc``, drawn through the
figure registry with the repository's config."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from finite_ntk.config import config_value, load_config
from finite_ntk.papers import FIGURES_BY_NAME, SOURCES
from finite_ntk.papers.seed001.figures import CATEGORY as SEED001
from finite_ntk.papers.seed001.plots import plot_depth_curves, plot_kappa, plot_phase_maps

ROOT = Path(__file__).resolve().parents[1]
SEED001_FIGURES = ("seed001fig1a", "seed001fig1b", "seed001fig2", "seed001fig5", "seed001fig6", "seed001fig7")

# A small grid that holds every value the config's seed001 figures ask for.
ACTIVATIONS = ["tanh", "relu"]
BIAS_VARIANCES = [0.0, 0.5, 1.0, 2.0]
WIDTHS = [50, 100, 200, 500]
WEIGHT_VARIANCES = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
DEPTHS = [1, 2, 4, 8, 16, 32, 64]
BIAS_MAP_WIDTH = 100
REPLICATES = 200
SATURATION_FRACTION = 0.5
# Borders chi_1 = 1 (tanh's roughly as mean-field theory has them; ReLU's at 2 always).
BORDERS = {"tanh": {0.0: 1.0, 0.5: 2.84, 1.0: 3.44, 2.0: 4.27}, "relu": dict.fromkeys(BIAS_VARIANCES, 2.0)}
# Cells left unsampled on purpose, beyond the sparse bias variances: (activation, sigma_b^2, M, sigma_w^2, L).
HOLES = [("tanh", 1.0, 100, 2.5, 16), ("tanh", 1.0, 100, 3.0, 16), ("relu", 1.0, 200, 1.0, 2)]


# log K fails the normality test where the true R exceeds this (the maps' dots).
NOT_LOGNORMAL_ABOVE = 50.0


def fake_phase_stats() -> xr.Dataset:
    """phase_stats.nc as the spec has it: log R grows with L/M and with the distance of
    sigma_w^2 from the border, capped at the replicate count; sigma_b^2 other than 1 only
    at the bias-map width, except ReLU's sigma_b^2 = 0 at sigma_w^2 = 2 at every width; a
    few holes; every cell above saturation_fraction * replicates flagged saturated. The
    log-normal plug-in R_log is the uncapped R, the plain ratio is R capped and shrunk where R
    is large (as a heavy-tailed sample under-estimates it); log K fails the normality test
    where R > NOT_LOGNORMAL_ABOVE."""
    a, b, m, w, L = np.meshgrid(np.arange(2), BIAS_VARIANCES, WIDTHS, WEIGHT_VARIANCES, DEPTHS, indexing="ij")
    border = np.vectorize(lambda i, bv: BORDERS[ACTIVATIONS[i]][bv])(a, b)
    log_ratio = (L / m) * 3.0 * (1.0 + 4.0 * np.abs(w / border - 1.0))
    ratio = np.minimum(np.exp(0.8 * log_ratio), 0.8 * REPLICATES)
    sampled = (b == 1.0) | (m == BIAS_MAP_WIDTH) | ((a == 1) & (b == 0.0) & (w == 2.0))
    ratio = np.where(sampled, ratio, np.nan)
    log_normal = np.where(sampled, np.exp(log_ratio), np.nan)
    index = {
        name: values
        for name, values in zip(
            ("activation", "bias_variance", "width", "weight_variance", "depth"),
            (ACTIVATIONS, BIAS_VARIANCES, WIDTHS, WEIGHT_VARIANCES, DEPTHS),
        )
    }
    for hole in HOLES:
        at = tuple(list(values).index(v) for values, v in zip(index.values(), hole))
        ratio[at] = log_normal[at] = np.nan
    dims = ("activation", "bias_variance", "width", "weight_variance", "depth")
    saturated = np.where(np.isfinite(ratio) & (ratio > SATURATION_FRACTION * REPLICATES), 1, 0).astype(np.int8)
    mean_k = np.where(np.isfinite(ratio), 1.0 + L * w, np.nan)
    chi_1 = np.broadcast_to((w / border)[:, :, 0, :, 0], (2, len(BIAS_VARIANCES), len(WEIGHT_VARIANCES)))
    return xr.Dataset(
        {
            "second_moment_ratio": (dims, ratio),
            "second_moment_ratio_lo": (dims, 1.0 + (ratio - 1.0) * 0.8),
            "second_moment_ratio_hi": (dims, 1.0 + (ratio - 1.0) * 1.25),
            "saturated": (dims, saturated),
            "log_normal_ratio": (dims, log_normal),
            "log_normal_ratio_lo": (dims, log_normal**0.83),
            "log_normal_ratio_hi": (dims, log_normal**1.23),
            "normality_pvalue": (
                dims,
                np.where(np.isfinite(log_normal), np.where(log_normal > NOT_LOGNORMAL_ABOVE, 1e-3, 0.5), np.nan),
            ),
            "mean_k": (dims, mean_k),
            "mean_k_infinite": (dims, mean_k * 1.01),
            "chi_1": (("activation", "bias_variance", "weight_variance"), np.array(chi_1)),
            "border_weight_variance": (
                ("activation", "bias_variance"),
                np.array([[BORDERS[act][bv] for bv in BIAS_VARIANCES] for act in ACTIVATIONS]),
            ),
            "replicates": (("width",), np.full(len(WIDTHS), REPLICATES, dtype=np.int64)),
        },
        coords={
            "activation": ACTIVATIONS,
            "bias_variance": np.array(BIAS_VARIANCES, dtype=np.float64),
            "width": np.array(WIDTHS, dtype=np.int64),
            "weight_variance": np.array(WEIGHT_VARIANCES, dtype=np.float64),
            "depth": np.array(DEPTHS, dtype=np.int64),
        },
        attrs={
            "saturation_fraction": SATURATION_FRACTION,
            "confidence": 0.95,
            "resamples": 2000,
            "input_dimension": 100,
            "input_length": 1.0,
            "parameterization": "standard",
        },
    )


def fake_kappa(max_depth: int = 20) -> xr.Dataset:
    """kappa.nc as the spec has it: kappa_1 and kappa_2 against depth; ReLU's chaotic
    kappa_2 grows exponentially."""
    activations, phases = ["erf", "relu"], ["ordered", "border", "chaotic"]
    q = np.linspace(0.0, 1.0, 11)
    depth = np.arange(1, max_depth + 1)
    growth = np.array([[0.6, 1.0, 1.3], [0.5, 1.0, 1.5]])  # (activation, phase)
    kappa_1 = growth[:, :, None] ** depth[None, None, :] * depth
    kappa_2 = kappa_1[:, :, None, :] * (0.3 + 0.7 * q[None, None, :, None]) ** (depth[None, None, None, :] / max_depth)
    weight = np.array([[1.36, 2.72, 4.08], [1.0, 2.0, 3.0]])
    return xr.Dataset(
        {
            "weight_variance": (("activation", "phase"), weight),
            "bias_variance": (("activation", "phase"), np.ones_like(weight)),
            "kappa_1": (("activation", "phase", "depth"), kappa_1),
            "kappa_2": (("activation", "phase", "input_covariance", "depth"), kappa_2),
            "kappa_ratio": (("activation", "phase", "input_covariance", "depth"), kappa_1[:, :, None, :] / kappa_2),
        },
        coords={"activation": activations, "phase": phases, "input_covariance": q, "depth": depth.astype(np.int64)},
    )


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="module")
def stats():
    return fake_phase_stats()


@pytest.fixture(scope="module")
def kappa():
    return fake_kappa()


def draw(name: str, stats: xr.Dataset, kappa: xr.Dataset, config) -> plt.Figure:
    figure = FIGURES_BY_NAME[name]
    data = {"stats": stats, "kappa": kappa}
    return figure.draw({argument: data[argument] for argument in figure.inputs}, config)


def map_axes(fig: plt.Figure) -> list[plt.Axes]:
    """The map panels (every axes but the colour bar), row by row."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def border_positions(ax: plt.Axes) -> list[float]:
    return [float(line.get_xdata()[0]) for line in ax.lines if line.get_gid() == "border"]


def test_synthetic_data_has_the_spec_features(stats):
    ratio = stats["second_moment_ratio"]
    assert ratio.dims == ("activation", "bias_variance", "width", "weight_variance", "depth")
    assert stats["saturated"].dtype == np.int8 and int(stats["saturated"].sum()) > 0
    assert np.isnan(ratio.sel(activation="tanh", bias_variance=0.5, width=50)).all()  # sparse bias variances
    assert np.isfinite(ratio.sel(activation="relu", bias_variance=0.0, width=50, weight_variance=2.0)).all()
    assert np.isnan(ratio.sel(activation="tanh", bias_variance=1.0, width=100, weight_variance=2.5, depth=16))


def test_registry_entries(config):
    for name in SEED001_FIGURES:
        figure = FIGURES_BY_NAME[name]
        assert figure.category == SEED001 and figure.original.startswith("Seed 001, Figure")
        for path in figure.config_fields():
            config_value(config, path)
    assert FIGURES_BY_NAME["seed001fig1a"].data_patterns(SOURCES) == ("seed001/phase_stats.nc",)
    assert FIGURES_BY_NAME["seed001fig5"].data_patterns(SOURCES) == ("seed001/kappa.nc",)


@pytest.mark.parametrize("name, activation", [("seed001fig1a", "tanh"), ("seed001fig1b", "relu")])
def test_width_maps(name, activation, stats, kappa, config):
    fig = draw(name, stats, kappa, config)
    panels = map_axes(fig)
    widths = list(stats["width"].values)
    assert len(fig.axes) == len(widths) + 1  # one panel per width and the colour bar
    bias = config_value(config, "seed001.maps.bias_variance")
    border = float(stats["border_weight_variance"].sel(activation=activation, bias_variance=bias))
    fig.canvas.draw()  # renders the mathtext, the legend and the tick labels
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [str(d) for d in DEPTHS]
    for ax, width in zip(panels, widths):
        assert border_positions(ax) == [pytest.approx(border)]
        assert f"M = {width}" in ax.get_title()
    # the unsampled cells of the M = 100 tanh panel are masked (blank), the others coloured
    if activation == "tanh":
        mesh = panels[widths.index(100)].collections[0]
        assert int(np.ma.count_masked(mesh.get_array())) == 2
    # saturated cells carry an x (a scatter collection) where the data flags any; cells whose
    # log K fails the normality test at the config's significance a dot
    saturated = stats["saturated"].sel(activation=activation, bias_variance=bias)
    significance = config_value(config, "heavy_tails.significance")
    rejected = stats["normality_pvalue"].sel(activation=activation, bias_variance=bias) < significance
    for ax, width in zip(panels, widths):
        for gid, flagged in (("saturated", saturated), ("not_lognormal", rejected)):
            marks = [c for c in ax.collections if c.get_gid() == gid]
            expected = int(flagged.sel(width=width).sum())
            assert (marks[0].get_offsets().shape[0] if marks else 0) == expected, gid
    assert int(rejected.sum()) > 0
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert any("not Gaussian" in label for label in labels) and any("R_{\\log}" in label for label in labels)
    plt.close(fig)


def _contour_levels(ax: plt.Axes) -> list[float]:
    return [float(level) for c in ax.collections if c.get_gid() == "contour" for level in c.levels]


def _contour_vertices(ax: plt.Axes, level: float) -> np.ndarray:
    """The (sigma_w^2, row) points of the contour line at ``level`` (log10 R)."""
    (contour,) = [c for c in ax.collections if c.get_gid() == "contour" and np.isclose(c.levels[0], level)]
    paths = contour.get_paths()
    return np.concatenate([path.vertices for path in paths]) if paths else np.empty((0, 2))


def test_contours_follow_the_log_normal_ratio():
    """A planted map where the plain ratio stays below 2 everywhere (a heavy-tailed sample's
    under-estimate) while R_log = exp(s^2) crosses 2 along sigma_w^2: the std/mean = 1
    contour is R_log's, at the crossing; where log K fails the normality test, dots."""
    weights, depths = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 2, 4])
    log_normal = np.broadcast_to(np.array([1.2, 1.6, 2.4, 3.2])[:, None], (4, 3))  # crosses 2 between 2 and 3
    plain = np.full((4, 3), 1.5)
    pvalue = np.where(log_normal > 2.0, 1e-3, 0.5)
    dims = ("activation", "bias_variance", "width", "weight_variance", "depth")

    def cell(values):
        return (dims, np.asarray(values, dtype=np.float64)[None, None, None])

    stats = xr.Dataset(
        {
            "second_moment_ratio": cell(plain),
            "second_moment_ratio_lo": cell(plain - 0.1),
            "second_moment_ratio_hi": cell(plain + 0.1),
            "saturated": (dims, np.zeros((1, 1, 1, 4, 3), np.int8)),
            "log_normal_ratio": cell(log_normal),
            "log_normal_ratio_lo": cell(log_normal * 0.9),
            "log_normal_ratio_hi": cell(log_normal * 1.1),
            "normality_pvalue": cell(pvalue),
            "border_weight_variance": (("activation", "bias_variance"), [[2.0]]),
        },
        coords={
            "activation": ["relu"],
            "bias_variance": [1.0],
            "width": [50],
            "weight_variance": weights,
            "depth": depths,
        },
    )
    fig = plot_phase_maps(stats, "relu", bias_variances=1.0, relative_std_thresholds=(0.3, 1.0), significance=0.05)
    (ax,) = map_axes(fig)
    assert sorted(_contour_levels(ax)) == pytest.approx(sorted([np.log10(1.09), np.log10(2.0)]))
    crossing = _contour_vertices(ax, np.log10(2.0))
    # linear in log10 R_log between sigma_w^2 = 2 (R_log 1.6) and 3 (2.4)
    expected = 2.0 + (np.log10(2.0) - np.log10(1.6)) / (np.log10(2.4) - np.log10(1.6))
    assert crossing.size and np.allclose(crossing[:, 0], expected)
    # the plain ratio (1.5 everywhere) never reaches 2: no contour would be drawn from it
    (dots,) = [c for c in ax.collections if c.get_gid() == "not_lognormal"]
    assert dots.get_offsets().shape[0] == int((pvalue < 0.05).sum()) == 6
    # no significance: no dots; a dataset without R_log: contours of the plain ratio
    fig2 = plot_phase_maps(
        stats.drop_vars("log_normal_ratio"), "relu", bias_variances=1.0, relative_std_thresholds=(0.3, 1.0)
    )
    (ax2,) = map_axes(fig2)
    assert not [c for c in ax2.collections if c.get_gid() == "not_lognormal"]
    assert _contour_vertices(ax2, np.log10(2.0)).size == 0
    plt.close("all")


def test_bias_variance_maps(stats, kappa, config):
    fig = draw("seed001fig7", stats, kappa, config)
    columns = config_value(config, "seed001.bias_maps.bias_variances")
    activations = config_value(config, "seed001.activations")
    assert len(fig.axes) == len(activations) * len(columns) + 1
    for k, ax in enumerate(map_axes(fig)):
        activation, bias = activations[k // len(columns)], columns[k % len(columns)]
        border = float(stats["border_weight_variance"].sel(activation=activation, bias_variance=bias))
        assert border_positions(ax) == [pytest.approx(border)]
        assert f"\\sigma_b^2 = {bias:g}" in ax.get_title()
    fig.canvas.draw()
    plt.close(fig)


def test_depth_curves(stats, kappa, config):
    fig = draw("seed001fig2", stats, kappa, config)
    points = config_value(config, "seed001.depth_curves.points")
    assert len(fig.axes) == 3 * len(points)
    top, bottom, linear = fig.axes[0], fig.axes[len(points)], fig.axes[2 * len(points)]
    assert top.get_yscale() == "log" and bottom.get_xlabel() == "$L / M$"
    # (c): ln R against L/M on linear axes, the same curves.
    assert linear.get_yscale() == "linear" and linear.get_xscale() == "linear"
    first = next(line for line in linear.lines if line.get_linestyle() == "-")
    log_middle = next(line for line in bottom.lines if line.get_linestyle() == "-")
    np.testing.assert_allclose(first.get_ydata(), np.log(log_middle.get_ydata()))
    # one line per width; the L/M axis of the widest width reaches depth / width
    curves = [line for line in top.lines if line.get_linestyle() == "-"]
    assert len(curves) == len(WIDTHS)
    assert max(float(np.max(line.get_xdata())) for line in bottom.lines if len(line.get_xdata())) == pytest.approx(
        max(DEPTHS) / min(WIDTHS)
    )
    fig.canvas.draw()
    plt.close(fig)


@pytest.mark.parametrize("name, quantity", [("seed001fig5", "kappa_2"), ("seed001fig6", "kappa_ratio")])
def test_kappa(name, quantity, stats, kappa, config):
    fig = draw(name, stats, kappa, config)
    panels = map_axes(fig)
    assert len(panels) == 6 and len(fig.axes) == 7
    chaotic_relu = panels[5]
    assert "ReLU, chaotic" in chaotic_relu.get_title() and "\\sigma_w^2 = 3" in chaotic_relu.get_title()
    if quantity == "kappa_2":
        assert chaotic_relu.get_yscale() == "log"  # exponential growth
    fig.canvas.draw()
    plt.close(fig)


def test_missing_values_are_clear_errors(stats, kappa):
    with pytest.raises(ValueError, match="activation 'gelu' is not in the data.*available: tanh, relu"):
        plot_phase_maps(stats, "gelu", bias_variances=1.0)
    with pytest.raises(ValueError, match="width 64 is not in the data.*available: 50, 100, 200, 500"):
        plot_phase_maps(stats, "tanh", bias_variances=1.0, widths=[50, 64])
    with pytest.raises(ValueError, match=r"bias variance \(sigma_b\^2\) 3.0 is not in the data"):
        plot_phase_maps(stats, "relu", panels="bias_variance", widths=100, bias_variances=[1.0, 3.0])
    with pytest.raises(ValueError, match="exactly one width"):
        plot_phase_maps(stats, "relu", panels="bias_variance", widths=[50, 100])
    with pytest.raises(ValueError, match="activation 'tanh'"):
        plot_depth_curves(stats.sel(activation=["relu"]), "tanh", [(1.0, 1.0)])
    with pytest.raises(ValueError, match=r"weight variance \(sigma_w\^2\) of point \(7.0, 1.0\)"):
        plot_depth_curves(stats, "relu", [(7.0, 1.0)])
    with pytest.raises(ValueError, match="not sampled for tanh at any width"):
        plot_depth_curves(stats, "tanh", [(1.0, 0.5)], widths=[50, 200])
    with pytest.raises(ValueError, match="activation 'tanh' is not in the data.*available: erf, relu"):
        plot_kappa(kappa, "kappa_2", activations=["tanh"])
    with pytest.raises(ValueError, match="quantity 'kappa_3'.*available: kappa_2, kappa_ratio"):
        plot_kappa(kappa, "kappa_3")
    plt.close("all")
