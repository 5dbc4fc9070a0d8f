# LaTeX report, claims table and figure diff. Defines REPORT_TARGETS.
#
#   report/<run>/claims.{tex,csv,nc}, rules.tex   claims of the report against our data
#   report/<run>/macros.tex                        every number of the report's prose
#   report/<run>/provenance.tex                    revision, configs, versions, machine, times
#   report/<run>/report.pdf                        the compiled report (REPORT_TARGETS)
#   report/<run>/figdiff/summary.tsv               `snakemake figdiff`: this run against
#                                                  figures/reference (not part of `all`)
#
# The report prints the config, so its rules take the whole config as params: any
# config change rebuilds the report (and only what else it affects upstream).
import glob


rule report_claims:
    input:
        stats=ALL_STATS,
        training=TRAINING_TARGETS,
        precise=PRECISE_STATS,
        seed002_convergence=SEED002_FILES["seed002_convergence_synthetic"] + SEED002_FILES["seed002_convergence_digits"],
        seed002_projection=SEED002_FILES["seed002_projection"],
        seed002_eigenvalues=SEED002_FILES["seed002_eigenvalues"],
        seed002_lazy=SEED002_FILES["seed002_lazy"],
        seed001=SEED001_FILES["seed001_phase"],
        seed001_training=SEED001_FILES["seed001_training"],
    output:
        tex=f"{REPORT}/claims.tex",
        rules=f"{REPORT}/rules.tex",
        csv=report(f"{REPORT}/claims.csv", caption="../report/claims.rst", category="Report"),
        nc=f"{REPORT}/claims.nc",
        precise_tex=f"{REPORT}/claims_precise.tex",
    params:
        settings=config,
    log:
        f"{DATA}/logs/report_claims.log",
    benchmark:
        f"{DATA}/benchmarks/report_claims.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/report_claims.py"


rule report_macros:
    input:
        stats=ALL_STATS,
        claims=f"{REPORT}/claims.csv",
        training=TRAINING_TARGETS,
        precise=PRECISE_STATS,
    output:
        f"{REPORT}/macros.tex",
    params:
        settings=config,
        paper_config="config/config.yaml",
        precise_run=PRECISE_RUN,
    log:
        f"{DATA}/logs/report_macros.log",
    benchmark:
        f"{DATA}/benchmarks/report_macros.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/report_macros.py"


rule report_provenance:
    # Runs after every other job of the run (its inputs), so that their benchmark files
    # exist; it reads every *.tsv under data/<run>/benchmarks/.
    input:
        stats=ALL_STATS,
        training=TRAINING_TARGETS,
        after=MONTE_CARLO_TARGETS + FIGURE_TARGETS + SEED001_TARGETS + SEED002_TARGETS,
        claims=f"{REPORT}/claims.tex",
        macros=f"{REPORT}/macros.tex",
    output:
        f"{REPORT}/provenance.tex",
    params:
        settings=config,
        config_files=[str(p) for p in workflow.configfiles],
        benchmarks=f"{DATA}/benchmarks",
        repository=workflow.basedir,
    log:
        f"{DATA}/logs/report_provenance.log",
    benchmark:
        f"{DATA}/benchmarks/report_provenance.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/report_provenance.py"


rule build_report:
    input:
        sources=sorted(glob.glob(f"{REPORT_SOURCE}/**/*.tex", recursive=True)),
        macros=f"{REPORT}/macros.tex",
        claims=f"{REPORT}/claims.tex",
        rules=f"{REPORT}/rules.tex",
        claims_precise=f"{REPORT}/claims_precise.tex",
        provenance=f"{REPORT}/provenance.tex",
        table2=f"{REPORT}/tables/table2.tex",
        table3=f"{REPORT}/tables/table3.tex",
        figure_index=f"{REPORT}/figure_index.tex",
        seed002=SEED002_REPORT,
        seed001=SEED001_REPORT,
        figures=[path for path in FIGURE_TARGETS if path.endswith(".pdf")],
        precise_figures=PRECISE_FIGURE_FILES,
    output:
        report(f"{REPORT}/report.pdf", caption="../report/report.rst", category="Report"),
    params:
        source=lambda wildcards, input: os.path.commonpath(input.sources),
    log:
        f"{DATA}/logs/build_report.log",
    benchmark:
        f"{DATA}/benchmarks/build_report.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/report_build.py"


rule figure_index:
    # The appendix "Index of figures and tables", from the figure registry.
    output:
        f"{REPORT}/figure_index.tex",
    params:
        figures=[(figure.name, figure.original, figure.label) for figure in FIGURE_REGISTRY],
    log:
        f"{DATA}/logs/figure_index.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/figure_index.py"


rule figdiff:
    # `snakemake figdiff`: this run's figures and their data against figures/reference/
    # (figures plus data/ with the netCDFs they come from). Fails when something really
    # differs; the side-by-side page report/<run>/figdiff/index.html stays either way.
    input:
        figures=[path for path in FIGURE_TARGETS if path.endswith(".png")],
        data=ALL_STATS + TRAINING_TARGETS + SEED001_TARGETS + SEED002_TARGETS,
    output:
        f"{REPORT}/figdiff/summary.tsv",
    params:
        reference=REFERENCE_FIGURES,
        # The run's folders, from its inputs (their common parents).
        figures=lambda wildcards, input: os.path.commonpath(input.figures),
        data=lambda wildcards, input: os.path.commonpath(input.data),
        out=lambda wildcards, output: os.path.dirname(output[0]),
    log:
        f"{DATA}/logs/figdiff.log",
    benchmark:
        f"{DATA}/benchmarks/figdiff.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/figdiff.py"


REPORT_TARGETS = rules.build_report.output
