"""The report's macros and provenance, the LaTeX build, and reproducible figure bytes.

The LaTeX report is compiled from synthetic inputs in a temporary directory (pdflatex via
latexmk; the claims come from tests/test_claims.py's synthetic statistics); the end-to-end
smoke run (the ``smoke_run`` fixture of conftest.py) checks the real
report/smoke/report.pdf.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

import finite_ntk.claims as claims
from finite_ntk.config import load_config
from finite_ntk.papers import FIGURES, PAPERS
from finite_ntk.papers.seed000.report import config_differences, pinn_point_macros, run_macros
from finite_ntk.papers.seed000.tables import configuration_table
from finite_ntk.report.build import build_report_pdf
from finite_ntk.report.figure_index import figure_index_latex
from finite_ntk.report.provenance import Benchmark, collect_benchmarks, provenance_latex
from test_claims import make_stats

ROOT = Path(__file__).resolve().parents[1]
HAVE_LATEX = shutil.which("latexmk") is not None and shutil.which("pdftotext") is not None

# The figure files report.tex includes: every registered figure.
REPORT_FIGURES = tuple(figure.name for figure in FIGURES)
# Every paper's claims, in the table's order.
CLAIMS = tuple(claim for paper in PAPERS.values() for claim in paper.claims_module().CLAIMS)


def every_paper_claims(fnn=None, pinn=None) -> list[claims.ClaimResult]:
    """The claims table's rows: seed 000's on the given Monte-Carlo statistics, the other
    papers' without data (n/a)."""
    results = []
    for paper in PAPERS.values():
        module = paper.claims_module()
        inputs = module.ClaimInputs(fnn, pinn) if paper.id == "seed000" else module.ClaimInputs()
        results += claims.evaluate(module.CLAIMS, inputs)
    return results


def every_paper_thresholds() -> dict[str, dict[str, claims.Threshold]]:
    return {paper.id: dict(paper.claims_module().THRESHOLDS) for paper in PAPERS.values()}


# Every figure number of the original as the report prints it (captions and the index).
FIGURE_NUMBERS = [
    "1a",
    "1b",
    "2a",
    "2b",
    "3a",
    "3b",
    "4a",
    "4b",
    "5",
    "6a",
    "6b",
    "7",
    "8",
    "9",
    "10",
    "S1",
    "S2a",
    "S2b",
]


# --------------------------------------------------------------------------- macros, provenance


@pytest.fixture(scope="module")
def smoke_config():
    return load_config(ROOT / "config" / "config.yaml", ROOT / "config" / "smoke.yaml")


@pytest.fixture(scope="module")
def paper_config():
    return load_config(ROOT / "config" / "config.yaml")


def test_macros_say_smoke_and_list_differences(smoke_config, paper_config):
    text = run_macros(
        smoke_config, paper_config, make_stats(), make_stats(operator=True), {"agrees": 3, "differs": 1, "n/a": 2}
    )
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
    from finite_ntk.coverage import coverage_table
    from finite_ntk.plotting.style import save_figure
    from finite_ntk.report.heavy_tails import coverage_latex, coverage_macros

    fnn, pinn = make_stats(), make_stats(operator=True)
    results = every_paper_claims(fnn, pinn)
    coverage = coverage_table(0, sample_sizes=(32,), ratios=(1.1, 1e4), simulations=5, resamples=20)  # 1e4: LaTeX math
    generated = {
        "claims": claims.claims_latex(results),
        "rules": claims.rules_latex(every_paper_thresholds()),
        "claims_precise": "% none\n",
        "macros": run_macros(config, paper_config, fnn, pinn, claims.verdict_counts(results)),
        "provenance": provenance_latex(
            config,
            [ROOT / "config" / "smoke.yaml"],
            [Benchmark("sample_fnn_relu_w16", 1.5, 100.0, 1.2, 1)],
            versions={"numpy": "1"},
            machine={"platform": "test"},
            tools={"pdflatex": "test"},
            revision="0123abc",
        ),
        "table2": configuration_table("table2", config["monte_carlo"]["grid"]["table2"]),
        "table3": configuration_table("table3", config["monte_carlo"]["grid"]["table3"]),
        "figure_index": figure_index_latex(FIGURES),
        "heavy_tails_macros": coverage_macros(coverage, 0.9),
        "coverage": coverage_latex(coverage, 0.9),
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
    assert "Heavy tails" in text and "Coverage of the nominal" in text
    for claim in CLAIMS:  # the key column: the paper, the claim's number, the row's part
        assert claim.paper in text and str(claim.number) in text
    assert "Verdict" in text and ("agrees" in text or "differs" in text)
    assert "Provenance" in text and "root seed" in text and "SHA-256" in text and "Wall time of each rule" in text
    assert ("SMOKE RUN" in text) == smoke


@pytest.mark.slow  # compiles the LaTeX report
@pytest.mark.skipif(not HAVE_LATEX, reason="latexmk/pdftotext not installed (tools/setup.sh installs them)")
def test_report_compiles_from_synthetic_inputs_reproducibly(tmp_path, smoke_config, paper_config):
    generated, figures = _synthetic_report_inputs(tmp_path, smoke_config, paper_config)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    missing = build_report_pdf(
        ROOT / "report" / "src", generated, figures, first, REPORT_FIGURES, log=tmp_path / "log", epoch=1
    )
    assert missing == []
    build_report_pdf(ROOT / "report" / "src", generated, figures, second, REPORT_FIGURES, epoch=1)
    assert first.read_bytes() == second.read_bytes(), "same inputs must give the same PDF bytes"
    assert b"CreationDate" not in first.read_bytes()
    text = _pdftotext(first)
    assert_report_text(text, smoke=True)
    assert text.count("agrees") + text.count("differs") + text.count("n/a") >= len(CLAIMS)


@pytest.mark.slow  # compiles the LaTeX report
@pytest.mark.skipif(not HAVE_LATEX, reason="latexmk/pdftotext not installed (tools/setup.sh installs them)")
def test_paper_report_has_no_smoke_banner_and_shows_missing_figures(tmp_path, paper_config):
    generated, figures = _synthetic_report_inputs(tmp_path, paper_config, paper_config)
    pdf = tmp_path / "paper.pdf"
    shown = [f for f in figures if f.stem != "seed000fig7"]
    missing = build_report_pdf(ROOT / "report" / "src", generated, shown, pdf, REPORT_FIGURES, epoch=1)
    assert missing == ["seed000fig7"]
    text = _pdftotext(pdf)
    assert "SMOKE RUN" not in text
    assert "seed000fig7 is missing from this run" in text


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
    assert "missing from this run" not in text, "every figure of docs/replication.md is produced"


def test_pinn_point_macros_name_the_source_and_the_exact_target():
    """The authors' point is named as theirs; any other as the config's. The value-step
    target is u*(x) = sin(pi x) sin(pi y), here from math rather than the package's JAX code."""
    import math

    authors = pinn_point_macros({"input_point": [0.00729382, 0.02089119], "step_loss": "value"})
    text = "\n".join(authors)
    assert "authors' PINN notebook}" in text and "set in this run's configuration" not in text
    assert r"\authorspinnpointtrue" in text
    target = math.sin(math.pi * 0.00729382) * math.sin(math.pi * 0.02089119)
    assert abs(target - 1.5e-3) < 5e-5
    assert f"$u_*(x) =$ {target:.5f}" in text  # three significant digits: 0.00150
    assert r"\newcommand{\PinnInputNormSquared}{$4.90\times10^{-4}$}" in text
    other = "\n".join(pinn_point_macros({"input_point": [0.25, 0.25], "step_loss": "residual"}))
    assert "set in this run's configuration (the authors' PINN notebook used (0.00729382, 0.02089119))" in other
    assert r"$f(x) =$ $-9.87$" in other  # -2 pi^2 sin(pi/4)^2 = -pi^2
    assert r"\authorspinnpointfalse" in other


def test_every_character_of_the_claims_table_is_declared_for_latex():
    """pdflatex stops at a Unicode character the preamble does not declare: every non-ASCII
    character the claims table can print (subjects, quotes, rules, measures, notes of a
    run without data) must have a DeclareUnicodeCharacter in report/src/report.tex."""
    import re
    from pathlib import Path

    preamble = (Path(__file__).resolve().parents[1] / "report/src/report.tex").read_text()
    declared = {chr(int(code, 16)) for code in re.findall(r"\\DeclareUnicodeCharacter\{([0-9A-F]+)\}", preamble)}
    text = "".join(
        r.subject + r.quote + r.source + r.rule + r.measure + r.note + (r.stated or "") for r in every_paper_claims()
    ) + "".join(t.words for thresholds in every_paper_thresholds().values() for t in thresholds.values())
    undeclared = sorted({c for c in text if ord(c) > 127} - declared)
    assert not undeclared, f"declare these in report/src/report.tex: {undeclared}"


def test_exact_theory_macros_count_the_intervals_that_cover_it():
    """ReLU estimates against the exact finite-width theory: the plain ratio's intervals
    (+-1%) sit at half the theory and cover it nowhere; R_log's sit on it at every
    configuration but the last, which is twice the theory."""
    from finite_ntk.papers.seed000.report import exact_theory_macros

    stats = make_stats(width_of_interval=0.01)
    theory = stats["second_moment_ratio"].sel(activation="relu").values.copy()
    stats["theory_second_moment_finite_width"] = ("config", theory)
    stats["second_moment_ratio"].loc[{"activation": "relu"}] = theory / 2
    for bound, factor in (("lo", 0.99), ("hi", 1.01)):
        stats[f"second_moment_ratio_{bound}"].loc[{"activation": "relu"}] = factor * theory / 2
    log_ratio = theory.copy()
    log_ratio[-1] *= 2
    for name, factor in (("", 1.0), ("_lo", 0.99), ("_hi", 1.01)):
        stats[f"log_normal_ratio{name}"].loc[{"activation": "relu"}] = factor * log_ratio
    text = "\n".join(exact_theory_macros("Fnn", stats))
    n = theory.size
    assert rf"\newcommand{{\ExactConfigsFnn}}{{{n}}}" in text
    assert r"\newcommand{\ExactCoveredPlainFnn}{0}" in text
    assert rf"\newcommand{{\ExactCoveredLogFnn}}{{{n - 1}}}" in text
    assert r"\newcommand{\PlainOverExactFnn}{0.50}" in text and r"\newcommand{\LogOverExactFnn}{1.0}" in text
    assert "n/a" in "\n".join(exact_theory_macros("Fnn", stats.drop_vars("theory_second_moment_finite_width")))
