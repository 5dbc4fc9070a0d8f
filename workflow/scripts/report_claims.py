"""Claims table: report/<run>/claims.{tex,csv,nc}, rules.tex and claims_precise.tex."""

from pathlib import Path

import xarray as xr

import finite_ntk.report.claims as claims
from finite_ntk.io import provenance_attributes, write_netcdf_atomic

inputs, outputs = snakemake.input, snakemake.output  # noqa: F821
large_beta = snakemake.config["monte_carlo"]["large_beta"]  # noqa: F821
log = open(snakemake.log[0], "w")  # noqa: F821


def load_stats(paths):
    """{model: dataset} of ntk_stats_<model>.nc files."""
    out = {}
    for path in paths:
        with xr.open_dataset(path) as ds:
            out[str(ds.attrs["model"])] = ds.load()
    return out


stats = load_stats(inputs.stats)
datasets = {}
for path in inputs.training:
    with xr.open_dataset(path) as ds:
        datasets[Path(path).name] = ds.load()
training_config = snakemake.config.get("training", {})  # noqa: F821
figures = training_config.get("fnn", {}).get("figures", {})
picked = claims.pick_training_runs(
    claims.training_runs({name: ds.attrs for name, ds in datasets.items()}),
    shallow=figures.get("seed000fig9"),
    deep=figures.get("seed000fig10"),
    pinn_architecture=training_config.get("pinn", {}).get("figure", {}).get("architecture"),
)
print(f"training runs used for claims 7 and 8: {picked}", file=log)


def load(path):
    with xr.open_dataset(path) as ds:
        return ds.load()


# Seed 002's datasets (claims 9-12).
seed002 = claims.Seed002Data(
    convergence={str(ds.attrs["dataset"]): ds for ds in map(load, inputs.seed002_convergence)},
    projection=load(inputs.seed002_projection[0]),
    eigenvalues=load(inputs.seed002_eigenvalues[0]),
    lazy=[load(path) for path in inputs.seed002_lazy],
)

# Seed 001's statistics and the config values its claims read (claims 13-25).
seed001_config = snakemake.config["seed001"]  # noqa: F821
seed001 = claims.Seed001Data(
    stats=load(inputs.seed001[0]),
    std_thresholds=tuple(seed001_config["relative_std_thresholds"]),
    maps_bias_variance=float(seed001_config["maps"]["bias_variance"]),
    bias_maps_width=int(seed001_config["bias_maps"]["width"]),
    curves_activation=seed001_config["depth_curves"]["activation"],
    curves_points=tuple((float(w), float(b)) for w, b in seed001_config["depth_curves"]["points"]),
    training=load(inputs.seed001_training[0]),
)

results = claims.evaluate_claims(
    stats.get("fnn"),
    stats.get("pinn"),
    large_beta=large_beta,
    fnn_shallow=claims.summarise_fnn_training(datasets[picked.shallow]) if picked.shallow else None,
    fnn_deep=claims.summarise_fnn_training(datasets[picked.deep]) if picked.deep else None,
    pinn_errors={activation: claims.summarise_pinn_training(datasets[name]) for activation, name in picked.pinn.items()},
    seed002=seed002,
    seed001=seed001,
)
for r in results:
    print(f"{r.key:22s} {r.verdict:8s} value={r.value!r} [{r.lo!r}, {r.hi!r}] {r.note}", file=log)

Path(outputs.tex).write_text(claims.claims_latex(results))
Path(outputs.rules).write_text(claims.rules_latex())
claims.write_claims_csv(results, outputs.csv)
attrs = {"run": snakemake.config["run"], **provenance_attributes()}  # noqa: F821
write_netcdf_atomic(claims.claims_dataset(results), outputs.nc, attrs=attrs)

# The Monte-Carlo claims on the precise run, when its statistics are inputs.
precise = load_stats(inputs.precise) if len(inputs.precise) else {}
if precise:
    precise_results = [
        r for r in claims.evaluate_claims(precise.get("fnn"), precise.get("pinn"), large_beta=large_beta) if r.number <= 6
    ]
    text = claims.claims_latex(
        precise_results, caption="Claims 1--6 on the precise run.", label="tab:claims-precise"
    )
else:
    text = "% No precise run: nothing to show.\n"
Path(outputs.precise_tex).write_text(text)
