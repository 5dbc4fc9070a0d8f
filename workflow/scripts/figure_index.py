"""report/<run>/figure_index.tex: the index of figures and tables, from the registry."""

from pathlib import Path

from finite_ntk.papers import FIGURES
from finite_ntk.report.figure_index import figure_index_latex

Path(snakemake.output[0]).write_text(figure_index_latex(FIGURES))  # noqa: F821
