# Seed 001 at initialisation, Seleznova & Kutyniok (docs/replication.md): maps of
# R = E[K^2]/E[K]^2 over (sigma_w^2, depth) with mean-field theory. Its Python package is
# finite_ntk.papers.seed001; the figures are registry entries (figures.smk).
#
#   data/<run>/seed001/samples/<activation>/sb<sigma_b^2>_w<width>.nc   K(x,x) of one job's cells
#   data/<run>/seed001/phase_stats.nc      Figures 1, 2, 7: R, intervals, saturation, R_log and
#                                          the log-space statistics of K, theory
#   data/<run>/seed001/kappa.nc            Figures 5, 6: Lemma 2's kappas (closed forms)
#   data/<run>/seed001/training/<activation>/w<width>_d<depth>.nc   one training job
#   data/<run>/seed001/training_stats.nc   Figures 3, 4, 8-11: NTK change, minimal loss
#
# One sampling job per (activation, sigma_b^2, width) covers all its sigma_w^2 and depths
# (one compiled program); its params are the config fields its draws depend on and its
# own sigma_w^2 values, so adding a sigma_w^2 reruns only the jobs that sample it.
from finite_ntk.papers.seed001.settings import (
    KAPPA_FIELDS,
    TRAINING_FIELDS as SEED001_TRAINING_FIELDS,
    TRAINING_REDUCTION_FIELDS as SEED001_TRAINING_REDUCTION_FIELDS,
    REDUCTION_FIELDS as SEED001_REDUCTION_FIELDS,
    SAMPLING_FIELDS as SEED001_SAMPLING_FIELDS,
    check_seed001_config,
    sampling_jobs as seed001_sampling_jobs,
    training_data_files as seed001_training_data_files,
    training_jobs as seed001_training_jobs,
)

try:
    check_seed001_config(config)
except ValueError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

SEED001_DIR = f"{DATA}/seed001"
SEED001_JOBS = {job.stem: job for job in seed001_sampling_jobs(config)}
SEED001_SAMPLE_PATTERN = f"{SEED001_DIR}/samples/{{activation}}/sb{{bias_variance}}_w{{width}}.nc"
SEED001_SAMPLE_FILES = [f"{SEED001_DIR}/samples/{stem}.nc" for stem in SEED001_JOBS]
SEED001_TRAINING_JOBS = {job.stem: job for job in seed001_training_jobs(config)}
SEED001_TRAINING_PATTERN = f"{SEED001_DIR}/training/{{activation}}/w{{width}}_d{{depth}}.nc"
SEED001_TRAINING_FILES = [f"{SEED001_DIR}/training/{stem}.nc" for stem in SEED001_TRAINING_JOBS]
# The data files the training jobs read (MNIST's IDX files; none for the bundled digits):
# their inputs, so that replacing one reruns them and, through their outputs, the
# reduction (which reads the same training set's targets).
SEED001_DATA_FILES = seed001_training_data_files(config)
SEED001_FILES = {source: declared_files(source) for source in ("seed001_phase", "seed001_kappa", "seed001_training")}
SEED001_TARGETS = [path for paths in SEED001_FILES.values() for path in paths]


rule seed001_sample:
    output:
        SEED001_SAMPLE_PATTERN,
    wildcard_constraints:
        activation="[a-z]+",
        bias_variance=r"[0-9.e+-]+",
        width=r"\d+",
    params:
        job=lambda wildcards: lookup_job(
            SEED001_JOBS, f"{wildcards.activation}/sb{wildcards.bias_variance}_w{wildcards.width}", "seed001 sampling"
        ),
        settings=config_subset(config, SEED001_SAMPLING_FIELDS),
    log:
        f"{DATA}/logs/seed001/sample_{{activation}}_sb{{bias_variance}}_w{{width}}.log",
    benchmark:
        f"{DATA}/benchmarks/seed001_sample_{{activation}}_sb{{bias_variance}}_w{{width}}.tsv"
    group:
        "sampling"
    conda:
        ENV
    script:
        "../scripts/seed001_sample.py"


rule seed001_reduce:
    input:
        SEED001_SAMPLE_FILES,
    output:
        SEED001_FILES["seed001_phase"],
    params:
        settings=config_subset(config, SEED001_REDUCTION_FIELDS),
    log:
        f"{DATA}/logs/seed001/reduce.log",
    benchmark:
        f"{DATA}/benchmarks/seed001_reduce.tsv"
    conda:
        ENV
    script:
        "../scripts/seed001_reduce.py"


rule seed001_kappa:
    output:
        SEED001_FILES["seed001_kappa"],
    params:
        settings=config_subset(config, KAPPA_FIELDS),
    log:
        f"{DATA}/logs/seed001/kappa.log",
    benchmark:
        f"{DATA}/benchmarks/seed001_kappa.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/seed001_kappa.py"


rule seed001_train:
    # Gradient descent from seed 001's initialisation for every sigma_w^2 of one
    # (activation, width, depth): one compiled program serves them all.
    input:
        SEED001_DATA_FILES,
    output:
        SEED001_TRAINING_PATTERN,
    wildcard_constraints:
        activation="[a-z]+",
        width=r"\d+",
        depth=r"\d+",
    params:
        job=lambda wildcards: lookup_job(
            SEED001_TRAINING_JOBS, f"{wildcards.activation}/w{wildcards.width}_d{wildcards.depth}", "seed001 training"
        ),
        settings=config_subset(config, SEED001_TRAINING_FIELDS),
    log:
        f"{DATA}/logs/seed001/train_{{activation}}_w{{width}}_d{{depth}}.log",
    benchmark:
        f"{DATA}/benchmarks/seed001_train_{{activation}}_w{{width}}_d{{depth}}.tsv"
    conda:
        ENV
    script:
        "../scripts/seed001_train.py"


rule seed001_training_reduce:
    input:
        jobs=SEED001_TRAINING_FILES,
        # The training targets are read again from the data set (the constant-output loss).
        data=SEED001_DATA_FILES,
    output:
        SEED001_FILES["seed001_training"],
    params:
        settings=config_subset(config, SEED001_TRAINING_REDUCTION_FIELDS),
    log:
        f"{DATA}/logs/seed001/training_reduce.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/seed001_training_reduce.py"


rule seed001_report:
    # The seed-001 chapter's settings and numbers (macros), from the data.
    input:
        stats=SEED001_FILES["seed001_phase"],
        kappa=SEED001_FILES["seed001_kappa"],
        training=SEED001_FILES["seed001_training"],
    output:
        f"{REPORT}/seed001.tex",
    params:
        # Every seed001 setting but Theorem 3's (its own report part, seed001_theorem3_report).
        settings=config_subset(config, ["seed001", "heavy_tails.significance"], exclude=["seed001.theorem3"]),
    log:
        f"{DATA}/logs/seed001/report.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/seed001_report.py"


SEED001_REPORT = rules.seed001_report.output[0]


# Section 5 (issue 27): Lemma 1, eq. (10) and Theorem 3's output variance, in theory and
# three Monte Carlos (finite_ntk.papers.seed001.theorem3):
#   data/<run>/seed001/theorem3.nc         theory, (a), (b), (c) and their reductions
#   report/<run>/seed001_theorem3.tex      the subsection's numbers
from finite_ntk.papers.seed001.theorem3 import THEOREM3_FIELDS as SEED001_THEOREM3_FIELDS, check_theorem3_config

try:
    check_theorem3_config(config)
except ValueError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

SEED001_THEOREM3_FILES = declared_files("seed001_theorem3")


rule seed001_theorem3:
    output:
        SEED001_THEOREM3_FILES,
    params:
        settings=config_subset(config, list(SEED001_THEOREM3_FIELDS)),
    log:
        f"{DATA}/logs/seed001/theorem3.log",
    benchmark:
        f"{DATA}/benchmarks/seed001_theorem3.tsv"
    conda:
        ENV
    script:
        "../scripts/seed001_theorem3.py"


rule seed001_theorem3_report:
    input:
        SEED001_THEOREM3_FILES,
    output:
        f"{REPORT}/seed001_theorem3.tex",
    log:
        f"{DATA}/logs/seed001/theorem3_report.log",
    localrule: True
    conda:
        ENV
    script:
        "../scripts/seed001_theorem3.py"


SEED001_THEOREM3_REPORT = rules.seed001_theorem3_report.output[0]


register_paper(
    "seed001",
    targets=SEED001_TARGETS + [SEED001_REPORT] + SEED001_THEOREM3_FILES + [SEED001_THEOREM3_REPORT],
    sources={**SEED001_FILES, "seed001_theorem3": SEED001_THEOREM3_FILES},
    # The coverage table decides which estimate of R each map claim may read (claims 1-8);
    # kappa.nc holds Lemma 2's kappas (the conditioning claims).
    claim_inputs={
        "phase": SEED001_FILES["seed001_phase"],
        "training": SEED001_FILES["seed001_training"],
        "coverage": COVERAGE_TABLE,
        "kappa": SEED001_FILES["seed001_kappa"],
        "theorem3": SEED001_THEOREM3_FILES,
    },
    report_parts={"seed001": SEED001_REPORT, "seed001_theorem3": SEED001_THEOREM3_REPORT},
)
