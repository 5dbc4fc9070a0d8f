"""report/<run>/report.pdf: latexmk (pdflatex) on report/src with the generated files."""

from finite_ntk.report.build import build_report_pdf

inputs = snakemake.input  # noqa: F821
missing = build_report_pdf(
    source=snakemake.params.source,  # noqa: F821
    generated={
        "macros": inputs.macros,
        "claims": inputs.claims,
        "rules": inputs.rules,
        "claims_precise": inputs.claims_precise,
        "provenance": inputs.provenance,
        "table2": inputs.table2,
        "table3": inputs.table3,
        "figure_index": inputs.figure_index,
        "seed002": inputs.seed002,
        "seed001": inputs.seed001,
    },
    figures=inputs.figures,
    precise_figures=inputs.precise_figures,
    output=snakemake.output[0],  # noqa: F821
    log=snakemake.log[0],  # noqa: F821
)
if missing:
    print(f"report: figure files missing from this run (boxes in the PDF): {', '.join(missing)}")
