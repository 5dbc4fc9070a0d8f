# Heavy tails, shared by the papers whose verdicts read E[K^2]/E[K]^2 (seed 000, seed 001):
# the coverage table of the intervals for R on samples of known R (finite_ntk.coverage).
# Its claims modules read it (register_paper(claim_inputs={"coverage": COVERAGE_TABLE}))
# to decide which estimate a verdict may trust; the report prints it (section Heavy tails).
# Defines COVERAGE_TABLE.
COVERAGE_TABLE = f"{DATA}/heavy_tails/coverage.nc"


rule coverage_table:
    output:
        COVERAGE_TABLE,
    params:
        settings=config_subset(config, ["root_seed", "heavy_tails.coverage", "heavy_tails.significance"]),
    log:
        f"{DATA}/logs/coverage_table.log",
    benchmark:
        f"{DATA}/benchmarks/coverage_table.tsv"
    conda:
        ENV
    script:
        "../scripts/coverage_table.py"
