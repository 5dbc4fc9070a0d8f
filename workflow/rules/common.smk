# Functions and constants shared by the rules files (kept apart from the rules, as the
# Snakemake linter asks).
from finite_ntk.plan import sampling_batches, sampling_memory_mb, sampling_priorities

MONTE_CARLO_FIGURES = ["fig1a", "fig1b", "fig2a", "fig2b", "fig3a", "fig3b", "fig4a", "fig4b", "figS2a", "figS2b"]
MODELS = list(config["monte_carlo"]["models"])
SAMPLING_BATCHES = sampling_batches(config)
# Scheduling (Snakemake priorities, the highest first): the training jobs (the longest of
# the paper run), then each reduction as soon as its samples exist, then the sampling
# jobs, longest first. Only the order changes, never an output.
SAMPLING_PRIORITIES = sampling_priorities(config)
REDUCTION_PRIORITY = len(SAMPLING_PRIORITIES) + 1
TRAINING_PRIORITY = len(SAMPLING_PRIORITIES) + 2


def sample_path(model, activation, width, depth):
    return f"{RESULTS}/samples/{model}/{activation}/w{width}_d{depth}.nc"


def samples_of_model(wildcards):
    return [
        sample_path(wildcards.model, activation, width, depth)
        for (model, activation, width), depths in SAMPLING_BATCHES.items()
        if model == wildcards.model
        for depth in depths
    ]




# ---- report helpers (report.smk) ----
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


