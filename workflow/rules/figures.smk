# One plotting job per figure of the registry (finite_ntk.papers.FIGURES), each with only
# the data it reads; its params are the config values its plotting arguments take and
# its caption (the HTML report's caption template shows it). Defines FIGURE_TARGETS.
for figure in FIGURE_REGISTRY:

    rule:
        name:
            f"plot_{figure.name}"
        input:
            **{argument: source_files(source, figure.name) for argument, source in figure.inputs.items()},
        output:
            f"{FIGURE_DIR}/{figure.name}.pdf",
            report(
                f"{FIGURE_DIR}/{figure.name}.png",
                caption="../report/figure.rst",
                category=figure.category,
                subcategory=figure.subcategory,
                labels={"figure": figure.name, "run": RUN},
            ),
        params:
            figure=figure.name,
            caption=figure.caption,
            settings=config_subset(config, figure.config_fields()),
        log:
            f"{DATA}/logs/plot_{figure.name}.log",
        benchmark:
            f"{DATA}/benchmarks/plot_{figure.name}.tsv"
        localrule: True
        conda:
            ENV
        script:
            "../scripts/plot_figure.py"


FIGURE_TARGETS = figure_targets()
