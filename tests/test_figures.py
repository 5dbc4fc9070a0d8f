"""The figure registry: every figure declared once, and everything derived from it."""

import dataclasses
import re
import sys
import types
from pathlib import Path

import pytest

import finite_ntk.figdiff as figdiff
from finite_ntk.config import load_config
from finite_ntk.figures import Figure, FromConfig
from finite_ntk.papers import FIGURES, FIGURES_BY_NAME, PAPERS, SOURCES, collect_figures
from finite_ntk.report.figure_index import figure_index_latex

ROOT = Path(__file__).resolve().parents[1]


def test_names_are_unique_and_plotting_functions_exist():
    assert len(FIGURES_BY_NAME) == len(FIGURES)
    for figure in FIGURES:
        assert callable(figure.plotting_function()), figure.name
        assert figure.caption and figure.category


def test_config_arguments_are_settings_of_the_config():
    config = load_config(ROOT / "config" / "config.yaml")
    for figure in FIGURES:
        for field in figure.config_fields():
            FromConfig(field).resolve(config)  # raises KeyError for a wrong path


def test_every_figure_is_in_the_latex_report_and_its_index():
    sources = "\n".join(p.read_text() for p in (ROOT / "report" / "src").rglob("*.tex"))
    # \label{fig:..} or a label argument of the panel macros (not a \ref)
    labels = set(re.findall(r"(?<!\\ref)\{(fig:[A-Za-z0-9]+)\}", sources))
    index = figure_index_latex(FIGURES)
    for figure in FIGURES:
        assert figure.label in labels, f"{figure.name}: no \\label{{{figure.label}}} in report/src"
        assert f"\\texttt{{{figure.name}.pdf}}" in index


def test_figure_diff_reads_the_registry():
    for figure in FIGURES:
        assert figdiff.FIGURE_DATA[figure.name] == figure.data_patterns(SOURCES)
    assert set(figdiff.FIGURE_DATA) == set(FIGURES_BY_NAME)


def test_unknown_source_and_missing_data_are_clear_errors(monkeypatch):
    figure = Figure(
        name="seed000figX",
        original="",
        caption="caption",
        category="c",
        subcategory="s",
        inputs={"stats": "nope"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_parity",
    )
    module = types.ModuleType("fake_figures")
    module.SOURCES, module.FIGURES = {"stats_fnn": SOURCES["stats_fnn"]}, (figure,)
    monkeypatch.setitem(sys.modules, "fake_figures", module)
    fake = dataclasses.replace(PAPERS["seed000"], figures="fake_figures")
    with pytest.raises(ValueError, match="unknown data sources"):
        collect_figures({"seed000": fake})
    module.FIGURES = (dataclasses.replace(figure, name="seed001figX", inputs={"stats": "stats_fnn"}),)
    with pytest.raises(ValueError, match="must start with 'seed000'"):
        collect_figures({"seed000": fake})
    with pytest.raises(ValueError, match="missing data"):
        FIGURES_BY_NAME["seed000fig1a"].draw({}, {})
    # Every source is drawn, but Table 2's scores: the report's table reads them.
    assert set(SOURCES) - {source for figure in FIGURES for source in figure.inputs.values()} == {
        "seed002_digits_table"
    }


def test_second_moment_plots_draw_r_log_and_the_exact_theory_where_it_applies():
    """Figures 1a-4a: diamonds for R_log, hollow where the normality test rejects; the exact
    finite-width theory (one tick per configuration) for ReLU's value kernel only."""
    import matplotlib.pyplot as plt
    import numpy as np

    from finite_ntk.papers.seed000.monte_carlo_plots import plot_second_moment
    from test_claims import make_stats

    stats = make_stats(normality=lambda a, b: np.where(b > 0.1, 1e-9, 0.5))
    stats["theory_second_moment_finite_width"] = ("config", 0.8 * stats["theory_second_moment"].values)
    labels = [t.get_text() for t in plot_second_moment(stats, ["relu"]).axes[0].get_legend().get_texts()]
    assert "exact finite-width theory" in labels
    assert r"ReLU, $R_{\log}$" in labels and r"ReLU, $R_{\log}$, normality rejected" in labels
    pinn = make_stats(operator=True)
    pinn["theory_second_moment_finite_width"] = ("config", pinn["theory_second_moment"].values)
    rr = [t.get_text() for t in plot_second_moment(pinn, ["gelu"], operator="rr").axes[0].get_legend().get_texts()]
    assert not any("theory" in label and "exp" not in label for label in rr)
    uu = [
        t.get_text() for t in plot_second_moment(pinn, ["relu", "gelu"], operator="uu").axes[0].get_legend().get_texts()
    ]
    assert "exact finite-width theory (ReLU)" in uu
    plt.close("all")
