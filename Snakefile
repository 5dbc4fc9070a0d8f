# Finite-width NTK workflow: Monte-Carlo NTK statistics, training with NTK snapshots,
# figures and the LaTeX report. `snakemake --cores all` runs the paper config
# (config/config.yaml); `--configfile config/smoke.yaml` runs the small smoke config.
import os
import sys

# The science lives in the finite_ntk package under src/. Put it on the path of this
# Snakefile and of every job (jobs inherit the environment, conda and SLURM ones too).
SRC = os.path.join(workflow.basedir, "src")
sys.path.insert(0, SRC)
os.environ.update(PYTHONPATH=os.pathsep.join(p for p in (SRC, os.environ.get("PYTHONPATH")) if p))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from finite_ntk.config import ConfigError, validate_config


configfile: "config/config.yaml"


try:
    validate_config(config)
except ConfigError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

RUN = config["run"]
RESULTS = f"results/{RUN}"
FIGURES = f"figures/{RUN}"
REPORT = f"report/{RUN}"
ENV = "../../envs/finite-ntk.yaml"


report: "workflow/report/workflow.rst"


# report.smk first: it defines report_figure(), which the other rules files use on their
# figure outputs; its own inputs are looked up late.
include: "workflow/rules/common.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/monte_carlo.smk"
include: "workflow/rules/training.smk"


rule all:
    input:
        MONTE_CARLO_TARGETS,
        TRAINING_TARGETS,
        REPORT_TARGETS,
    default_target: True


# The Monte-Carlo part alone (samples, statistics, Figures 1-4 and S2, Tables 2-3): e.g.
# `snakemake monte_carlo --cores all --configfile config/precise.yaml` for the precise run
# (the target goes first: --configfile takes every value after it), whose figures and
# claims the paper report then shows beside its own.
rule monte_carlo:
    input:
        MONTE_CARLO_TARGETS,
