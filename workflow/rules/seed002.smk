# Seed 002, "Revisiting the NTK: the role of large width and depth" (docs/replication.md).
# Its Python package is finite_ntk.papers.seed002; the figures are registry entries
# (figures.smk).
#
#   data/<run>/seed002/convergence_{synthetic,digits}.nc   Figures 4, 5: kernel against depth
#   data/<run>/seed002/projection.nc                        Figure 6: projection term of f_t
#   data/<run>/seed002/eigenvalues.nc                       Figure 7: smallest eigenvalue
#   data/<run>/seed002/illustrations.nc                     Figures 2, 3: kernel matrix, correlation map
#   data/<run>/seed002/depth_rate.nc                        Theorem 2's rate, Corollary 1's onset
#   data/<run>/seed002/digits_table.nc                      Table 2: NTK predictor on digits
#   data/<run>/seed002/lazy/w<width>.nc                     Table 1: last hidden layer's deviation
#   report/<run>/seed002.tex                                the chapter's numbers and tables
#
# The digit images (Figure 5's points, Figure 6's second data set, Table 2) are those
# `seed002.digits_data` names: MNIST's IDX files (data/mnist, from tools/setup.sh) by
# default, declared as inputs of the jobs that read them, or scikit-learn's bundled digits.
#
# Every job is deterministic (numpy generators and JAX keys from the root seed) and writes
# atomically; its params are exactly the config fields its output depends on.
from finite_ntk.papers.seed002.settings import (
    CONVERGENCE_DATASETS,
    CONVERGENCE_FIELDS,
    DEPTH_RATE_FIELDS,
    DIGITS_TABLE_FIELDS,
    EIGENVALUE_FIELDS,
    ILLUSTRATION_FIELDS,
    LAZY_FIELDS,
    PROJECTION_FIELDS,
    check_seed002_config,
    digits_data_files as seed002_digits_data_files,
)

try:
    check_seed002_config(config)
except ValueError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

SEED002 = config["seed002"]
# The data files the digit jobs read (MNIST's IDX files; none for scikit-learn's digits):
# their inputs, so that replacing one reruns them and what reads their outputs.
SEED002_DATA_FILES = seed002_digits_data_files(config)
SEED002_DIR = f"{DATA}/seed002"
SEED002_CONVERGENCE_PATTERN = f"{SEED002_DIR}/convergence_{{dataset}}.nc"
SEED002_LAZY_PATTERN = f"{SEED002_DIR}/lazy/w{{width}}.nc"
SEED002_FILES = {
    **{
        source: declared_files(source)
        for source in (
            "seed002_convergence_synthetic",
            "seed002_convergence_digits",
            "seed002_projection",
            "seed002_eigenvalues",
            "seed002_depth_rate",
            "seed002_illustrations",
            "seed002_digits_table",
        )
    },
    "seed002_lazy": declared_files("seed002_lazy", width=SEED002["lazy_features"]["widths"]),
}
SEED002_TARGETS = [path for paths in SEED002_FILES.values() for path in paths]


rule seed002_convergence:
    input:
        lambda wildcards: SEED002_DATA_FILES if wildcards.dataset == "digits" else [],
    output:
        SEED002_CONVERGENCE_PATTERN,
    wildcard_constraints:
        dataset="|".join(CONVERGENCE_DATASETS),
    params:
        settings=lambda wildcards: config_subset(config, CONVERGENCE_FIELDS[wildcards.dataset]),
    log:
        f"{DATA}/logs/seed002/convergence_{{dataset}}.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_convergence_{{dataset}}.tsv"
    conda:
        ENV
    script:
        "../scripts/seed002_convergence.py"


rule seed002_projection:
    input:
        SEED002_DATA_FILES,
    output:
        SEED002_FILES["seed002_projection"],
    params:
        settings=config_subset(config, PROJECTION_FIELDS),
    log:
        f"{DATA}/logs/seed002/projection.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_projection.tsv"
    conda:
        ENV
    script:
        "../scripts/seed002_projection.py"


rule seed002_eigenvalues:
    output:
        SEED002_FILES["seed002_eigenvalues"],
    params:
        settings=config_subset(config, EIGENVALUE_FIELDS),
    log:
        f"{DATA}/logs/seed002/eigenvalues.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_eigenvalues.tsv"
    conda:
        ENV
    script:
        "../scripts/seed002_eigenvalues.py"


rule seed002_illustrations:
    output:
        SEED002_FILES["seed002_illustrations"],
    params:
        settings=config_subset(config, ILLUSTRATION_FIELDS),
    log:
        f"{DATA}/logs/seed002/illustrations.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_illustrations.tsv"
    conda:
        ENV
    script:
        "../scripts/seed002_illustrations.py"


rule seed002_depth_rate:
    output:
        SEED002_FILES["seed002_depth_rate"],
    params:
        settings=config_subset(config, DEPTH_RATE_FIELDS),
    log:
        f"{DATA}/logs/seed002/depth_rate.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_depth_rate.tsv"
    conda:
        ENV
    script:
        "../scripts/seed002_depth_rate.py"


rule seed002_digits_table:
    input:
        SEED002_DATA_FILES,
    output:
        SEED002_FILES["seed002_digits_table"],
    params:
        settings=config_subset(config, DIGITS_TABLE_FIELDS),
    log:
        f"{DATA}/logs/seed002/digits_table.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_digits_table.tsv"
    conda:
        ENV
    script:
        "../scripts/seed002_digits_table.py"


rule seed002_lazy_features:
    output:
        SEED002_LAZY_PATTERN,
    wildcard_constraints:
        width=r"\d+",
    params:
        settings=config_subset(config, LAZY_FIELDS),
    log:
        f"{DATA}/logs/seed002/lazy_w{{width}}.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_lazy_w{{width}}.tsv"
    # The widest network holds three weight matrices and their gradients (8000 x 8000 in
    # float32: 0.8 GB), and XLA a few more copies of the hidden one: 16 bytes per entry of the
    # width x width matrix, with half again for slack (30,000: 22 GB, config/seed002_paper.yaml).
    resources:
        mem_mb=lambda wildcards: max(3000, int(1.5 * 16 * int(wildcards.width) ** 2 / 1e6) + 500),
    conda:
        ENV
    script:
        "../scripts/seed002_lazy_features.py"


rule seed002_report_tables:
    # The seed-002 chapter's numbers (macros) and Tables 1 and 2, from the data.
    input:
        digits_table=SEED002_FILES["seed002_digits_table"],
        lazy=SEED002_FILES["seed002_lazy"],
        convergence=SEED002_FILES["seed002_convergence_synthetic"] + SEED002_FILES["seed002_convergence_digits"],
        projection=SEED002_FILES["seed002_projection"],
        eigenvalues=SEED002_FILES["seed002_eigenvalues"],
        depth_rate=SEED002_FILES["seed002_depth_rate"],
    output:
        f"{REPORT}/seed002.tex",
    log:
        f"{DATA}/logs/seed002/report_tables.log",
    benchmark:
        f"{DATA}/benchmarks/seed002_report_tables.tsv"
    localrule: True
    conda:
        ENV
    script:
        "../scripts/seed002_report_tables.py"


SEED002_REPORT = rules.seed002_report_tables.output[0]


register_paper(
    "seed002",
    targets=SEED002_TARGETS + [SEED002_REPORT],
    sources=SEED002_FILES,
    claim_inputs={
        "convergence": SEED002_FILES["seed002_convergence_synthetic"] + SEED002_FILES["seed002_convergence_digits"],
        "projection": SEED002_FILES["seed002_projection"],
        "eigenvalues": SEED002_FILES["seed002_eigenvalues"],
        "lazy": SEED002_FILES["seed002_lazy"],
        "depth_rate": SEED002_FILES["seed002_depth_rate"],
    },
    report_parts={"seed002": SEED002_REPORT},
)
