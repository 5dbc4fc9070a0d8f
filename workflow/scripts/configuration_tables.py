"""Tables 2 and 3 as LaTeX, generated from the config grid."""

from pathlib import Path

from finite_ntk.papers.seed000.tables import configuration_table

grid = snakemake.config["monte_carlo"]["grid"]  # noqa: F821
for name, path in zip(("table2", "table3"), snakemake.output):  # noqa: F821
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(configuration_table(name, grid[name]))
