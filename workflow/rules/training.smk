# Training experiments with NTK snapshots (Appendices D-G). Defines TRAINING_TARGETS.
#
#   data/<run>/training/fnn_w<width>_d<depth>.nc                    FNN on the sine target
#   data/<run>/training/pinn_<activation>_w<width>_d<depth>.nc      Poisson PINN
#   data/<run>/training/ntk_init.nc                                 NTK at init, widths x depths
#   data/<run>/training/roundoff/<job>.nc   `snakemake roundoff_envelope`: how far round-off
#                                           carries through each job (for the figure diff's
#                                           reference set; not part of `all`)
#
# Each training job is deterministic (keys from the root seed, full-batch Adam) and
# writes its netCDF atomically, so a job killed part-way leaves nothing and its re-run
# gives the same file as an uninterrupted run.


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
        settings=lambda wildcards: training_settings("pinn", wildcards.activation),
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
        settings=lambda wildcards: training_settings(*parse_training_stem(wildcards.job)[:2]),
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
