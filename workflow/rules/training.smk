# Training experiments with NTK snapshots (issue 4; Appendices D-G, Figures 5-10, S1).
#
#   results/<run>/training/fnn_w<width>_d<depth>.nc        FNN on the sine target
#   results/<run>/training/pinn_<activation>_w<width>_d<depth>.nc   Poisson PINN
#   results/<run>/training/ntk_init.nc                      Figure 8: NTK at init, widths x depths
#   figures/<run>/{fig5,fig6,fig6b,fig7,fig8,fig9,fig10,figS1}.{pdf,png}
#
# Each training job is deterministic (keys from the root seed, full-batch Adam) and
# writes its netCDF atomically, so a job killed part-way leaves nothing and its re-run
# gives the same file as an uninterrupted run. Defines TRAINING_TARGETS.
from finite_ntk.plotting.training import TRAINING_FIGURE_NAMES
from finite_ntk.training.experiments import check_training_config, pinn_schedule

try:
    check_training_config(config)
except ValueError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None

TRAINING = config["training"]
TRAINING_DIR = f"{RESULTS}/training"
FNN_ARCHITECTURES = [tuple(a) for a in TRAINING["fnn"]["architectures"]]
PINN_JOBS = [(a, w, d) for a in TRAINING["pinn"]["activations"] for w, d in TRAINING["pinn"]["architectures"]]
TRAINING_FIGURES = list(TRAINING_FIGURE_NAMES)


FNN_PATTERN = f"{TRAINING_DIR}/fnn_w{{width}}_d{{depth}}.nc"
PINN_PATTERN = f"{TRAINING_DIR}/pinn_{{activation}}_w{{width}}_d{{depth}}.nc"
FNN_TRAINING_FILES = [FNN_PATTERN.format(width=w, depth=d) for w, d in FNN_ARCHITECTURES]
PINN_TRAINING_FILES = [PINN_PATTERN.format(activation=a, width=w, depth=d) for a, w, d in PINN_JOBS]
INIT_KERNELS_FILE = f"{TRAINING_DIR}/ntk_init.nc"
PINN_FIGURE = TRAINING["pinn"]["figure"]
PINN_FIGURE_FILE = PINN_PATTERN.format(
    activation=PINN_FIGURE["activation"], width=PINN_FIGURE["architecture"][0], depth=PINN_FIGURE["architecture"][1]
)
FNN_FIGURE_FILES = {
    name: FNN_PATTERN.format(width=w, depth=d) for name, (w, d) in TRAINING["fnn"]["figures"].items()
}


# The config entries each kind of job depends on, as params: Snakemake's params trigger
# re-runs a job when one of them changes (not when, say, another architecture is added).
COMMON_SETTINGS = {
    "root_seed": config["root_seed"],
    "precision": config["precision"],
    "network": {**config["network"], **TRAINING.get("network", {})},
}
FNN_SETTINGS = {**COMMON_SETTINGS, "fnn": {k: v for k, v in TRAINING["fnn"].items() if k not in ("architectures", "figures")}}
PINN_SETTINGS = {
    **COMMON_SETTINGS,
    "pinn": {
        k: v
        for k, v in TRAINING["pinn"].items()
        if k not in ("architectures", "figure", "steps", "snapshot_steps", "steps_by_activation")
    },
}
INIT_SETTINGS = {
    **COMMON_SETTINGS,
    "init_kernels": TRAINING["init_kernels"],
    "activation": TRAINING["fnn"]["activation"],
    "n_train": TRAINING["fnn"]["n_train"],
}


rule train_fnn:
    output:
        FNN_PATTERN,
    wildcard_constraints:
        width=r"\d+",
        depth=r"\d+",
    params:
        settings=FNN_SETTINGS,
    log:
        f"{RESULTS}/logs/training/fnn_w{{width}}_d{{depth}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train_fnn_w{{width}}_d{{depth}}.tsv"
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
        activation="relu|gelu|sigmoid",
        width=r"\d+",
        depth=r"\d+",
    params:
        settings=lambda wildcards: {**PINN_SETTINGS, "schedule": pinn_schedule(TRAINING["pinn"], wildcards.activation)},
    log:
        f"{RESULTS}/logs/training/pinn_{{activation}}_w{{width}}_d{{depth}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train_pinn_{{activation}}_w{{width}}_d{{depth}}.tsv"
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
        f"{RESULTS}/logs/training/ntk_init.log",
    benchmark:
        f"{RESULTS}/benchmarks/init_kernels.tsv"
    resources:
        mem_mb=4000,
    conda:
        ENV
    script:
        "../scripts/init_kernels.py"


# One plotting rule per figure, each with only the netCDFs it shows.
FIGURE_INPUTS = {
    "fig5": {"fnn": [FNN_FIGURE_FILES["fig5"]]},
    "fig6": {"pinn": [PINN_FIGURE_FILE]},
    "fig6b": {"pinn": [PINN_FIGURE_FILE]},
    "fig7": {"pinn": [PINN_FIGURE_FILE] + [p for p in PINN_TRAINING_FILES if p != PINN_FIGURE_FILE]},
    "fig8": {"init": [INIT_KERNELS_FILE]},
    "fig9": {"fnn": [FNN_FIGURE_FILES["fig9"]]},
    "fig10": {"fnn": [FNN_FIGURE_FILES["fig10"]]},
    "figS1": {"fnn": FNN_TRAINING_FILES, "pinn": PINN_TRAINING_FILES},
}

for figure_name in TRAINING_FIGURES:

    rule:
        name:
            f"plot_training_{figure_name}"
        input:
            **FIGURE_INPUTS[figure_name],
        output:
            f"{FIGURES}/{figure_name}.pdf",
            report_figure(f"{FIGURES}/{figure_name}.png"),
        params:
            figure=figure_name,
        log:
            f"{RESULTS}/logs/plot_training_{figure_name}.log",
        benchmark:
            f"{RESULTS}/benchmarks/plot_training_{figure_name}.tsv"
        localrule: True
        conda:
            ENV
        script:
            "../scripts/plot_training.py"


TRAINING_TARGETS = (
    FNN_TRAINING_FILES
    + PINN_TRAINING_FILES
    + [INIT_KERNELS_FILE]
    + [f"{FIGURES}/{name}.{ext}" for name in TRAINING_FIGURES for ext in ("pdf", "png")]
)
