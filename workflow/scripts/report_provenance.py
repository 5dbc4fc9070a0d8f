"""report/<run>/provenance.tex: revision, config hashes, seed, versions, machine, rule times."""

from pathlib import Path

import xarray as xr

from finite_ntk.report.provenance import collect_benchmarks, data_revisions, provenance_latex

inputs, params = snakemake.input, snakemake.params  # noqa: F821
datasets = {}
for path in inputs.data:
    with xr.open_dataset(path) as ds:
        datasets[Path(path).name] = xr.Dataset(attrs=dict(ds.attrs))  # attributes only
benchmarks = collect_benchmarks(params.benchmarks)
text = provenance_latex(
    snakemake.config,  # noqa: F821
    config_files=params.config_files,
    benchmarks=benchmarks,
    data_revisions=data_revisions(datasets),
    repository=Path(params.repository),
)
Path(snakemake.output[0]).write_text(text)  # noqa: F821
