"""Reduce the raw samples of one model into results/<run>/ntk_stats_<model>.nc."""

from finite_ntk.jobs import start

progress = start(snakemake)  # noqa: F821

import xarray as xr  # noqa: E402

from finite_ntk.io import provenance_attributes, write_netcdf_atomic  # noqa: E402
from finite_ntk.papers.seed000.reductions import reduce_samples  # noqa: E402

config = snakemake.config  # noqa: F821
mc = config["monte_carlo"]
samples = []
for path in snakemake.input:  # noqa: F821
    with xr.open_dataset(path) as ds:
        samples.append(ds.load())
progress(f"reducing {len(samples)} configurations")
stats = reduce_samples(
    samples,
    activations=config["activations"],
    resamples=mc["bootstrap"]["resamples"],
    confidence=mc["bootstrap"]["confidence"],
    fit_max_beta=mc["fit_max_beta"],
    saturation_fraction=mc["saturation_fraction"],
)
write_netcdf_atomic(stats, snakemake.output[0], attrs=provenance_attributes())  # noqa: F821
progress(f"wrote {snakemake.output[0]}")  # noqa: F821
