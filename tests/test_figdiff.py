"""finite-ntk-figdiff: a run against itself passes; a changed data value or a changed
figure is caught and named; Monte-Carlo noise within the bootstrap intervals passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from finite_ntk import figdiff
from finite_ntk.plotting.style import apply_style, save_figure


def stats(shift: float = 0.0, scale_at: tuple[int, int] | None = None, flip_saturated: bool = False) -> xr.Dataset:
    beta = np.array([0.01, 0.1, 0.25, 0.5, 1.0])
    ratio = np.exp(5 * beta)[None, :] * np.array([1.0, 0.9, 0.2])[:, None] + 1
    half = 0.1 * ratio
    value = ratio + shift * half  # shift in units of one half-width
    if scale_at is not None:
        value[scale_at] *= 10
    saturated = (ratio >= 50).astype(np.int8)
    if flip_saturated:
        saturated[0, 0] = 1 - saturated[0, 0]
    dims = ("activation", "config")
    return xr.Dataset(
        {
            "second_moment_ratio": (dims, value),
            "second_moment_ratio_lo": (dims, value - half),
            "second_moment_ratio_hi": (dims, value + half),
            "saturated": (dims, saturated),
            "theory_second_moment": ("config", np.exp(5 * beta)),
        },
        coords={"activation": ["relu", "gelu", "sigmoid"], "config": np.arange(5), "beta": ("config", beta)},
        attrs={"git_revision": f"rev-{shift}"},  # attributes never count
    )


def plot(ds: xr.Dataset, stem: Path, extra_box: bool = False) -> None:
    apply_style()
    fig, ax = plt.subplots()
    for activation in ds["activation"].values:
        s = ds.sel(activation=activation)
        ax.errorbar(ds["beta"], s["second_moment_ratio"], yerr=[s["second_moment_ratio"] - s["second_moment_ratio_lo"],
                    s["second_moment_ratio_hi"] - s["second_moment_ratio"]], fmt="o", label=str(activation))
    if extra_box:
        ax.axvspan(0.2, 0.4, color="black")
    ax.set_yscale("log")
    ax.legend()
    save_figure(fig, stem)


def make_run(root: Path, name: str, ds: xr.Dataset, extra_box: bool = False, drop_figure: str | None = None) -> Path:
    figures, results = root / "figures" / name, root / "results" / name
    results.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(results / "ntk_stats_fnn.nc")
    (results / "training").mkdir()
    xr.Dataset({"loss": ("step", np.linspace(1, 0.1, 5))}).to_netcdf(results / "training" / "fnn_w8_d1.nc")
    for stem in ("fig1a", "fig2a"):
        if stem != drop_figure:
            plot(ds, figures / stem, extra_box=extra_box and stem == "fig2a")
    return figures


@pytest.fixture
def reference(tmp_path) -> Path:
    figures = make_run(tmp_path, "paper", stats())
    destination = tmp_path / "figures" / "reference"
    figdiff.export_reference(figures, tmp_path / "results" / "paper", destination)
    return destination


def statuses(rows):
    return {r.name: r.status for r in rows}


def test_export_layout(reference):
    assert sorted(p.name for p in reference.glob("*.png")) == ["fig1a.png", "fig2a.png"]
    assert (reference / "data" / "ntk_stats_fnn.nc").is_file()
    assert (reference / "data" / "training" / "fnn_w8_d1.nc").is_file()


def test_run_against_itself_passes(tmp_path, reference):
    figures = tmp_path / "figures" / "paper"
    out = tmp_path / "out"
    assert figdiff.main([str(figures), str(reference), "--out", str(out)]) == 0
    rows = figdiff.read_summary(out / "summary.tsv")
    assert rows and all(r["status"] == figdiff.IDENTICAL for r in rows)
    assert {r["name"] for r in rows if r["kind"] == "figure"} == {"fig1a", "fig2a"}
    assert "fig1a" in (out / "index.html").read_text()


def test_changed_data_value_is_caught_and_named(tmp_path, reference):
    figures = make_run(tmp_path, "edited", stats(scale_at=(1, 3)))
    rows = figdiff.run_figdiff(figures, reference, tmp_path / "out")
    bad = [r for r in rows if r.status in figdiff.FAILING]
    names = {r.name for r in bad}
    assert "ntk_stats_fnn.nc:second_moment_ratio" in names
    detail = next(r.detail for r in bad if r.name == "ntk_stats_fnn.nc:second_moment_ratio")
    assert "activation=gelu" in detail and "config=3" in detail
    assert {"fig1a", "fig2a"} <= names  # their pictures changed and their data differ
    assert figdiff.main([str(figures), str(reference), "--out", str(tmp_path / "out2")]) == 1


def test_changed_figure_with_identical_data_is_caught(tmp_path, reference):
    figures = make_run(tmp_path, "drawn", stats(), extra_box=True)
    rows = figdiff.run_figdiff(figures, reference, tmp_path / "out")
    got = statuses(rows)
    assert got["fig2a"] == figdiff.DIFFERS and got["fig1a"] == figdiff.IDENTICAL
    assert "drawing changed" in next(r.detail for r in rows if r.name == "fig2a")
    assert (tmp_path / "out" / "diff" / "fig2a.png").is_file()
    assert not any(r.status in figdiff.FAILING for r in rows if r.kind == "data")


def test_monte_carlo_noise_within_intervals_passes(tmp_path, reference):
    figures = make_run(tmp_path, "reseeded", stats(shift=0.8, flip_saturated=True))
    rows = figdiff.run_figdiff(figures, reference, tmp_path / "out")
    got = statuses(rows)
    assert got["ntk_stats_fnn.nc:second_moment_ratio"] == figdiff.WITHIN
    assert got["ntk_stats_fnn.nc:saturated"] == figdiff.WITHIN
    assert got["fig1a"] in (figdiff.WITHIN, figdiff.SAME)
    assert not [r for r in rows if r.status in figdiff.FAILING]
    # Beyond the sum of the half-widths it differs.
    figures = make_run(tmp_path, "shifted", stats(shift=2.5))
    got = statuses(figdiff.run_figdiff(figures, reference, tmp_path / "out2"))
    assert got["ntk_stats_fnn.nc:second_moment_ratio"] == figdiff.DIFFERS


def test_missing_figure_and_data_file_are_named(tmp_path, reference):
    figures = make_run(tmp_path, "partial", stats(), drop_figure="fig2a")
    (tmp_path / "results" / "partial" / "training" / "fnn_w8_d1.nc").unlink()
    got = statuses(figdiff.run_figdiff(figures, reference, tmp_path / "out"))
    assert got["fig2a"] == figdiff.MISSING
    assert got["training/fnn_w8_d1.nc"] == figdiff.MISSING


def test_exact_variables_and_coordinates(tmp_path):
    ref = stats()
    new = ref.assign(theory_second_moment=ref["theory_second_moment"] * (1 + 1e-12))
    rows = statuses(figdiff.compare_datasets(ref, new, "f.nc"))
    assert rows["f.nc:theory_second_moment"] == figdiff.DIFFERS
    rows = statuses(figdiff.compare_datasets(ref, new, "f.nc", rtol=1e-9))
    assert rows["f.nc:theory_second_moment"] == figdiff.WITHIN
    moved = ref.assign_coords(beta=("config", ref["beta"].values * 2))
    assert statuses(figdiff.compare_datasets(ref, moved, "f.nc"))["f.nc:beta"] == figdiff.DIFFERS


def test_missing_reference_is_a_usage_error(tmp_path):
    figures = make_run(tmp_path, "paper", stats())
    assert figdiff.main([str(figures), str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2


def test_smoke_run_against_itself(smoke_run, tmp_path):
    """The real smoke figures and data, exported as a reference and diffed against the run."""
    reference = tmp_path / "reference"
    figdiff.export_reference(smoke_run / "figures" / "smoke", smoke_run / "results" / "smoke", reference)
    rows = figdiff.run_figdiff(smoke_run / "figures" / "smoke", reference, tmp_path / "out", data=smoke_run / "results" / "smoke")
    assert rows and all(r.status == figdiff.IDENTICAL for r in rows)
    # One changed value in the copy of the data is caught and named.
    path = reference / "data" / "ntk_stats_pinn.nc"
    with xr.open_dataset(path) as ds:
        ds = ds.load()
    ds["relative_delta_k"][0, 0, 0] = ds["relative_delta_k"][0, 0, 0] * 100
    path.unlink()
    ds.to_netcdf(path)
    bad = {r.name for r in figdiff.run_figdiff(smoke_run / "figures" / "smoke", reference, tmp_path / "out2",
                                                 data=smoke_run / "results" / "smoke") if r.status in figdiff.FAILING}
    assert bad == {"ntk_stats_pinn.nc:relative_delta_k"}
    shutil.rmtree(reference)
