"""Sample K(x,x) before and after one SGD step for every depth of one
(model, activation, width); one netCDF per configuration."""

from finite_ntk.jobs import start, start_cpu_backend

progress = start(snakemake)  # noqa: F821
start_cpu_backend(snakemake.threads)  # noqa: F821

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed000.monte_carlo import samples_dataset  # noqa: E402

p = snakemake.params  # noqa: F821
provenance = provenance_attributes()
for depth, path in zip(p.depths, snakemake.output):  # noqa: F821
    label = f"{p.model}/{p.activation} width {p.width} depth {depth}"
    progress(f"{label}: sampling")
    dataset = samples_dataset(
        snakemake.config,
        p.model,
        p.activation,
        p.width,
        depth,  # noqa: F821
        progress=lambda message: progress(f"{label}: {message}"),
    )
    write_netcdf_atomic(dataset, path, attrs=provenance)
    progress(f"{label}: wrote {path}")
