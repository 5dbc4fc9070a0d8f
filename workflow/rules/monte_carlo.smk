# Monte-Carlo NTK statistics (Theorems 1 and 2; Tables 2-3). Defines MONTE_CARLO_TARGETS.
#
# One sampling job per (model, activation, width) covers every depth of that width, so
# interpreter start-up and imports are paid once per job; each configuration still gets
# its own netCDF and its own keys. Params carry the config fields each job's outputs
# depend on (finite_ntk.papers.seed000.plan), so that changing one reruns exactly the jobs it affects.
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
        samples_of_model,
    output:
        stats_path("{model}"),
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


MONTE_CARLO_TARGETS = ALL_STATS + rules.configuration_tables.output
