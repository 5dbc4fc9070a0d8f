# Finite-width NTK workflow: a table of contents. `snakemake --cores all` runs the paper
# config (config/config.yaml, the one full configuration); `--configfile
# config/smoke.yaml` merges the smoke run's overrides over it. Every setting is described
# in config/README.md; the science is the finite_ntk package (installed by
# tools/setup.sh, or by the conda environment envs/finite-ntk.yaml).
import os

from finite_ntk.config import ConfigError, validate_config

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


configfile: "config/config.yaml"


try:
    validate_config(config)
except ConfigError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

RUN = config["run"]
DATA = f"data/{RUN}"  # netCDF data products, with logs/ and benchmarks/
FIGURE_DIR = f"figures/{RUN}"
REPORT = f"report/{RUN}"
ENV = "../../envs/finite-ntk.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"  # paths, the figure registry's inputs, helpers
include: "workflow/rules/monte_carlo.smk"  # sampling, reductions, Tables 2-3 (Theorems 1, 2)
include: "workflow/rules/training.smk"  # Adam training with NTK snapshots
include: "workflow/rules/seed001.smk"  # seed 001 at initialisation: NTK phase diagrams
include: "workflow/rules/seed002.smk"  # seed 002: the deep infinite-width NTK, Tables 1-2
include: "workflow/rules/figures.smk"  # one plotting job per registered figure
include: "workflow/rules/report.smk"  # claims, macros, provenance, the PDF, figure diff


rule all:
    input:
        MONTE_CARLO_TARGETS,
        TRAINING_TARGETS,
        SEED001_TARGETS,
        SEED002_TARGETS,
        FIGURE_TARGETS,
        REPORT_TARGETS,
    default_target: True


# The Monte-Carlo part alone (samples, statistics, their figures, Tables 2-3): e.g.
# `snakemake monte_carlo --cores all --configfile config/precise.yaml` for the precise run
# (the target goes first: --configfile takes every value after it), whose figures and
# claims the paper report then shows beside its own.
rule monte_carlo:
    input:
        MONTE_CARLO_TARGETS,
        figure_targets(MONTE_CARLO_SOURCES),


# Seed 001 alone (Seleznova & Kutyniok, at initialisation): its samples, statistics and
# figures: `snakemake seed001 --cores all`.
rule seed001:
    input:
        SEED001_TARGETS,
        figure_targets(SEED001_SOURCES),


# Seed 002 alone ("Revisiting the NTK: the role of large width and depth"): its data,
# figures and the numbers of its report chapter: `snakemake seed002 --cores all`.
rule seed002:
    input:
        SEED002_TARGETS,
        figure_targets(SEED002_SOURCES),
        SEED002_REPORT,
