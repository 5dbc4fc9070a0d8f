# Finite-width NTK workflow: a table of contents. `snakemake --cores all` runs the paper
# config (config/config.yaml, the one full configuration); `--configfile
# config/smoke.yaml` merges the smoke run's overrides over it. Every setting is described
# in config/README.md; the science is the finite_ntk package (installed by
# tools/setup.sh, or by the conda environment envs/finite-ntk.yaml).
#
# The papers come from one registry, finite_ntk.papers.PAPERS: each has its rules file
# (workflow/rules/<paper>.smk, which registers its outputs with register_paper) and a
# target of its own name (`snakemake seed001 --cores all`: that paper's data, figures and
# report parts).
import os

from finite_ntk.config import ConfigError, validate_config
from finite_ntk.papers import PAPERS

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


include: "workflow/rules/common.smk"  # register_paper, paths and helpers
include: "workflow/rules/heavy_tails.smk"  # the coverage table the papers' verdicts read


for paper in PAPERS.values():

    include: paper.rules


check_every_paper_registered()


include: "workflow/rules/figures.smk"  # one plotting job per registered figure
include: "workflow/rules/report.smk"  # claims, provenance, the PDF, figure diff


rule all:
    input:
        paper_targets(),
        FIGURE_TARGETS,
        REPORT_TARGETS,
    default_target: True


# One target per paper: its data products (with the report parts it makes from its own
# data alone) and its figures.
for paper in PAPERS.values():

    rule:
        name:
            paper.id
        input:
            paper_targets(paper.id),
            figure_targets(paper.id),
