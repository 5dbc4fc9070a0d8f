"""Figure 8 data: FNN NTK matrices at initialisation for every width x depth."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

from finite_ntk.papers.seed000.training_runs import write_init_kernels  # noqa: E402

write_init_kernels(snakemake.config, snakemake.output[0], progress)  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
