"""`snakemake figdiff`: this run's figures and data against figures/reference."""

import sys

from finite_ntk.figdiff import FAILING, format_rows, run_figdiff, verdict

params = snakemake.params  # noqa: F821
with open(snakemake.log[0], "w") as log:  # noqa: F821
    try:
        rows = run_figdiff(params.figures, params.reference, params.out, data=params.data)
    except FileNotFoundError as error:
        print(f"figdiff: {error}", file=log)
        raise
    print(format_rows(rows), file=log)
    failing = [r for r in rows if r.status in FAILING]
    print(f"\n{verdict(rows)}; page: {params.out}/index.html", file=log)
if failing:
    names = ", ".join(sorted({r.name for r in failing})[:10])
    sys.exit(f"figdiff: {len(failing)} rows differ from {params.reference} ({names}); see {snakemake.log[0]}")  # noqa: F821
