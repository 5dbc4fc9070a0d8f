"""Seed 001's training figures (Figures 3, 4, 8-11; finite_ntk.papers.seed001.plots.
plot_training_maps; and beside 3 and 4 the learning-rate maps 3c, 4c, plot_learning_rate_maps)
from a small fabricated dataset in the format of ``seed001/training_stats.nc``, drawn through
the figure registry with the repository's config."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from finite_ntk.config import config_value, load_config
from finite_ntk.papers import FIGURES_BY_NAME, SOURCES
from finite_ntk.papers.seed001.figures import CATEGORY as SEED001
from finite_ntk.papers.seed001.plots import LEVEL_MARGIN, plot_learning_rate_maps, plot_training_maps

ROOT = Path(__file__).resolve().parents[1]
# figure -> (activation, panels)
TRAINING_FIGURES = {
    "seed001fig3": ("tanh", "quantity"),
    "seed001fig4": ("relu", "quantity"),
    "seed001fig8": ("tanh", "snapshot"),
    "seed001fig9": ("relu", "snapshot"),
    "seed001fig10": ("tanh", "width"),
    "seed001fig11": ("relu", "width"),
}
LEARNING_RATE_FIGURES = {"seed001fig3c": "tanh", "seed001fig4c": "relu"}

ACTIVATIONS = ["tanh", "relu"]
WIDTHS = [128, 256, 512]
MAIN_WIDTH = 256
WEIGHT_VARIANCES = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
DEPTHS = [1, 2, 5, 10, 20]
SNAPSHOTS = [10, 100, 1000]
MAX_STEPS = 2000
LEARNING_RATE = 1e-5
CONSTANT_LOSS = 0.45
BORDERS = {"tanh": 3.44, "relu": 2.0}
DATASET_NAME = "scikit-learn digits"
# (activation, width, sigma_w^2, depth) of special cells
DIVERGED = [("tanh", 256, 4.5, 20), ("relu", 256, 4.5, 20), ("relu", 256, 4.0, 20), ("relu", 512, 4.5, 20)]
DIVERGED_AT = 50  # steps: after the first snapshot, before the second
EARLY = [("tanh", 256, 0.5, 1), ("tanh", 256, 1.0, 1), ("relu", 256, 0.5, 1), ("tanh", 128, 0.5, 1)]
EARLY_AT = 500  # steps: between the second and the third snapshot
UNTRAINED_MAIN = [("tanh", 256, 3.0, 10), ("relu", 256, 1.5, 5)]
# stopped at the stability edge: a value at the stop, NaN snapshots after it
EDGE = [("tanh", 256, 4.0, 20), ("relu", 256, 3.5, 20), ("relu", 512, 4.0, 20)]
EDGE_AT = 300  # steps: between the second and the third snapshot
# the learning-rate maps: the paper's lr above the empirical limit (main width), the theory's
ABOVE_EMPIRICAL = [("tanh", 256, 4.0, 20), ("relu", 256, 4.5, 10), ("relu", 256, 3.5, 20)]
ABOVE_THEORY = [("relu", 256, 4.5, 10)]
# Theta_0 / K's smallest eigenvalue below 1e-6 of the largest (round-off) or negative
UNRESOLVED = [("tanh", 256, 0.5, 20), ("relu", 256, 0.5, 20), ("relu", 256, 1.0, 20)]
SPARSE_DEPTHS = [1, 5, 20]  # the other widths have only these depths


def fake_training_stats() -> xr.Dataset:
    """training_stats.nc as the spec has it: the NTK change grows with L/M and with
    sigma_w^2 past the border; a few diverged runs (NaN change at the end and after the
    divergence, finite minimal loss), a few runs stopped at the stability edge (values at
    the stop, NaN snapshots after it), a few early stops (the change frozen after them),
    the main width complete but for two holes, the other widths on three depths only; the
    initial kernel's spectrum with a few cells where lr exceeds the limit and a few whose
    smallest eigenvalue is round-off."""
    a, m, w, L = np.meshgrid(np.arange(len(ACTIVATIONS)), WIDTHS, WEIGHT_VARIANCES, DEPTHS, indexing="ij")
    border = np.array([BORDERS[x] for x in ACTIVATIONS])[a]
    change = 1e-3 * np.exp(3.0 * L / m * 20) * (1.0 + 5.0 * np.maximum(w / border - 1.0, 0.0)) ** 2
    initial = 0.5 + 0.1 * w * L / 5
    min_loss = initial * np.exp(-5.0 * w / (1.0 + L))  # above the constant output's loss where ordered and deep
    status = np.full(change.shape, 1, dtype=np.int8)
    steps = np.full(change.shape, MAX_STEPS, dtype=np.int64)
    index = {"activation": ACTIVATIONS, "width": WIDTHS, "weight_variance": WEIGHT_VARIANCES, "depth": DEPTHS}

    def at(cell):
        return tuple(list(values).index(v) for values, v in zip(index.values(), cell))

    status[(m != MAIN_WIDTH) & ~np.isin(L, SPARSE_DEPTHS)] = -1
    for cell in UNTRAINED_MAIN:
        status[at(cell)] = -1
    for cell in EARLY:
        status[at(cell)], steps[at(cell)] = 0, EARLY_AT
    for cell in DIVERGED:
        status[at(cell)], steps[at(cell)] = 2, DIVERGED_AT
        min_loss[at(cell)] = initial[at(cell)]
    for cell in EDGE:
        status[at(cell)], steps[at(cell)] = 3, EDGE_AT
    trained = status >= 0
    steps = np.where(trained, steps, -1)
    snapshot = np.array(SNAPSHOTS)
    fraction = np.minimum(1.0, snapshot / np.maximum(steps, 1)[..., None]) ** 0.5
    per_step = change[..., None] * fraction
    per_step[(status == 2)[..., None] & (snapshot > DIVERGED_AT)] = np.nan
    per_step[(status == 3)[..., None] & (snapshot > EDGE_AT)] = np.nan
    per_step[~trained] = np.nan
    change = np.where(trained & (status != 2), change, np.nan)
    # the limit 2n / lambda_max falls with sigma_w^2 and depth; the theory a little above
    limit = 1e-3 / (w * L)
    theory = 1.2 * limit
    for cell in ABOVE_EMPIRICAL:
        limit[at(cell)] = 0.5 * LEARNING_RATE
    for cell in ABOVE_THEORY:
        theory[at(cell)] = 0.8 * LEARNING_RATE
    largest = 128 * 2 / limit / 1.5
    smallest = largest * 1e-3 / L
    for k, cell in enumerate(UNRESOLVED):
        smallest[at(cell)] = largest[at(cell)] * (-1e-8 if k == 0 else 1e-8)
    dims = ("activation", "width", "weight_variance", "depth")
    return xr.Dataset(
        {
            "ntk_change_end": (dims, change),
            "min_loss": (dims, np.where(trained, min_loss, np.nan)),
            "initial_loss": (dims, np.where(trained, initial, np.nan)),
            "steps": (dims, steps),
            "status": (dims, status, {"status_codes": "0: converged, 1: cap, 2: diverged, 3: edge"}),
            "max_learning_rate": (dims, np.where(trained, limit, np.nan)),
            "max_learning_rate_theory": (dims, theory),
            "kernel_eigenvalue_max": (dims, np.where(trained, largest, np.nan)),
            "kernel_eigenvalue_min": (dims, np.where(trained, smallest, np.nan)),
            "ntk_change": ((*dims, "snapshot"), per_step),
            "border_weight_variance": (("activation",), np.array([BORDERS[x] for x in ACTIVATIONS])),
        },
        coords={
            "activation": ACTIVATIONS,
            "width": np.array(WIDTHS, dtype=np.int64),
            "weight_variance": np.array(WEIGHT_VARIANCES, dtype=np.float64),
            "depth": np.array(DEPTHS, dtype=np.int64),
            "snapshot": np.array(SNAPSHOTS, dtype=np.int64),
        },
        attrs={
            "learning_rate": LEARNING_RATE,
            "max_steps": MAX_STEPS,
            "training_time": LEARNING_RATE * MAX_STEPS,
            "constant_loss": CONSTANT_LOSS,
            "bias_variance": 1.0,
            "main_width": MAIN_WIDTH,
            "dataset_name": DATASET_NAME,
            "dataset_description": "scikit-learn digits (8x8, substitute for MNIST)",
            "samples": 128,
        },
    )


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="module")
def stats():
    return fake_training_stats()


def draw(name: str, stats: xr.Dataset, config) -> plt.Figure:
    return FIGURES_BY_NAME[name].draw({"stats": stats}, config)


HATCHED = ("diverged", "edge", "unresolved")  # gids of hatched cells (PatchCollections)


def map_axes(fig: plt.Figure) -> list[plt.Axes]:
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def border_positions(ax: plt.Axes) -> list[float]:
    return [float(line.get_xdata()[0]) for line in ax.lines if line.get_gid() == "border"]


def marked(ax: plt.Axes, gid: str) -> set[tuple[float, float]]:
    """(sigma_w^2, depth) of the cells a panel marks with ``gid`` (hatched patches or dots)."""
    cells = set()
    for collection in ax.collections:
        if collection.get_gid() != gid:
            continue
        if gid in HATCHED:
            centres = [path.vertices[:4].mean(axis=0) for path in collection.get_paths()]
        else:
            centres = collection.get_offsets()
        cells |= {(round(float(x), 6), DEPTHS[int(round(y))]) for x, y in centres}
    return cells


def expected(cells, activation: str, width: int) -> set[tuple[float, int]]:
    return {(w, L) for a, m, w, L in cells if a == activation and m == width}


def mesh(ax: plt.Axes):
    (quad,) = [c for c in ax.collections if c.__class__.__name__ == "QuadMesh"]
    return quad


def test_fabricated_data_has_the_spec_features(stats):
    assert stats["ntk_change"].dims == ("activation", "width", "weight_variance", "depth", "snapshot")
    assert stats["status"].dtype == np.int8 and set(np.unique(stats["status"].values)) == {-1, 0, 1, 2, 3}
    diverged = stats.sel(activation="tanh", width=256, weight_variance=4.5, depth=20)
    assert np.isnan(diverged["ntk_change_end"]) and np.isfinite(diverged["min_loss"])
    assert np.isfinite(diverged["ntk_change"].sel(snapshot=10)) and np.isnan(diverged["ntk_change"].sel(snapshot=100))
    early = stats.sel(activation="tanh", width=256, weight_variance=0.5, depth=1)
    assert float(early["ntk_change"].sel(snapshot=1000)) == pytest.approx(float(early["ntk_change_end"]))
    assert int(stats["steps"].sel(activation="relu", width=128, depth=2).max()) == -1


def test_registry_entries(config):
    for name, (activation, panels) in TRAINING_FIGURES.items():
        figure = FIGURES_BY_NAME[name]
        assert figure.category == SEED001 and figure.subcategory == "Training"
        assert figure.original == f"Seed 001, Figure {name.removeprefix('seed001fig')}"
        assert figure.arguments["activation"] == activation and figure.arguments["panels"] == panels
        assert figure.data_patterns(SOURCES) == ("seed001/training_stats.nc",)
        assert figure.label == f"fig:{name}"
        for path in figure.config_fields():
            config_value(config, path)
    for name in ("seed001fig3", "seed001fig8", "seed001fig10"):
        caption = FIGURES_BY_NAME[name].caption
        assert "MNIST" in caption and "the figure's title names the data set" in caption
        assert "hatched x: diverged" in caption and "hatched /: " in caption and "stability edge" in caption
    assert "best constant output" in FIGURES_BY_NAME["seed001fig3"].caption
    assert "tau = lr x step" in FIGURES_BY_NAME["seed001fig8"].caption
    for name, activation in LEARNING_RATE_FIGURES.items():
        figure = FIGURES_BY_NAME[name]
        assert figure.category == SEED001 and figure.subcategory == "Training" and figure.original == ""
        assert figure.plot.endswith(":plot_learning_rate_maps") and figure.arguments["activation"] == activation
        assert figure.data_patterns(SOURCES) == ("seed001/training_stats.nc",)
    caption = FIGURES_BY_NAME["seed001fig3c"].caption
    for words in ("2n / lambda_max", "Lemma 2", "data-independent form", "white x", "1e-6", "unresolved"):
        assert words in caption


@pytest.mark.parametrize("name", ["seed001fig3", "seed001fig4"])
def test_end_of_training_maps(name, stats, config):
    activation = TRAINING_FIGURES[name][0]
    fig = draw(name, stats, config)
    panels = map_axes(fig)
    assert len(panels) == 2 and len(fig.axes) == 4  # (a) change, (b) loss, each with its colour bar
    fig.canvas.draw()
    assert DATASET_NAME in fig.get_suptitle() and "M = 256" in fig.get_suptitle()
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [str(d) for d in DEPTHS]
    assert "(a)" in panels[0].get_title() and "(b)" in panels[1].get_title()
    for ax in panels:
        assert border_positions(ax) == [pytest.approx(BORDERS[activation])]
        assert marked(ax, "diverged") == expected(DIVERGED, activation, MAIN_WIDTH)
        assert marked(ax, "stopped_early") == expected(EARLY, activation, MAIN_WIDTH)
        assert marked(ax, "edge") == expected(EDGE, activation, MAIN_WIDTH)
    change, loss = mesh(panels[0]), mesh(panels[1])
    holes = len(expected(UNTRAINED_MAIN, activation, MAIN_WIDTH))
    unfinished = len(expected(DIVERGED, activation, MAIN_WIDTH)) + len(expected(EDGE, activation, MAIN_WIDTH))
    # untrained cells blank in both; diverged and edge runs too: a mark, not a colour
    assert int(np.ma.count_masked(change.get_array())) == holes + unfinished
    assert int(np.ma.count_masked(loss.get_array())) == holes + unfinished
    # own logarithmic scales, spanning each quantity over the finished runs
    assert change.norm.__class__.__name__ == "LogNorm" and loss.norm.__class__.__name__ == "LogNorm"
    cell = stats.sel(activation=activation, width=MAIN_WIDTH)
    finished = cell["status"].isin([0, 1])
    values = cell["ntk_change_end"].where(finished)
    assert change.norm.vmax == pytest.approx(float(values.max())) and change.norm.vmin == pytest.approx(
        float(values.min())
    )
    # the loss relative to the best constant output's, the scale reaching past the level 1
    relative = cell["min_loss"].where(finished) / CONSTANT_LOSS
    assert loss.norm.vmax == pytest.approx(max(float(relative.max()), LEVEL_MARGIN))
    assert loss.norm.vmin == pytest.approx(min(float(relative.min()), 1 / LEVEL_MARGIN))
    shown = loss.get_array().reshape(len(DEPTHS), len(WEIGHT_VARIANCES))
    w, L = WEIGHT_VARIANCES.index(1.0), DEPTHS.index(2)
    assert float(shown[L, w]) == pytest.approx(
        float(cell["min_loss"].sel(weight_variance=1.0, depth=2)) / CONSTANT_LOSS
    )
    assert [c.get_gid() for c in panels[1].collections].count("level") == 1  # the contour at ratio 1
    assert "level" not in [c.get_gid() for c in panels[0].collections]
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert "best constant output" in bars[1].get_ylabel()
    assert [line.get_ydata()[0] for line in bars[1].lines if line.get_gid() == "constant_level"] == [1.0]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "diverged" in labels and any("stopped early" in t for t in labels) and "blank: not trained" in labels
    assert any("stability edge" in t for t in labels)
    assert "loss = best constant output's (contour, line on the colour bar)" in labels
    assert r"\tau" in fig.get_suptitle()
    plt.close(fig)


def test_one_diverged_cell_is_masked_and_hatched_not_coloured(stats):
    """A planted grid with one diverged cell whose minimal loss would top the colour scale:
    masked in the loss panel, hatched, and left out of the scale."""
    planted = stats.sel(activation=["tanh"], width=[MAIN_WIDTH]).copy(deep=True)
    planted["status"][:] = np.where(planted["status"] >= 0, 1, -1)
    planted["ntk_change_end"][:] = planted["ntk_change_end"].where(planted["status"] < 0, 1e-2)
    cell = dict(activation="tanh", width=MAIN_WIDTH, weight_variance=2.0, depth=5)
    planted["status"].loc[cell] = 2
    planted["min_loss"].loc[cell] = 1e6
    planted["ntk_change_end"].loc[cell] = np.nan
    fig = plot_training_maps(planted, "tanh")
    change, loss = (mesh(ax) for ax in map_axes(fig))
    holes = len(expected(UNTRAINED_MAIN, "tanh", MAIN_WIDTH))
    for quad in (change, loss):
        array = quad.get_array().reshape(len(DEPTHS), len(WEIGHT_VARIANCES))
        assert np.ma.is_masked(array[DEPTHS.index(5), WEIGHT_VARIANCES.index(2.0)])
        assert int(np.ma.count_masked(array)) == holes + 1
    assert loss.norm.vmax < 1e3  # the diverged run's loss does not set the scale
    for ax in map_axes(fig):
        assert marked(ax, "diverged") == {(2.0, 5)} and marked(ax, "edge") == set()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "diverged" in labels and not any("stability edge" in t for t in labels)
    plt.close(fig)


def test_without_constant_loss_the_plain_loss_is_drawn(stats):
    plain = stats.copy()
    plain.attrs = {k: v for k, v in stats.attrs.items() if k != "constant_loss"}
    fig = plot_training_maps(plain, "tanh")
    loss = mesh(map_axes(fig)[1])
    finished = stats["status"].sel(activation="tanh", width=MAIN_WIDTH).isin([0, 1])
    values = stats["min_loss"].sel(activation="tanh", width=MAIN_WIDTH).where(finished)
    assert loss.norm.vmax == pytest.approx(float(values.max()))
    assert "level" not in [c.get_gid() for c in map_axes(fig)[1].collections]
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert bars[1].get_ylabel() == "minimal training loss"
    plt.close(fig)


@pytest.mark.parametrize("name", ["seed001fig8", "seed001fig9"])
def test_snapshot_maps(name, stats, config):
    activation = TRAINING_FIGURES[name][0]
    fig = draw(name, stats, config)
    panels = map_axes(fig)
    assert len(panels) == len(SNAPSHOTS) and len(fig.axes) == len(SNAPSHOTS) + 1  # one shared colour bar
    meshes = [mesh(ax) for ax in panels]
    assert len({(m.norm.vmin, m.norm.vmax) for m in meshes}) == 1
    diverged = expected(DIVERGED, activation, MAIN_WIDTH)
    holes = len(expected(UNTRAINED_MAIN, activation, MAIN_WIDTH))
    edge = expected(EDGE, activation, MAIN_WIDTH)
    taus = {10: "10^{-4}", 100: "10^{-3}", 1000: "10^{-2}"}
    for ax, quad, step in zip(panels, meshes, SNAPSHOTS):
        assert f"after {step:,} steps" in ax.get_title() and rf"$\tau = {taus[step]}$" in ax.get_title()
        assert border_positions(ax) == [pytest.approx(BORDERS[activation])]
        assert marked(ax, "diverged") == diverged  # hatched in every panel
        assert marked(ax, "edge") == edge
        # dotted where the early stop had happened by this step
        assert marked(ax, "stopped_early") == (expected(EARLY, activation, MAIN_WIDTH) if step >= EARLY_AT else set())
        # diverged or stopped at the edge before this step: blank beneath the hatch; coloured before
        gone = (len(diverged) if step > DIVERGED_AT else 0) + (len(edge) if step > EDGE_AT else 0)
        assert int(np.ma.count_masked(quad.get_array())) == holes + gone
    fig.canvas.draw()
    plt.close(fig)


@pytest.mark.parametrize("name", ["seed001fig10", "seed001fig11"])
def test_width_maps(name, stats, config):
    activation = TRAINING_FIGURES[name][0]
    fig = draw(name, stats, config)
    panels = map_axes(fig)
    assert len(panels) == len(WIDTHS) and len(fig.axes) == len(WIDTHS) + 1
    assert len({(mesh(ax).norm.vmin, mesh(ax).norm.vmax) for ax in panels}) == 1
    for ax, width in zip(panels, WIDTHS):
        assert f"M = {width}" in ax.get_title()
        assert border_positions(ax) == [pytest.approx(BORDERS[activation])]
        assert marked(ax, "diverged") == expected(DIVERGED, activation, width)
        assert marked(ax, "stopped_early") == expected(EARLY, activation, width)
        assert marked(ax, "edge") == expected(EDGE, activation, width)
        untrained = int((stats["status"].sel(activation=activation, width=width) == -1).sum())
        gone = len(expected(DIVERGED, activation, width)) + len(expected(EDGE, activation, width))
        assert int(np.ma.count_masked(mesh(ax).get_array())) == untrained + gone
    assert int((stats["status"].sel(activation=activation, width=128) == -1).sum()) == 2 * len(WEIGHT_VARIANCES)
    fig.canvas.draw()
    assert DATASET_NAME in fig.get_suptitle() and "M = " not in fig.get_suptitle()
    plt.close(fig)


def test_missing_values_are_clear_errors(stats):
    with pytest.raises(ValueError, match="activation 'gelu' is not in the data.*available: tanh, relu"):
        plot_training_maps(stats, "gelu")
    with pytest.raises(ValueError, match="width 64 is not in the data.*available: 128, 256, 512"):
        plot_training_maps(stats, "tanh", width=64)
    with pytest.raises(ValueError, match="width 64 is not in the data"):
        plot_training_maps(stats, "tanh", panels="width", widths=[128, 64])
    with pytest.raises(ValueError, match="snapshot 50 is not in the data.*available: 10, 100, 1000"):
        plot_training_maps(stats, "relu", panels="snapshot", snapshots=[10, 50])
    with pytest.raises(ValueError, match=r"main width \(attribute main_width\) 256 is not in the data"):
        plot_training_maps(stats.sel(width=[128, 512]), "tanh")
    with pytest.raises(ValueError, match="no attribute 'main_width'"):
        plot_training_maps(stats.drop_attrs(deep=False).assign_attrs(dataset_name="x"), "tanh")
    with pytest.raises(ValueError, match="no attribute 'dataset_name'"):
        plot_training_maps(stats.drop_attrs(deep=False), "tanh")
    with pytest.raises(
        ValueError,
        match="quantity 'accuracy' is not one of the training data's end-of-training variables.*available: ntk_change_end, min_loss",
    ):
        plot_training_maps(stats, "tanh", quantities=("ntk_change_end", "accuracy"))
    with pytest.raises(
        ValueError,
        match="quantity 'min_loss' is not one of the training data's per-snapshot variables.*available: ntk_change",
    ):
        plot_training_maps(stats, "tanh", panels="snapshot", quantities="min_loss")
    with pytest.raises(ValueError, match="panels must be one of"):
        plot_training_maps(stats, "tanh", panels="depth")
    plt.close("all")


@pytest.mark.parametrize("name", list(LEARNING_RATE_FIGURES))
def test_learning_rate_maps(name, stats, config):
    activation = LEARNING_RATE_FIGURES[name]
    fig = draw(name, stats, config)
    panels = map_axes(fig)
    assert len(panels) == 3 and len(fig.axes) == 5  # (a), (b) share a colour bar, (c) its own
    fig.canvas.draw()
    assert "M = 256" in fig.get_suptitle() and DATASET_NAME in fig.get_suptitle()
    assert [t.get_text() for t in panels[0].get_yticklabels()] == [str(d) for d in DEPTHS]
    for ax, letter in zip(panels, "abc"):
        assert f"({letter})" in ax.get_title()
        assert border_positions(ax) == [pytest.approx(BORDERS[activation])]
    empirical, theory, condition = (mesh(ax) for ax in panels)
    cell = stats.sel(activation=activation, width=MAIN_WIDTH)
    holes = len(expected(UNTRAINED_MAIN, activation, MAIN_WIDTH))
    # (a) and (b): one log scale that reaches the paper's learning rate, shown on the colour bar
    assert (empirical.norm.vmin, empirical.norm.vmax) == (theory.norm.vmin, theory.norm.vmax)
    assert empirical.norm.__class__.__name__ == "LogNorm"
    assert empirical.norm.vmin <= LEARNING_RATE / LEVEL_MARGIN and LEARNING_RATE * LEVEL_MARGIN <= empirical.norm.vmax
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert [line.get_ydata()[0] for line in bars[0].lines if line.get_gid() == "learning_rate"] == [LEARNING_RATE]
    assert "2n" in bars[0].get_ylabel() and "condition number" in bars[1].get_ylabel()
    # untrained cells blank in (a); the theory has every cell
    assert int(np.ma.count_masked(empirical.get_array())) == holes
    assert int(np.ma.count_masked(theory.get_array())) == 0
    shown = theory.get_array().reshape(len(DEPTHS), len(WEIGHT_VARIANCES))
    assert float(shown[DEPTHS.index(2), WEIGHT_VARIANCES.index(1.5)]) == pytest.approx(
        float(cell["max_learning_rate_theory"].sel(weight_variance=1.5, depth=2))
    )
    # a white x where lr exceeds the limit
    assert marked(panels[0], "above_limit") == expected(ABOVE_EMPIRICAL, activation, MAIN_WIDTH)
    assert marked(panels[1], "above_limit") == expected(ABOVE_THEORY, activation, MAIN_WIDTH)
    # (c): unresolved cells (negative or round-off smallest eigenvalue) hatched, not coloured
    unresolved = expected(UNRESOLVED, activation, MAIN_WIDTH)
    assert marked(panels[2], "unresolved") == unresolved
    assert int(np.ma.count_masked(condition.get_array())) == holes + len(unresolved)
    ratio = (cell["kernel_eigenvalue_max"] / cell["kernel_eigenvalue_min"]).values
    resolved = ratio[np.isfinite(ratio) & (ratio > 0) & (ratio < 1e6)]
    assert condition.norm.vmax == pytest.approx(resolved.max()) and condition.norm.vmin == pytest.approx(resolved.min())
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("above the limit" in t for t in labels) and any("unresolved" in t for t in labels)
    assert "the paper's lr = 1e-05 (line on the colour bar)" in labels
    assert "blank: not trained" in labels
    plt.close(fig)


def test_learning_rate_maps_clear_errors(stats):
    with pytest.raises(ValueError, match="no max_learning_rate_theory"):
        plot_learning_rate_maps(stats.drop_vars("max_learning_rate_theory"), "tanh")
    with pytest.raises(ValueError, match="width 64 is not in the data"):
        plot_learning_rate_maps(stats, "tanh", width=64)
    with pytest.raises(ValueError, match="activation 'gelu' is not in the data"):
        plot_learning_rate_maps(stats, "gelu")
    # nothing above the limit, nothing unresolved: no such legend entries
    calm = stats.sel(activation=["tanh"], width=[MAIN_WIDTH]).copy(deep=True)
    calm["max_learning_rate"][:] = 1.0
    calm["max_learning_rate_theory"][:] = 1.0
    calm["kernel_eigenvalue_min"][:] = calm["kernel_eigenvalue_max"] * 1e-2
    fig = plot_learning_rate_maps(calm, "tanh")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any("above the limit" in t or "unresolved" in t for t in labels)
    assert all(marked(ax, "above_limit") == set() for ax in map_axes(fig))
    plt.close(fig)
