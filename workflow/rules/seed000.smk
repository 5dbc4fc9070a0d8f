# Seed 000, "NTK analysis for finite width and depth" (docs/replication.md): Monte-Carlo NTK
# statistics (Theorems 1 and 2; Tables 2-3) and Adam training with NTK snapshots
# (Appendices D-G). Its Python package is finite_ntk.papers.seed000.
#
#   data/<run>/samples/<model>/<activation>/w<width>_d<depth>.nc     one configuration's samples
#   data/<run>/ntk_stats_<model>.nc                                  the reduced statistics
#   data/<run>/training/fnn_w<width>_d<depth>.nc                    FNN on the sine target
#   data/<run>/training/pinn_<activation>_w<width>_d<depth>.nc      Poisson PINN
#   data/<run>/training/ntk_init.nc                                 NTK at init, widths x depths
#   data/<run>/training/roundoff/<job>.nc   `snakemake roundoff_envelope`: how far round-off
#                                           carries through each job (for the figure diff's
#                                           reference set; not part of `all`)
#   report/<run>/tables/table{2,3}.tex, macros.tex                  its parts of the report
#
# One sampling job per (model, activation, width) covers every depth of that width, so
# interpreter start-up and imports are paid once per job; each configuration still gets
# its own netCDF and its own keys. Params carry the config fields each job's outputs
# depend on (finite_ntk.papers.seed000.plan), so that changing one reruns exactly the jobs
# it affects. Each training job is deterministic (keys from the root seed, full-batch
# Adam) and writes its netCDF atomically, so a job killed part-way leaves nothing.
import glob

from finite_ntk.papers.seed000.convergence import CONVERGENCE_FIELDS
from finite_ntk.papers.seed000.plan import (
    REDUCTION_FIELDS,
    TABLE_FIELDS,
    sampling_batches,
    sampling_memory_mb,
    sampling_priorities,
    sampling_settings,
)
from finite_ntk.papers.seed000.schedule import check_training_config, parse_training_stem, pinn_schedule
from finite_ntk.papers.seed000.settings import (
    FNN_EXCLUDED,
    FNN_FIELDS,
    INIT_FIELDS,
    PINN_EXCLUDED,
    PINN_FIELDS,
)

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


SAMPLE_PATTERN = f"{DATA}/samples/{{model}}/{{activation}}/w{{width}}_d{{depth}}.nc"
SAMPLES_OF_MODEL = {
    model: [
        SAMPLE_PATTERN.format(model=model, activation=activation, width=width, depth=depth)
        for (batch_model, activation, width), depths in SAMPLING_BATCHES.items()
        if batch_model == model
        for depth in depths
    ]
    for model in MODELS
}
STATS_PATTERN = f"{DATA}/ntk_stats_{{model}}.nc"


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
# The config fields each kind of job depends on, as params (finite_ntk.papers.seed000.settings):
# Snakemake reruns a job when one of them changes (not when, say, another architecture is added).
FNN_SETTINGS = config_subset(config, FNN_FIELDS, exclude=FNN_EXCLUDED)
PINN_SETTINGS = config_subset(config, PINN_FIELDS, exclude=PINN_EXCLUDED)
INIT_SETTINGS = config_subset(config, INIT_FIELDS)


# The params of each training job by (model, activation): a PINN's schedule of steps and
# snapshots is its activation's own.
TRAINING_SETTINGS = {
    ("fnn", None): FNN_SETTINGS,
    **{
        ("pinn", activation): {**PINN_SETTINGS, "schedule": pinn_schedule(TRAINING["pinn"], activation)}
        for activation in TRAINING["pinn"]["activations"]
    },
}


PINN_FIGURE = TRAINING["pinn"]["figure"]
PINN_FIGURE_FILE = PINN_PATTERN.format(
    activation=PINN_FIGURE["activation"], width=PINN_FIGURE["architecture"][0], depth=PINN_FIGURE["architecture"][1]
)


# A second Monte-Carlo run whose figures and claims appear beside this run's when its
# outputs exist (config/precise.yaml, 10,000 replicates).
PRECISE_RUN = "precise"
PRECISE_STATS = sorted(glob.glob(f"data/{PRECISE_RUN}/ntk_stats_*.nc")) if RUN != PRECISE_RUN else []
PRECISE_FIGURE_FILES = sorted(glob.glob(f"figures/{PRECISE_RUN}/*.pdf")) if PRECISE_STATS else []
if not PRECISE_FIGURE_FILES:
    PRECISE_STATS = []
ALL_STATS = [STATS_PATTERN.format(model=model) for model in MODELS]
MONTE_CARLO_SOURCES = {"stats_fnn", "stats_pinn", "convergence"}


for (model, activation, width), depths in SAMPLING_BATCHES.items():

    rule:
        name:
            f"sample_{model}_{activation}_w{width}"
        output:
            [SAMPLE_PATTERN.format(model=model, activation=activation, width=width, depth=depth) for depth in depths],
        params:
            model=model,
            activation=activation,
            width=width,
            depths=depths,
            settings=sampling_settings(config, model),
        log:
            f"{DATA}/logs/sample/{model}_{activation}_w{width}.log",
        benchmark:
            f"{DATA}/benchmarks/sample_{model}_{activation}_w{width}.tsv"
        group:
            "sampling"
        priority: SAMPLING_PRIORITIES[(model, activation, width)]
        resources:
            mem_mb=sampling_memory_mb(config["monte_carlo"]["sampler"], width, depths),
        conda:
            ENV
        script:
            "../scripts/sample_monte_carlo.py"


rule reduce_monte_carlo:
    input:
        lambda wildcards: SAMPLES_OF_MODEL[wildcards.model],
    output:
        STATS_PATTERN,
    params:
        settings=config_subset(config, REDUCTION_FIELDS),
    log:
        f"{DATA}/logs/reduce_{{model}}.log",
    benchmark:
        f"{DATA}/benchmarks/reduce_{{model}}.tsv"
    wildcard_constraints:
        model="|".join(MODELS),
    priority: REDUCTION_PRIORITY
    conda:
        ENV
    script:
        "../scripts/reduce_monte_carlo.py"


rule configuration_tables:
    output:
        f"{REPORT}/tables/table2.tex",
        f"{REPORT}/tables/table3.tex",
    params:
        settings=config_subset(config, TABLE_FIELDS),
    log:
        f"{DATA}/logs/configuration_tables.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/configuration_tables.py"


CONVERGENCE_FILES = declared_files("convergence")  # data/<run>/monte_carlo/convergence.nc
MONTE_CARLO_TARGETS = ALL_STATS + rules.configuration_tables.output + CONVERGENCE_FILES


rule train_fnn:
    output:
        FNN_PATTERN,
    wildcard_constraints:
        width=r"\d+",
        depth=r"\d+",
    params:
        settings=FNN_SETTINGS,
    log:
        f"{DATA}/logs/training/fnn_w{{width}}_d{{depth}}.log",
    benchmark:
        f"{DATA}/benchmarks/train_fnn_w{{width}}_d{{depth}}.tsv"
    priority: TRAINING_PRIORITY
    resources:
        mem_mb=4000,
    conda:
        ENV
    script:
        "../scripts/train_fnn.py"


rule train_pinn:
    output:
        PINN_PATTERN,
    wildcard_constraints:
        activation="|".join(TRAINING["pinn"]["activations"]),
        width=r"\d+",
        depth=r"\d+",
    params:
        settings=lambda wildcards: TRAINING_SETTINGS[("pinn", wildcards.activation)],
    log:
        f"{DATA}/logs/training/pinn_{{activation}}_w{{width}}_d{{depth}}.log",
    benchmark:
        f"{DATA}/benchmarks/train_pinn_{{activation}}_w{{width}}_d{{depth}}.tsv"
    priority: TRAINING_PRIORITY
    resources:
        mem_mb=4000,
    conda:
        ENV
    script:
        "../scripts/train_pinn.py"


rule init_kernels:
    output:
        INIT_KERNELS_FILE,
    params:
        settings=INIT_SETTINGS,
    log:
        f"{DATA}/logs/training/ntk_init.log",
    benchmark:
        f"{DATA}/benchmarks/init_kernels.tsv"
    resources:
        mem_mb=4000,
    conda:
        ENV
    script:
        "../scripts/init_kernels.py"


TRAINING_TARGETS = FNN_TRAINING_FILES + PINN_TRAINING_FILES + [INIT_KERNELS_FILE]


rule training_envelope:
    # The job's round-off twin (finite_ntk.papers.seed000.roundoff): trains it again with
    # round-off-sized noise on every gradient and records how far the two separate.
    input:
        f"{TRAINING_DIR}/{{job}}.nc",
    output:
        f"{TRAINING_DIR}/roundoff/{{job}}.nc",
    wildcard_constraints:
        job=r"(fnn|pinn_[a-z]+)_w\d+_d\d+",
    params:
        settings=lambda wildcards: TRAINING_SETTINGS[parse_training_stem(wildcards.job)[:2]],
    log:
        f"{DATA}/logs/training/roundoff_{{job}}.log",
    benchmark:
        f"{DATA}/benchmarks/training_envelope_{{job}}.tsv"
    priority: TRAINING_PRIORITY
    resources:
        mem_mb=4000,
    conda:
        ENV
    script:
        "../scripts/training_envelope.py"


ROUNDOFF_ENVELOPE_TARGETS = [
    f"{TRAINING_DIR}/roundoff/{os.path.basename(path)}" for path in FNN_TRAINING_FILES + PINN_TRAINING_FILES
]


# `snakemake roundoff_envelope --cores all`: the round-off envelopes of every training job,
# which a reference set needs so that the figure diff can tell another machine's rounding
# from a change (figures/reference/README.md).
rule roundoff_envelope:
    input:
        ROUNDOFF_ENVELOPE_TARGETS,

# The Monte-Carlo part alone (samples, statistics, their figures, Tables 2-3): e.g.
# `snakemake monte_carlo --cores all --configfile config/precise.yaml` for the precise run
# (the target goes first: --configfile takes every value after it), whose figures and
# claims the paper report then shows beside its own.
rule monte_carlo:
    input:
        MONTE_CARLO_TARGETS,
        figure_targets("seed000", MONTE_CARLO_SOURCES),


rule report_macros:
    # Every number of the report's prose (run, configuration, seed 000's statistics and
    # training runs, the claims' verdict counts).
    input:
        stats=ALL_STATS,
        claims=f"{REPORT}/claims.csv",
        training=TRAINING_TARGETS,
        precise=PRECISE_STATS,
        convergence=CONVERGENCE_FILES,
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


rule seed000_convergence:
    # Figures S3a-c: both estimators of E[K^2]/E[K]^2 on nested prefixes of up to 1e6 draws.
    output:
        CONVERGENCE_FILES,
    params:
        settings=config_subset(config, CONVERGENCE_FIELDS),
    log:
        f"{DATA}/logs/seed000_convergence.log",
    benchmark:
        f"{DATA}/benchmarks/seed000_convergence.tsv"
    threads: 1  # XLA on 2 threads ran 2.5x slower (measured, benchmarks/bench_convergence.py)
    priority: TRAINING_PRIORITY  # about 7 min on one core: start it early
    resources:
        mem_mb=3000,
    conda:
        ENV
    script:
        "../scripts/seed000_convergence.py"


# The FNN run each figure shows (training.fnn.figures).
FNN_FIGURE_FILES = {
    figure: [FNN_PATTERN.format(width=width, depth=depth)] for figure, (width, depth) in TRAINING["fnn"]["figures"].items()
}
register_paper(
    "seed000",
    targets=MONTE_CARLO_TARGETS + TRAINING_TARGETS,
    sources={
        "stats_fnn": declared_files("stats_fnn"),
        "stats_pinn": declared_files("stats_pinn"),
        "convergence": CONVERGENCE_FILES,
        "fnn_run": lambda figure: FNN_FIGURE_FILES[figure],
        "fnn_runs": FNN_TRAINING_FILES,
        "pinn_run": [PINN_FIGURE_FILE],
        "pinn_runs": PINN_TRAINING_FILES,
        "pinn_others": [path for path in PINN_TRAINING_FILES if path != PINN_FIGURE_FILE],
        "init_kernels": declared_files("init_kernels"),
    },
    claim_inputs={
        "stats": ALL_STATS,
        "training": TRAINING_TARGETS,
        "precise": PRECISE_STATS,
        "coverage": COVERAGE_TABLE,
    },
    report_parts={
        "macros": f"{REPORT}/macros.tex",
        "table2": f"{REPORT}/tables/table2.tex",
        "table3": f"{REPORT}/tables/table3.tex",
    },
    # The precise run's figures, shown beside this run's (report.tex, \precisepanel).
    report_files={"precise": PRECISE_FIGURE_FILES},
)
