"""report/<run>/heavy_tails_macros.tex and coverage.tex: the section "Heavy tails"'s macros
and its coverage table."""

from pathlib import Path

import xarray as xr

from finite_ntk.report.heavy_tails import coverage_latex, coverage_macros

min_coverage = float(snakemake.config["heavy_tails"]["min_coverage"])  # noqa: F821
with xr.open_dataset(snakemake.input[0]) as table:  # noqa: F821
    table = table.load()
Path(snakemake.output.macros).write_text(coverage_macros(table, min_coverage))  # noqa: F821
Path(snakemake.output.table).write_text(coverage_latex(table, min_coverage))  # noqa: F821
