"""The claims table, the report's macros and provenance, the LaTeX build, and reproducible
figure bytes.

Claims are checked on small synthetic ntk_stats datasets built to make each verdict come
out both ways. The LaTeX report is compiled from synthetic inputs in a temporary
directory (pdflatex via latexmk); the end-to-end smoke run (the ``smoke_run`` fixture of
conftest.py) checks the real report/smoke/report.pdf.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from finite_ntk.report import claims
from finite_ntk.report.claims import AGREES, CLAIMS, DIFFERS, NOT_AVAILABLE, FnnTrainingSummary
from finite_ntk.report.build import REPORT_FIGURES, build_report_pdf
from finite_ntk.report.macros import config_differences, run_macros
from finite_ntk.report.provenance import Benchmark, collect_benchmarks, provenance_latex
from finite_ntk.report.tables import configuration_table

ROOT = Path(__file__).resolve().parents[1]
ACTIVATIONS = ("relu", "gelu", "sigmoid")
HAVE_LATEX = shutil.which("latexmk") is not None and shutil.which("pdftotext") is not None

# Every figure number of REPLICATION.md as the report prints it (captions and the index).
FIGURE_NUMBERS = ["1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "5", "6a", "6b", "7", "8", "9", "10", "S1", "S2a", "S2b"]


# --------------------------------------------------------------------------- synthetic data


def make_stats(
    configs=((512, 1), (64, 2), (32, 4), (16, 4), (32, 16), (16, 16), (16, 32)),
    ratio=None,
    change=None,
    width_of_interval=0.05,
    fitted=(5.0, 4.5, 5.5),
    replicates=100,
    operator=False,
    learning_rate=1e-3,
    n0=1,
):
    """An ntk_stats-like dataset. ``ratio(activation, beta)`` and ``change(activation,
    beta, theory)`` give the point values; intervals are +- ``width_of_interval`` relative."""
    widths = np.array([w for w, _ in configs])
    depths = np.array([d for _, d in configs])
    beta = depths / widths
    theory_ratio = np.exp(5 * beta)
    theory_change = depths * beta / n0 * np.exp(5 * beta) * learning_rate
    ratio = ratio or (lambda a, b: np.exp(5 * b))
    change = change or (lambda a, b, t: -t)
    shape = (len(ACTIVATIONS), len(configs))
    r = np.array([ratio(a, beta) for a in ACTIVATIONS], dtype=float).reshape(shape)
    c = np.array([change(a, beta, theory_change) for a in ACTIVATIONS], dtype=float).reshape(shape)
    h = width_of_interval
    per_config = {
        "mean_k": np.ones(shape),
        "second_moment_ratio": r,
        "second_moment_ratio_lo": r * (1 - h),
        "second_moment_ratio_hi": r * (1 + h),
        "relative_delta_k": c,
        "relative_delta_k_lo": np.minimum(c * (1 - h), c * (1 + h)),
        "relative_delta_k_hi": np.maximum(c * (1 - h), c * (1 + h)),
        "saturated": (r >= 0.5 * replicates).astype(np.int8),
    }
    per_config["mean_k_lo"] = per_config["mean_k_hi"] = per_config["mean_k"]
    dims = ("activation", "config")
    per_activation = {"fitted_C": fitted[0], "fitted_C_lo": fitted[1], "fitted_C_hi": fitted[2]}
    data = {}
    if operator:  # PINN layout: the same values for K_uu and K_rr
        for name, value in per_config.items():
            data[name] = (dims + ("operator",), np.stack([value, value], axis=-1))
        for name, value in per_activation.items():
            data[name] = (("activation", "operator"), np.full((3, 2), value))
        data["operator_vanishes"] = (("activation", "operator"), np.zeros((3, 2), np.int8))
    else:
        for name, value in per_config.items():
            data[name] = (dims, value)
        for name, value in per_activation.items():
            data[name] = (("activation",), np.full(3, value))
    data["replicates"] = (dims, np.full(shape, replicates))
    data["theory_second_moment"] = ("config", theory_ratio)
    data["theory_relative_delta_k"] = ("config", theory_change)
    coords = {
        "activation": list(ACTIVATIONS),
        "config": np.arange(len(configs)),
        "width": ("config", widths),
        "depth": ("config", depths),
        "beta": ("config", beta),
    }
    if operator:
        coords["operator"] = ["uu", "rr"]
    attrs = {"root_seed": 7, "bootstrap_resamples": 200, "confidence": 0.95, "fit_max_beta": 0.25, "n0": n0,
             "model": "pinn" if operator else "fnn"}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def result(key, **kw):
    return {r.key: r for r in claims.evaluate_claims(**kw)}[key]


# --------------------------------------------------------------------------- rules


def test_stated_number_rounding():
    assert claims.stated_number("83.99") == (83.99, pytest.approx(0.005))
    assert claims.stated_number("100.0") == (100.0, pytest.approx(0.05))
    assert claims.stated_number("5") == (5.0, 0.5)
    assert claims.within_interval("1.00", 1.003, 1.2)  # 1.00 rounds from [0.995, 1.005)
    assert not claims.within_interval("1.00", 1.006, 1.2)
    assert not claims.within_interval("1.00", float("nan"), 1.2)
    with pytest.raises(ValueError):
        claims.stated_number("about five")


def test_claims_table_is_the_replication_list():
    assert sorted({c.number for c in CLAIMS}) == list(range(1, 9))
    assert len({c.key for c in CLAIMS}) == len(CLAIMS)
    for claim in CLAIMS:
        if claim.stated is not None:
            claims.stated_number(claim.stated)  # every stated value is a plain quoted number
    stated = {c.key: c.stated for c in CLAIMS}
    assert stated["1.relu.max"] == "83.99" and stated["1.gelu.max"] == "100.0" and stated["1.sigmoid.max"] == "1.03"
    assert stated["2.gelu.max"] == "12.95" and stated["2.sigmoid.max"] == "1.027"


def test_second_moment_start_both_ways():
    near_one = make_stats(ratio=lambda a, b: 1.0 + 0 * b, width_of_interval=0.01)
    assert result("1.relu.start", fnn=near_one, pinn=None).verdict == AGREES
    far = make_stats(ratio=lambda a, b: 1.5 + 0 * b, width_of_interval=0.01)
    r = result("1.relu.start", fnn=far, pinn=None)
    assert r.verdict == DIFFERS and r.value == pytest.approx(1.5)


def test_second_moment_maximum_both_ways():
    def ratio(target):
        return lambda a, b: 1 + (target - 1) * b / b.max()

    hit = make_stats(ratio=ratio(84.0), width_of_interval=0.01)
    r = result("1.relu.max", fnn=hit, pinn=None)
    assert r.verdict == AGREES and r.value == pytest.approx(84.0)
    assert "saturated" in r.note  # 84 >= 0.5 * 100 replicates
    miss = make_stats(ratio=ratio(10.0), width_of_interval=0.01)
    assert result("1.relu.max", fnn=miss, pinn=None).verdict == DIFFERS


def test_sigmoid_bound_both_ways():
    below = make_stats(ratio=lambda a, b: 1.0 + 0.01 * b / b.max(), width_of_interval=0.001)
    assert result("1.sigmoid.max", fnn=below, pinn=None).verdict == AGREES
    above = make_stats(ratio=lambda a, b: 1.0 + 0.5 * b / b.max(), width_of_interval=0.001)
    assert result("1.sigmoid.max", fnn=above, pinn=None).verdict == DIFFERS


def test_pinn_claims_use_the_value_kernel():
    pinn = make_stats(ratio=lambda a, b: 1 + 11.95 * b / b.max(), operator=True, width_of_interval=0.01)
    assert result("2.gelu.max", fnn=None, pinn=pinn).verdict == AGREES
    assert result("2.relu.max", fnn=None, pinn=pinn).verdict == DIFFERS


def test_fitted_C_both_ways():
    assert result("3.fnn.C", fnn=make_stats(fitted=(5.1, 4.6, 5.6)), pinn=None).verdict == AGREES
    r = result("3.fnn.C", fnn=make_stats(fitted=(3.0, 2.5, 3.5)), pinn=None)
    assert r.verdict == DIFFERS and (r.lo, r.hi) == (2.5, 3.5)


def test_departure_both_ways_and_not_available():
    follows = make_stats()  # exactly exp(5 beta) everywhere
    assert result("3.fnn.departure", fnn=follows, pinn=None, large_beta=0.5).verdict == DIFFERS
    departs = make_stats(ratio=lambda a, b: np.where(b >= 0.5, 0.2 * np.exp(5 * b), np.exp(5 * b)))
    assert result("3.fnn.departure", fnn=departs, pinn=None, large_beta=0.5).verdict == AGREES
    small_grid = make_stats(configs=((64, 1), (32, 2), (16, 2)))
    assert result("3.fnn.departure", fnn=small_grid, pinn=None, large_beta=0.5).verdict == NOT_AVAILABLE


def test_parity_both_ways():
    on_line = make_stats(change=lambda a, b, t: -t)
    assert result("4.fnn.small", fnn=on_line, pinn=None, large_beta=0.5).verdict == AGREES
    assert result("4.fnn.large", fnn=on_line, pinn=None, large_beta=0.5).verdict == DIFFERS
    off = make_stats(change=lambda a, b, t: np.where(b >= 0.5, 0.01 * t, 30 * t))
    assert result("4.fnn.small", fnn=off, pinn=None, large_beta=0.5).verdict == DIFFERS
    assert result("4.fnn.large", fnn=off, pinn=None, large_beta=0.5).verdict == AGREES
    # PINN: split at scaling 1 instead of beta; with lr 1 the large-beta points have scaling >= 1.
    pinn = make_stats(change=lambda a, b, t: np.where(t >= 1, 0.01 * t, t), operator=True, learning_rate=1.0)
    assert result("4.pinn.small", fnn=None, pinn=pinn).verdict == AGREES
    assert result("4.pinn.large", fnn=None, pinn=pinn).verdict == AGREES


def _by_activation(values):
    return lambda a, b, t: values[a](b, t)


def test_sigmoid_orders_of_magnitude_below_both_ways():
    far = make_stats(change=_by_activation({"relu": lambda b, t: t, "gelu": lambda b, t: 1.2 * t, "sigmoid": lambda b, t: 1e-3 * t}))
    assert result("5.sigmoid", fnn=far, pinn=None).verdict == AGREES
    close = make_stats(change=_by_activation({"relu": lambda b, t: t, "gelu": lambda b, t: t, "sigmoid": lambda b, t: 0.3 * t}))
    r = result("5.sigmoid", fnn=close, pinn=None)
    assert r.verdict == DIFFERS and r.value == pytest.approx(math.log10(1 / 0.3))


def test_relu_gelu_similar_both_ways():
    similar = make_stats(change=_by_activation({"relu": lambda b, t: t, "gelu": lambda b, t: 1.5 * t, "sigmoid": lambda b, t: t}))
    assert result("5.similar", fnn=similar, pinn=None).verdict == AGREES
    apart = make_stats(change=_by_activation({"relu": lambda b, t: t, "gelu": lambda b, t: 50 * t, "sigmoid": lambda b, t: t}))
    assert result("5.similar", fnn=apart, pinn=None).verdict == DIFFERS
    # A configuration where ReLU's change is undefined (NaN) is left out of the value and the note.
    undefined = make_stats(change=_by_activation({"relu": lambda b, t: np.where(b == b.min(), np.nan, t),
                                                 "gelu": lambda b, t: 1.5 * t, "sigmoid": lambda b, t: t}))
    outcome = result("5.similar", fnn=undefined, pinn=None)
    assert outcome.verdict == AGREES and "nan" not in outcome.note and "10^+0.18" in outcome.note


def test_monotone_both_ways():
    grows = make_stats(change=lambda a, b, t: b)
    r = result("5.monotone.sigmoid", fnn=grows, pinn=None)
    assert r.verdict == AGREES and r.value == pytest.approx(1.0) and r.lo <= r.value <= r.hi
    falls = make_stats(change=lambda a, b, t: 1 / b)
    assert result("5.monotone.relu", fnn=falls, pinn=None).verdict == DIFFERS


def test_pinn_growth_both_ways():
    configs = tuple((64, d) for d in (1, 2, 4, 8, 16, 32, 48, 64, 96))
    as_stated = make_stats(configs=configs, operator=True, change=_by_activation({
        "relu": lambda b, t: 1e-6 * 1e4 ** (b / b.max()),     # 4 decades
        "gelu": lambda b, t: 1e-6 * (1 + 0.1 * b / b.max()),   # flat
        "sigmoid": lambda b, t: 1e-6 * 10 ** (b / b.max()),     # 1 decade
    }))
    got = {k: result(k, fnn=None, pinn=as_stated) for k in ("6.gelu", "6.sigmoid", "6.relu")}
    assert {k: r.verdict for k, r in got.items()} == {"6.gelu": AGREES, "6.sigmoid": AGREES, "6.relu": AGREES}
    reversed_ = make_stats(configs=configs, operator=True, change=_by_activation({
        "relu": lambda b, t: 1e-6 * (1 + 0 * b),
        "gelu": lambda b, t: 1e-6 * 1e4 ** (b / b.max()),
        "sigmoid": lambda b, t: 1e-6 * (1 + 0 * b),
    }))
    got = {k: result(k, fnn=None, pinn=reversed_).verdict for k in ("6.gelu", "6.sigmoid", "6.relu")}
    assert got == {"6.gelu": DIFFERS, "6.sigmoid": DIFFERS, "6.relu": DIFFERS}


def test_training_claims_both_ways():
    lazy_poor = FnnTrainingSummary(512, 1, kernel_change=0.01, distance_infinite=0.05, relative_mse=0.6)
    rich_good = FnnTrainingSummary(512, 10, kernel_change=0.5, distance_infinite=0.3, relative_mse=0.01)
    rows = {r.key: r.verdict for r in claims.check_fnn_training(lazy_poor, rich_good)}
    assert set(rows.values()) == {AGREES}
    rows = {r.key: r.verdict for r in claims.check_fnn_training(rich_good, lazy_poor)}
    assert set(rows.values()) == {DIFFERS}
    rows = {r.key: r.verdict for r in claims.check_fnn_training(None, None)}
    assert set(rows.values()) == {NOT_AVAILABLE}
    assert [r.verdict for r in claims.check_pinn_training(0.005, 0.9)] == [AGREES, AGREES]
    assert [r.verdict for r in claims.check_pinn_training(0.5, 0.01)] == [DIFFERS, DIFFERS]


def test_training_summaries_from_netcdf():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20, 8))
    k0 = a @ a.T
    ntk = np.stack([k0, k0 * 1.1])
    x = np.linspace(-1, 1, 50)
    target = np.sin(3 * np.pi * x)
    ds = xr.Dataset(
        {
            "ntk": (("step", "i", "j"), ntk),
            "ntk_infinite": (("i", "j"), k0 * 1.2),
            "prediction": (("step", "x_test"), np.stack([0 * x, target * 0.9])),
            "target": (("x_test",), target),
        },
        coords={"step": [0, 100]},
        attrs={"width": 512, "depth": 1},
    )
    s = claims.summarise_fnn_training(ds)
    assert s.kernel_change == pytest.approx(0.1)
    assert s.distance_infinite == pytest.approx(0.2 / 1.2)
    assert s.relative_mse == pytest.approx(0.01)
    pinn = xr.Dataset({"relative_l2_error": (("step",), [1.0, 0.3, 0.004])})
    assert claims.summarise_pinn_training(pinn) == pytest.approx(0.004)


def test_pick_training_runs():
    runs = [claims.describe_training_file(n, {}) for n in ("fnn_w512_d1.nc", "fnn_w512_d10.nc", "fnn_w64_d4.nc", "pinn_erf_w64_d4.nc", "pinn_relu_w64_d4.nc")]
    assert claims.pick_training_runs(runs) == {
        "shallow": "fnn_w512_d1.nc", "deep": "fnn_w512_d10.nc", "pinn_smooth": "pinn_erf_w64_d4.nc", "pinn_relu": "pinn_relu_w64_d4.nc",
    }
    smoke = [claims.describe_training_file(n, {}) for n in ("fnn_w32_d1.nc", "fnn_w32_d3.nc")]
    assert claims.pick_training_runs(smoke)["shallow"] == "fnn_w32_d1.nc"
    assert claims.pick_training_runs(smoke)["deep"] == "fnn_w32_d3.nc"
    assert claims.describe_training_file("x.nc", {"model": "pinn", "activation": "erf", "width": 8, "depth": 2})["width"] == 8


def test_every_claim_evaluates_and_serialises(tmp_path):
    results = claims.evaluate_claims(make_stats(), make_stats(operator=True))
    assert [r.key for r in results] == [c.key for c in CLAIMS]
    assert all(r.verdict in claims.VERDICTS for r in results)
    tex = claims.claims_latex(results)
    assert r"\begin{longtable}" in tex and tex.count(r"\\") >= len(CLAIMS)
    claims.write_claims_csv(results, tmp_path / "claims.csv")
    back = claims.read_claims_csv(tmp_path / "claims.csv")
    assert [(r.key, r.verdict, r.stated) for r in back] == [(r.key, r.verdict, r.stated) for r in results]
    for a, b in zip(back, results):
        assert (math.isnan(a.value) and math.isnan(b.value)) or a.value == b.value
    ds = claims.claims_dataset(results)
    ds.to_netcdf(tmp_path / "claims.nc")
    with xr.open_dataset(tmp_path / "claims.nc") as again:
        assert list(again["claim"].values) == [c.key for c in CLAIMS]


def test_latex_numbers():
    assert claims.latex_number(83.987) == "84.0"
    assert claims.latex_number(1.0) == "1.00"
    assert claims.latex_number(2.5e-6) == r"$2.50\times10^{-6}$"
    assert claims.latex_number(float("nan")) == "n/a"
    assert claims.latex_number(-float("inf")) == r"$-\infty$"
    assert claims.latex_plain(0.001) == "0.001"
    assert claims.latex_escape("a_b & 5%") == r"a\_b \& 5\%"


# --------------------------------------------------------------------------- macros, provenance


@pytest.fixture(scope="module")
def smoke_config():
    return yaml.safe_load((ROOT / "config" / "smoke.yaml").read_text())


@pytest.fixture(scope="module")
def paper_config():
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def test_macros_say_smoke_and_list_differences(smoke_config, paper_config):
    text = run_macros(smoke_config, paper_config, make_stats(), make_stats(operator=True), {"agrees": 3, "differs": 1, "n/a": 2})
    assert r"\smokeruntrue" in text
    assert r"\newcommand{\Replicates}{32}" in text
    assert r"\newcommand{\ClaimsTotal}{6}" in text
    assert "monte\\_carlo.replicates" in text
    paper = run_macros(paper_config, paper_config)
    assert r"\smokerunfalse" in paper and r"\newcommand{\NumConfigs}{78}" in paper
    assert r"\newcommand{\NumConfigDifferences}{0}" in paper
    assert config_differences(paper_config, paper_config) == []


def test_benchmarks_and_provenance(tmp_path, smoke_config):
    bench = tmp_path / "benchmarks"
    bench.mkdir()
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    (bench / "sample_fnn_relu_w16.tsv").write_text(header + "12.5\t0:00:12\t900.1\t1\t1\t1\t0\t0\t90\t11.0\n")
    (bench / "reduce_fnn.tsv").write_text(header + "1.0\t0:00:01\t100\t1\t1\t1\t0\t0\t90\t0.9\n")
    found = collect_benchmarks(bench)
    assert [b.job for b in found] == ["reduce_fnn", "sample_fnn_relu_w16"]
    assert found[1].seconds == 12.5 and found[1].max_rss_mb == pytest.approx(900.1)
    config_file = tmp_path / "smoke.yaml"
    config_file.write_text(yaml.safe_dump(smoke_config))
    text = provenance_latex(smoke_config, [config_file], found, {"ntk_stats_fnn.nc": "abc123"})
    assert "sample\\_fnn\\_relu\\_w16" in text and "12.5" in text
    import hashlib

    assert hashlib.sha256(config_file.read_bytes()).hexdigest() in text
    assert "abc123" in text and str(smoke_config["root_seed"]) in text
    assert "cpu count" in text and "numpy" in text and "SHA-256" in text


# --------------------------------------------------------------------------- figures


def _figure(seed=0):
    import matplotlib.pyplot as plt

    from finite_ntk.plotting.style import apply_style

    apply_style()
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots()
    ax.errorbar(np.arange(10), rng.random(10), yerr=0.1, fmt="o", label=r"$\exp(5\beta)$")
    ax.set_yscale("log")
    ax.set_title("test figure")
    ax.legend()
    return fig


def test_figure_files_are_byte_reproducible(tmp_path):
    from finite_ntk.plotting.style import save_figure

    first = save_figure(_figure(), tmp_path / "a" / "fig")
    second = save_figure(_figure(), tmp_path / "b" / "fig")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    pdf = first[0].read_bytes()
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf
    png = first[1].read_bytes()
    assert b"tIME" not in png and b"Software" not in png
    changed = save_figure(_figure(seed=1), tmp_path / "c" / "fig")
    assert changed[1].read_bytes() != first[1].read_bytes()


# --------------------------------------------------------------------------- LaTeX build


def _synthetic_report_inputs(directory: Path, config: dict, paper_config: dict) -> tuple[dict, list[Path]]:
    from finite_ntk.plotting.style import save_figure

    fnn, pinn = make_stats(), make_stats(operator=True)
    results = claims.evaluate_claims(fnn, pinn)
    generated = {
        "claims": claims.claims_latex(results),
        "rules": claims.rules_latex(),
        "claims_precise": "% none\n",
        "macros": run_macros(config, paper_config, fnn, pinn, claims.verdict_counts(results)),
        "provenance": provenance_latex(
            config, [ROOT / "config" / "smoke.yaml"], [Benchmark("sample_fnn_relu_w16", 1.5, 100.0, 1.2, 1)],
            versions={"numpy": "1"}, machine={"platform": "test"}, tools={"pdflatex": "test"}, revision="0123abc",
        ),
        "table2": configuration_table("table2", config["monte_carlo"]["grid"]["table2"]),
        "table3": configuration_table("table3", config["monte_carlo"]["grid"]["table3"]),
    }
    paths = {}
    for name, text in generated.items():
        paths[name] = directory / f"{name}.tex"
        paths[name].write_text(text)
    figures = []
    for stem in REPORT_FIGURES:
        figures += [p for p in save_figure(_figure(), directory / "figures" / stem) if p.suffix == ".pdf"]
    return paths, figures


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def assert_report_text(text: str, smoke: bool) -> None:
    """The checks of a compiled report's text: every figure number, the claims table
    (every claim key and the verdict words), the provenance section, the smoke banner."""
    for number in FIGURE_NUMBERS:
        label = number if number[-1].isdigit() else number[:-1]
        assert f"Figure {label}:" in text, f"caption of Figure {label}"
        assert f"Figure {number}" in text, f"Figure {number} in the index"
    for table in ("Table 1:", "Table 2:", "Table 3:"):
        assert table in text
    assert "Claims of the report against the regenerated data" in text
    for claim in CLAIMS:
        number, _, part = claim.key.partition(".")
        assert part.split(".")[0] in text
    assert "Verdict" in text and ("agrees" in text or "differs" in text)
    assert "Provenance" in text and "root seed" in text and "SHA-256" in text and "Wall time of each rule" in text
    assert ("SMOKE RUN" in text) == smoke


@pytest.mark.skipif(not HAVE_LATEX, reason="latexmk/pdftotext not installed (tools/setup.sh installs them)")
def test_report_compiles_from_synthetic_inputs_reproducibly(tmp_path, smoke_config, paper_config):
    generated, figures = _synthetic_report_inputs(tmp_path, smoke_config, paper_config)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    missing = build_report_pdf(ROOT / "report" / "src", generated, figures, first, log=tmp_path / "log", epoch=1)
    assert missing == []
    build_report_pdf(ROOT / "report" / "src", generated, figures, second, epoch=1)
    assert first.read_bytes() == second.read_bytes(), "same inputs must give the same PDF bytes"
    assert b"CreationDate" not in first.read_bytes()
    text = _pdftotext(first)
    assert_report_text(text, smoke=True)
    assert text.count("agrees") + text.count("differs") + text.count("n/a") >= len(CLAIMS)


@pytest.mark.skipif(not HAVE_LATEX, reason="latexmk/pdftotext not installed (tools/setup.sh installs them)")
def test_paper_report_has_no_smoke_banner_and_shows_missing_figures(tmp_path, paper_config):
    generated, figures = _synthetic_report_inputs(tmp_path, paper_config, paper_config)
    pdf = tmp_path / "paper.pdf"
    missing = build_report_pdf(ROOT / "report" / "src", generated, [f for f in figures if f.stem != "fig7"], pdf, epoch=1)
    assert missing == ["fig7"]
    text = _pdftotext(pdf)
    assert "SMOKE RUN" not in text
    assert "fig7 is missing from this run" in text


# --------------------------------------------------------------------------- end to end


def test_smoke_report_pdf(smoke_run):
    """The smoke workflow ends in report/smoke/report.pdf with every figure number, the
    claims table and the provenance, and says that it is a smoke run."""
    pdf = smoke_run / "report" / "smoke" / "report.pdf"
    assert pdf.stat().st_size > 10_000
    text = _pdftotext(pdf)
    assert_report_text(text, smoke=True)
    for name in ("claims.tex", "claims.csv", "claims.nc", "macros.tex", "provenance.tex"):
        assert (smoke_run / "report" / "smoke" / name).stat().st_size > 0
    rows = claims.read_claims_csv(smoke_run / "report" / "smoke" / "claims.csv")
    assert [r.key for r in rows] == [c.key for c in CLAIMS]
    assert "missing from this run" not in text, "every figure of REPLICATION.md is produced"
