# LaTeX report, claims table and figure diff (issue 5). Defines REPORT_TARGETS and
# report_figure(), the helper that wraps a figure output for Snakemake's HTML report.
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
import os
from pathlib import Path

REPORT_SOURCE = "report/src"
REFERENCE_FIGURES = "figures/reference"
# A second Monte-Carlo run whose figures and claims appear beside this run's when its
# outputs exist (config/precise.yaml, 10,000 replicates).
PRECISE_RUN = "precise"

# Category and subcategory of every figure in Snakemake's HTML report (--report).
FIGURE_CATEGORIES = {
    **{f"fig{n}{p}": ("Monte Carlo: Theorems 1 and 2", "FNN") for n in (1, 2) for p in "ab"},
    **{f"fig{n}{p}": ("Monte Carlo: Theorems 1 and 2", "PINN") for n in (3, 4) for p in "ab"},
    **{f"figS2{p}": ("Monte Carlo: Theorems 1 and 2", "PINN residual kernel") for p in "ab"},
    **{f"fig{n}": ("Training", "FNN") for n in (5, 8, 9, 10)},
    **{name: ("Training", "PINN") for name in ("fig6", "fig6b", "fig7")},
    "figS1": ("Training", "NTK evolution"),
}
REPORT_CAPTIONS = Path(workflow.basedir) / "workflow" / "report"


def report_figure(path, name=None, category=None, subcategory=None):
    """``path`` flagged for Snakemake's HTML report, with the caption
    workflow/report/<name>.rst and the category of FIGURE_CATEGORIES. Use it on figure
    outputs in any rules file: ``output: report_figure(f"{FIGURES}/fig1a.png")``."""
    name = name or Path(str(path)).stem
    default_category, default_subcategory = FIGURE_CATEGORIES.get(name, ("Figures", None))
    caption = REPORT_CAPTIONS / f"{name}.rst"
    if not caption.exists():
        caption = REPORT_CAPTIONS / "figure.rst"
    return report(
        path,
        caption=str(caption),
        category=category or default_category,
        subcategory=subcategory or default_subcategory,
        labels={"figure": name, "run": RUN},
    )


def _run_targets(prefix, suffix):
    """Input function: the outputs of the other rules files under ``prefix`` ending in
    ``suffix`` (read when the DAG is built, after every rules file is parsed)."""

    def targets(wildcards):
        everything = list(MONTE_CARLO_TARGETS) + list(TRAINING_TARGETS)
        return sorted({str(p) for p in everything if str(p).startswith(prefix) and str(p).endswith(suffix)})

    return targets


def _stats(wildcards):
    return [f"{RESULTS}/ntk_stats_{model}.nc" for model in config["monte_carlo"]["models"]]


def _all_other_targets(wildcards):
    return sorted({str(p) for p in list(MONTE_CARLO_TARGETS) + list(TRAINING_TARGETS)})


# The precise run is shown when both its statistics and its figures exist (and this run is
# not itself the precise one).
PRECISE_STATS = sorted(glob.glob(f"results/{PRECISE_RUN}/ntk_stats_*.nc")) if RUN != PRECISE_RUN else []
PRECISE_FIGURE_FILES = sorted(glob.glob(f"figures/{PRECISE_RUN}/*.pdf")) if PRECISE_STATS else []
if not PRECISE_FIGURE_FILES:
    PRECISE_STATS = []


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
