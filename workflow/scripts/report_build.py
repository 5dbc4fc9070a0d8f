"""report/<run>/report.pdf: latexmk (pdflatex) on report/src with the generated files."""

from finite_ntk.papers import FIGURES, PAPERS
from finite_ntk.report.build import build_report_pdf

inputs, params = snakemake.input, snakemake.params  # noqa: F821
generated = {
    name: inputs[name]
    for name in ("claims", "rules", "claims_precise", "provenance", "figure_index", "heavy_tails_macros", "coverage")
}
generated.update({name: inputs[name] for name in params.parts})
missing = build_report_pdf(
    source=params.source,
    generated=generated,
    figures=inputs.figures,
    figure_names=[figure.name for figure in FIGURES],
    sections=[paper.report_section for paper in PAPERS.values() if paper.report_section],
    folders={folder: list(inputs[f"files__{folder}"]) for folder in params.folders},
    output=snakemake.output[0],  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
)
if missing:
    print(f"report: figure files missing from this run (boxes in the PDF): {', '.join(missing)}")
