"""The report's appendix "Index of figures and tables", generated from the figure registry."""

from __future__ import annotations

from typing import Sequence

from finite_ntk.figures import Figure

# Tables of the original and of this report: (original, LaTeX reference, files).
TABLES: tuple[tuple[str, str, str], ...] = (
    ("Table 1", r"Table~\ref{tab:notation}", r"(in \texttt{report/src/sections/networks.tex})"),
    ("Table 2", r"Table~\ref{tab:table2}", r"\texttt{tables/table2.tex}"),
    ("Table 3", r"Table~\ref{tab:table3}", r"\texttt{tables/table3.tex}"),
    ("---", r"Table~\ref{tab:claims}", r"\texttt{claims.tex}, \texttt{claims.csv}, \texttt{claims.nc}"),
)


def figure_index_latex(figures: Sequence[Figure]) -> str:
    """A longtable: original figure or table, where it is in this report, its files."""
    rows = [
        f"{figure.original or '---'} & Figure~\\ref{{{figure.label}}} & "
        f"\\texttt{{{figure.name}.pdf}}, \\texttt{{{figure.name}.png}} \\\\"
        for figure in figures
    ]
    rows += [f"{original} & {reference} & {files} \\\\" for original, reference, files in TABLES]
    return "\n".join(
        [
            "% Generated from finite_ntk.papers.FIGURES by finite_ntk.report.figure_index.",
            r"\begin{center}\small",
            r"\begin{longtable}{@{}lll@{}}",
            r"\toprule",
            r"Original & Here & File (\texttt{figures/\RunName/}, \texttt{report/\RunName/}) \\",
            r"\midrule\endhead",
            r"\bottomrule\endfoot",
            *rows,
            r"\end{longtable}",
            r"\end{center}",
            "",
        ]
    )
