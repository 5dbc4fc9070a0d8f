# LaTeX report, claims table and figure diff (issue 5). Defines REPORT_TARGETS and
# uses report_figure() (common.smk) for the HTML report.
#
#   report/<run>/claims.{tex,csv,nc}, rules.tex   claims of the report against our data
#   report/<run>/macros.tex                        every number of the report's prose
#   report/<run>/provenance.tex                    revision, configs, versions, machine, times
#   report/<run>/report.pdf                        the compiled report (REPORT_TARGETS)
#   report/<run>/figdiff/summary.tsv               `snakemake figdiff`: this run against
#                                                  figures/reference (not part of `all`)
#
# Every input that depends on the other rules files is a function, so this file may be
# included before or after monte_carlo.smk and training.smk.
import glob

rule report_claims:
    input:
        stats=_stats,
        training=_run_targets(f"{RESULTS}/training/", ".nc"),
        precise=PRECISE_STATS,
    output:
        tex=f"{REPORT}/claims.tex",
        rules=f"{REPORT}/rules.tex",
        csv=report(f"{REPORT}/claims.csv", caption="../report/claims.rst", category="Report"),
        nc=f"{REPORT}/claims.nc",
        precise_tex=f"{REPORT}/claims_precise.tex",
    log:
        f"{RESULTS}/logs/report_claims.log",
    benchmark:
        f"{RESULTS}/benchmarks/report_claims.tsv"
    conda:
        ENV
    script:
        "../scripts/report_claims.py"


rule report_macros:
    input:
        stats=_stats,
        claims=f"{REPORT}/claims.csv",
        training=_run_targets(f"{RESULTS}/training/", ".nc"),
        precise=PRECISE_STATS,
    output:
        f"{REPORT}/macros.tex",
    params:
        paper_config="config/config.yaml",
        precise_run=PRECISE_RUN,
    log:
        f"{RESULTS}/logs/report_macros.log",
    benchmark:
        f"{RESULTS}/benchmarks/report_macros.tsv"
    conda:
        ENV
    script:
        "../scripts/report_macros.py"


rule report_provenance:
    # Runs after every other job of the run (its inputs), so that their benchmark files
    # exist; it reads every *.tsv under results/<run>/benchmarks/.
    input:
        stats=_stats,
        training=_run_targets(f"{RESULTS}/training/", ".nc"),
        after=_all_other_targets,
        claims=f"{REPORT}/claims.tex",
        macros=f"{REPORT}/macros.tex",
    output:
        f"{REPORT}/provenance.tex",
    params:
        config_files=[str(p) for p in workflow.configfiles],
        benchmarks=f"{RESULTS}/benchmarks",
        repository=workflow.basedir,
    log:
        f"{RESULTS}/logs/report_provenance.log",
    benchmark:
        f"{RESULTS}/benchmarks/report_provenance.tsv"
    conda:
        ENV
    script:
        "../scripts/report_provenance.py"


rule report:
    input:
        sources=sorted(glob.glob(f"{REPORT_SOURCE}/**/*.tex", recursive=True)),
        macros=f"{REPORT}/macros.tex",
        claims=f"{REPORT}/claims.tex",
        rules=f"{REPORT}/rules.tex",
        claims_precise=f"{REPORT}/claims_precise.tex",
        provenance=f"{REPORT}/provenance.tex",
        table2=f"{REPORT}/tables/table2.tex",
        table3=f"{REPORT}/tables/table3.tex",
        figures=_run_targets(f"{FIGURES}/", ".pdf"),
        precise_figures=PRECISE_FIGURE_FILES,
    output:
        report(f"{REPORT}/report.pdf", caption="../report/report.rst", category="Report"),
    params:
        source=lambda wildcards, input: os.path.commonpath(input.sources),
    log:
        f"{RESULTS}/logs/report.log",
    benchmark:
        f"{RESULTS}/benchmarks/report.tsv"
    conda:
        ENV
    script:
        "../scripts/report_build.py"


rule figdiff:
    # `snakemake figdiff`: this run's figures and their data against figures/reference/
    # (figures plus data/ with the netCDFs they come from). Fails when something really
    # differs; the side-by-side page report/<run>/figdiff/index.html stays either way.
    input:
        figures=_run_targets(f"{FIGURES}/", ".png"),
        data=lambda wildcards: _stats(wildcards) + _run_targets(f"{RESULTS}/training/", ".nc")(wildcards),
    output:
        f"{REPORT}/figdiff/summary.tsv",
    params:
        reference=REFERENCE_FIGURES,
        figures=FIGURES,
        results=RESULTS,
        out=lambda wildcards, output: os.path.dirname(output[0]),
    log:
        f"{RESULTS}/logs/figdiff.log",
    benchmark:
        f"{RESULTS}/benchmarks/figdiff.tsv"
    conda:
        ENV
    script:
        "../scripts/figdiff.py"


localrules:
    report_claims,
    report_macros,
    report_provenance,
    report,
    figdiff,


REPORT_TARGETS = rules.report.output
