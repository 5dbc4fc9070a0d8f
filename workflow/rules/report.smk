# LaTeX report, claims table and figure diff. Defines REPORT_TARGETS.
#
#   report/<run>/claims.{tex,csv,nc}, rules.tex   claims of the report against our data
#   report/<run>/<part>.tex                        each paper's generated parts (macros.tex, seed001.tex, ...)
#   report/<run>/provenance.tex                    revision, configs, versions, machine, times
#   report/<run>/report.pdf                        the compiled report (REPORT_TARGETS)
#   report/<run>/figdiff/summary.tsv               `snakemake figdiff`: this run against
#                                                  figures/reference (not part of `all`)
#
# The report prints the config, so its rules take the whole config as params: any
# config change rebuilds the report (and only what else it affects upstream).
import glob


rule report_claims:
    # Every paper's claims against its data: the inputs are the files each paper's rules
    # file registered for its claims module, named "<paper>__<key>".
    input:
        **{
            f"{paper_id}__{key}": files
            for paper_id, outputs in PAPER_OUTPUTS.items()
            for key, files in outputs.claim_inputs.items()
        },
    output:
        tex=f"{REPORT}/claims.tex",
        rules=f"{REPORT}/rules.tex",
        csv=report(f"{REPORT}/claims.csv", caption="../report/claims.rst", category="Report"),
        nc=f"{REPORT}/claims.nc",
        precise_tex=f"{REPORT}/claims_precise.tex",
        # Each paper's claims in sentences, for its chapter (generated/claims_digest_<paper>.tex).
        **{f"claims_digest_{paper_id}": f"{REPORT}/claims_digest_{paper_id}.tex" for paper_id in PAPER_OUTPUTS},
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


rule report_provenance:
    # Runs after every other job of the run (its inputs), so that their benchmark files
    # exist; it reads every *.tsv under data/<run>/benchmarks/.
    input:
        data=[path for path in paper_targets() if path.endswith(".nc")],
        after=paper_targets() + FIGURE_TARGETS,
        claims=f"{REPORT}/claims.tex",
        parts=[path for outputs in PAPER_OUTPUTS.values() for path in outputs.report_parts.values()],
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
        claims=f"{REPORT}/claims.tex",
        rules=f"{REPORT}/rules.tex",
        claims_precise=f"{REPORT}/claims_precise.tex",
        provenance=f"{REPORT}/provenance.tex",
        figure_index=f"{REPORT}/figure_index.tex",
        heavy_tails_macros=f"{REPORT}/heavy_tails_macros.tex",
        coverage=f"{REPORT}/coverage.tex",
        **{f"claims_digest_{paper_id}": f"{REPORT}/claims_digest_{paper_id}.tex" for paper_id in PAPER_OUTPUTS},
        # Each paper's generated parts, named as report.tex reads them (generated/<name>.tex).
        **{name: path for outputs in PAPER_OUTPUTS.values() for name, path in outputs.report_parts.items()},
        figures=[path for path in FIGURE_TARGETS if path.endswith(".pdf")],
        # Each paper's extra files by build folder, named "files__<folder>".
        **{
            f"files__{folder}": files
            for outputs in PAPER_OUTPUTS.values()
            for folder, files in outputs.report_files.items()
        },
    output:
        report(f"{REPORT}/report.pdf", caption="../report/report.rst", category="Report"),
    params:
        source=lambda wildcards, input: os.path.commonpath(input.sources),
        parts=[name for outputs in PAPER_OUTPUTS.values() for name in outputs.report_parts]
        + [f"claims_digest_{paper_id}" for paper_id in PAPER_OUTPUTS],
        folders=[folder for outputs in PAPER_OUTPUTS.values() for folder in outputs.report_files],
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
        data=[path for path in paper_targets() if path.endswith(".nc")],
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
