"""Seed 001, Section 5 (Theorem 3): theorem3.nc (rule seed001_theorem3: theory and the Monte
Carlos (a), (b), (c)) or the subsection's macros from it (rule seed001_theorem3_report)."""

from pathlib import Path

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

if snakemake.rule == "seed001_theorem3_report":  # noqa: F821
    import xarray as xr

    from finite_ntk.papers.seed001.theorem3 import theorem3_latex

    Path(snakemake.output[0]).write_text(theorem3_latex(xr.load_dataset(snakemake.input[0])))  # noqa: F821
else:
    from finite_ntk.jobs import start_cpu_backend

    start_cpu_backend(snakemake.threads)  # noqa: F821

    from finite_ntk.io import provenance_attributes, write_netcdf_atomic
    from finite_ntk.papers.seed001.theorem3 import theorem3_dataset

    dataset = theorem3_dataset(snakemake.config, progress)  # noqa: F821
    write_netcdf_atomic(dataset, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
