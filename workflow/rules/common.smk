# Paths and helpers shared by the rules files (kept apart from the rules, as the
# Snakemake linter asks). Everything here is read at parse time, in every cluster job
# too: finite_ntk.papers.seed000.plan and finite_ntk.figures import no JAX or matplotlib.
import glob

from finite_ntk.papers import FIGURES as FIGURE_REGISTRY, SOURCES
from finite_ntk.papers.seed000.plan import (
    REDUCTION_FIELDS,
    TABLE_FIELDS,
    config_subset,
    sampling_batches,
    sampling_memory_mb,
    sampling_priorities,
    sampling_settings,
)
from finite_ntk.papers.seed001.settings import sampling_jobs as seed001_sampling_jobs
from finite_ntk.papers.seed001.settings import training_jobs as seed001_training_jobs
from finite_ntk.papers.seed000.schedule import check_training_config, parse_training_stem, pinn_schedule

try:
    check_training_config(config)
except ValueError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

MODELS = list(config["monte_carlo"]["models"])
SAMPLING_BATCHES = sampling_batches(config)
# Scheduling (Snakemake priorities, the highest first): the training jobs (the longest of
# the paper run), then each reduction as soon as its samples exist, then the sampling
# jobs, longest first. Only the order changes, never an output.
SAMPLING_PRIORITIES = sampling_priorities(config)
REDUCTION_PRIORITY = len(SAMPLING_PRIORITIES) + 1
TRAINING_PRIORITY = len(SAMPLING_PRIORITIES) + 2


def sample_path(model, activation, width, depth):
    return f"{DATA}/samples/{model}/{activation}/w{width}_d{depth}.nc"


def samples_of_model(wildcards):
    return [
        sample_path(wildcards.model, activation, width, depth)
        for (model, activation, width), depths in SAMPLING_BATCHES.items()
        if model == wildcards.model
        for depth in depths
    ]


def stats_path(model):
    return f"{DATA}/ntk_stats_{model}.nc"


# ---- training outputs
TRAINING = config["training"]
TRAINING_DIR = f"{DATA}/training"
FNN_PATTERN = f"{TRAINING_DIR}/fnn_w{{width}}_d{{depth}}.nc"
PINN_PATTERN = f"{TRAINING_DIR}/pinn_{{activation}}_w{{width}}_d{{depth}}.nc"
FNN_TRAINING_FILES = [FNN_PATTERN.format(width=w, depth=d) for w, d in TRAINING["fnn"]["architectures"]]
PINN_TRAINING_FILES = [
    PINN_PATTERN.format(activation=a, width=w, depth=d)
    for a in TRAINING["pinn"]["activations"]
    for w, d in TRAINING["pinn"]["architectures"]
]
INIT_KERNELS_FILE = f"{TRAINING_DIR}/ntk_init.nc"
# The config entries each kind of job depends on, as params: Snakemake reruns a job when
# one of them changes (not when, say, another architecture is added).
COMMON_SETTINGS = {
    "root_seed": config["root_seed"],
    "precision": config["precision"],
    "network": {**config["network"], **TRAINING.get("network", {})},
}
FNN_SETTINGS = {
    **COMMON_SETTINGS,
    "fnn": {k: v for k, v in TRAINING["fnn"].items() if k not in ("architectures", "figures")},
}
PINN_SETTINGS = {
    **COMMON_SETTINGS,
    "pinn": {
        k: v
        for k, v in TRAINING["pinn"].items()
        # Which jobs exist and the figure's choice are not a job's settings; its steps come
        # with its schedule (training_settings), per activation.
        if k not in ("activations", "architectures", "figure", "steps", "snapshot_steps", "steps_by_activation")
    },
}
INIT_SETTINGS = {
    **COMMON_SETTINGS,
    "init_kernels": TRAINING["init_kernels"],
    "activation": TRAINING["fnn"]["activation"],
    "n_train": TRAINING["fnn"]["n_train"],
}


def training_settings(model, activation=None):
    """The params of a training job of ``model`` ('fnn', or 'pinn' with its activation,
    whose schedule of steps and snapshots is its own)."""
    if model == "fnn":
        return FNN_SETTINGS
    return {**PINN_SETTINGS, "schedule": pinn_schedule(TRAINING["pinn"], activation)}


PINN_FIGURE = TRAINING["pinn"]["figure"]
PINN_FIGURE_FILE = PINN_PATTERN.format(
    activation=PINN_FIGURE["activation"], width=PINN_FIGURE["architecture"][0], depth=PINN_FIGURE["architecture"][1]
)


# ---- seed 001 outputs (workflow/rules/seed001.smk)
SEED001_DIR = f"{DATA}/seed001"
SEED001_JOBS = {job.stem: job for job in seed001_sampling_jobs(config)}
SEED001_SAMPLE_PATTERN = f"{SEED001_DIR}/samples/{{activation}}/sb{{bias_variance}}_w{{width}}.nc"
SEED001_SAMPLE_FILES = [f"{SEED001_DIR}/samples/{stem}.nc" for stem in SEED001_JOBS]
SEED001_TRAINING_JOBS = {job.stem: job for job in seed001_training_jobs(config)}
SEED001_TRAINING_PATTERN = f"{SEED001_DIR}/training/{{activation}}/w{{width}}_d{{depth}}.nc"
SEED001_TRAINING_FILES = [f"{SEED001_DIR}/training/{stem}.nc" for stem in SEED001_TRAINING_JOBS]
SEED001_FILES = {
    "seed001_phase": [f"{SEED001_DIR}/phase_stats.nc"],
    "seed001_kappa": [f"{SEED001_DIR}/kappa.nc"],
    "seed001_training": [f"{SEED001_DIR}/training_stats.nc"],
}
SEED001_TARGETS = [path for paths in SEED001_FILES.values() for path in paths]
SEED001_SOURCES = set(SEED001_FILES)


def seed001_job(wildcards):
    """The SamplingJob of a seed-001 sampling output (its sigma_w^2 values are its params)."""
    stem = f"{wildcards.activation}/sb{wildcards.bias_variance}_w{wildcards.width}"
    if stem not in SEED001_JOBS:
        raise WorkflowError(f"seed001: no sampling job {stem!r} in this config; known: {', '.join(SEED001_JOBS)}")
    return SEED001_JOBS[stem]


def seed001_training_job(wildcards):
    """The TrainingJob of a seed-001 training output (its sigma_w^2 values are its params)."""
    stem = f"{wildcards.activation}/w{wildcards.width}_d{wildcards.depth}"
    if stem not in SEED001_TRAINING_JOBS:
        raise WorkflowError(f"seed001: no training job {stem!r} in this config; known: {', '.join(SEED001_TRAINING_JOBS)}")
    return SEED001_TRAINING_JOBS[stem]


# ---- seed 002 outputs (workflow/rules/seed002.smk)
SEED002 = config["seed002"]
SEED002_DIR = f"{DATA}/seed002"
SEED002_CONVERGENCE_PATTERN = f"{SEED002_DIR}/convergence_{{dataset}}.nc"
SEED002_LAZY_PATTERN = f"{SEED002_DIR}/lazy/w{{width}}.nc"
SEED002_FILES = {
    "seed002_convergence_synthetic": [SEED002_CONVERGENCE_PATTERN.format(dataset="synthetic")],
    "seed002_convergence_digits": [SEED002_CONVERGENCE_PATTERN.format(dataset="digits")],
    "seed002_projection": [f"{SEED002_DIR}/projection.nc"],
    "seed002_eigenvalues": [f"{SEED002_DIR}/eigenvalues.nc"],
    "seed002_digits_table": [f"{SEED002_DIR}/digits_table.nc"],
    "seed002_lazy": [SEED002_LAZY_PATTERN.format(width=width) for width in SEED002["lazy_features"]["widths"]],
}
SEED002_TARGETS = [path for paths in SEED002_FILES.values() for path in paths]
SEED002_SOURCES = set(SEED002_FILES)


# ---- the figure registry's data sources (finite_ntk.figures.SOURCES) as this run's files
def source_files(source, figure):
    """The files of data source ``source`` for ``figure`` in this run."""
    if source in SEED002_FILES:
        return SEED002_FILES[source]
    if source in SEED001_FILES:
        return SEED001_FILES[source]
    if source in ("stats_fnn", "stats_pinn"):
        return [stats_path(source.removeprefix("stats_"))]
    if source == "fnn_run":
        width, depth = TRAINING["fnn"]["figures"][figure]
        return [FNN_PATTERN.format(width=width, depth=depth)]
    if source == "fnn_runs":
        return FNN_TRAINING_FILES
    if source == "pinn_run":
        return [PINN_FIGURE_FILE]
    if source == "pinn_runs":
        return PINN_TRAINING_FILES
    if source == "pinn_others":
        return [path for path in PINN_TRAINING_FILES if path != PINN_FIGURE_FILE]
    if source == "init_kernels":
        return [INIT_KERNELS_FILE]
    raise WorkflowError(f"data source {source!r} has no files in common.smk; known: {', '.join(SOURCES)}")


MONTE_CARLO_SOURCES = {"stats_fnn", "stats_pinn"}


def figures_of(sources):
    """Registered figures that read only ``sources``."""
    return [figure for figure in FIGURE_REGISTRY if set(figure.inputs.values()) <= set(sources)]


def figure_targets(sources=SOURCES):
    return [f"{FIGURE_DIR}/{figure.name}.{ext}" for figure in figures_of(sources) for ext in ("pdf", "png")]


# ---- report helpers (report.smk)
REPORT_SOURCE = "report/src"
REFERENCE_FIGURES = "figures/reference"
# A second Monte-Carlo run whose figures and claims appear beside this run's when its
# outputs exist (config/precise.yaml, 10,000 replicates).
PRECISE_RUN = "precise"
PRECISE_STATS = sorted(glob.glob(f"data/{PRECISE_RUN}/ntk_stats_*.nc")) if RUN != PRECISE_RUN else []
PRECISE_FIGURE_FILES = sorted(glob.glob(f"figures/{PRECISE_RUN}/*.pdf")) if PRECISE_STATS else []
if not PRECISE_FIGURE_FILES:
    PRECISE_STATS = []
ALL_STATS = [stats_path(model) for model in MODELS]
