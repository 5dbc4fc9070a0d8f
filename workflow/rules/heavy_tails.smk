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


rule heavy_tails_report:
    # The report's section "Heavy tails": its macros and the coverage table
    # (generated/heavy_tails_macros.tex, generated/coverage.tex).
    input:
        COVERAGE_TABLE,
    output:
        macros=f"{REPORT}/heavy_tails_macros.tex",
        table=f"{REPORT}/coverage.tex",
    params:
        settings=config_subset(config, ["heavy_tails.min_coverage"]),
    log:
        f"{DATA}/logs/heavy_tails_report.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/heavy_tails_report.py"
