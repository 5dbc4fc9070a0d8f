# Monte-Carlo NTK statistics (Theorems 1 and 2; Figures 1-4, Tables 2-3).
#
# One sampling job per (model, activation, width) covers every depth of that width, so
# interpreter start-up and imports are paid once per job (54 jobs on the paper grid, not
# 468); each configuration still gets its own netCDF and its own keys.
for (model, activation, width), depths in SAMPLING_BATCHES.items():

    rule:
        name:
            f"sample_{model}_{activation}_w{width}"
        output:
            [sample_path(model, activation, width, depth) for depth in depths],
        params:
            model=model,
            activation=activation,
            width=width,
            depths=depths,
        log:
            f"{RESULTS}/logs/sample/{model}_{activation}_w{width}.log",
        benchmark:
            f"{RESULTS}/benchmarks/sample_{model}_{activation}_w{width}.tsv"
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
        samples_of_model,
    output:
        f"{RESULTS}/ntk_stats_{{model}}.nc",
    log:
        f"{RESULTS}/logs/reduce_{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/reduce_{{model}}.tsv"
    wildcard_constraints:
        model="|".join(MODELS),
    priority: REDUCTION_PRIORITY
    conda:
        ENV
    script:
        "../scripts/reduce_monte_carlo.py"


rule plot_monte_carlo:
    input:
        fnn=f"{RESULTS}/ntk_stats_fnn.nc",
        pinn=f"{RESULTS}/ntk_stats_pinn.nc",
    output:
        [f"{FIGURES}/{name}.pdf" for name in MONTE_CARLO_FIGURES]
        + [report_figure(f"{FIGURES}/{name}.png") for name in MONTE_CARLO_FIGURES],
    params:
        figures=lambda wildcards, output: os.path.dirname(output[0]),
    log:
        f"{RESULTS}/logs/plot_monte_carlo.log",
    benchmark:
        f"{RESULTS}/benchmarks/plot_monte_carlo.tsv"
    conda:
        ENV
    script:
        "../scripts/plot_monte_carlo.py"


rule configuration_tables:
    output:
        f"{REPORT}/tables/table2.tex",
        f"{REPORT}/tables/table3.tex",
    log:
        f"{RESULTS}/logs/configuration_tables.log",
    conda:
        ENV
    script:
        "../scripts/configuration_tables.py"


localrules:
    plot_monte_carlo,
    configuration_tables,


MONTE_CARLO_TARGETS = (
    [f"{RESULTS}/ntk_stats_{model}.nc" for model in MODELS]
    + rules.plot_monte_carlo.output
    + rules.configuration_tables.output
)
