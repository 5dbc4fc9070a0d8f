"""The workflow's DAG: built without the heavy libraries, and rerunning exactly what a
config change affects."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from finite_ntk.papers import FIGURES

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("jax", "jaxlib", "neural_tangents", "optax", "matplotlib")
REPORT_RULES = {"report_claims", "report_macros", "report_provenance", "build_report"}
CONVERGENCE_PLOTS = {f"plot_{f.name}" for f in FIGURES if set(f.inputs.values()) == {"convergence"}}
COVERAGE = {"coverage_table", "heavy_tails_report"}  # the coverage table is seeded from root_seed
MONTE_CARLO_PLOTS = {f"plot_{f.name}" for f in FIGURES if set(f.inputs.values()) <= {"stats_fnn", "stats_pinn"}}
PINN_MONTE_CARLO_PLOTS = {f"plot_{f.name}" for f in FIGURES if set(f.inputs.values()) == {"stats_pinn"}}
FNN_TRAINING_PLOTS = {f"plot_{f.name}" for f in FIGURES if {"fnn_run", "fnn_runs"} & set(f.inputs.values())}
PINN_TRAINING_PLOTS = {
    f"plot_{f.name}" for f in FIGURES if {"pinn_run", "pinn_runs", "pinn_others"} & set(f.inputs.values())
}
ALL_PLOTS = {f"plot_{f.name}" for f in FIGURES}
TRAINING = {"train_fnn", "train_pinn", "init_kernels"}
SEED002_PLOTS = {f"plot_{f.name}" for f in FIGURES if any(s.startswith("seed002_") for s in f.inputs.values())}
SEED002_DATA = {
    "seed002_convergence",
    "seed002_projection",
    "seed002_eigenvalues",
    "seed002_illustrations",
    "seed002_digits_table",
    "seed002_lazy_features",
}
# Seed 002's depth rate draws nothing: the root seed leaves its job and its figure alone.
SEED002_RATE_PLOT = {"plot_seed002rate"}
SEED002_LAZY = {"seed002_lazy_features", "plot_seed002table1", "seed002_report_tables"}
SEED001_PHASE_PLOTS = {f"plot_{f.name}" for f in FIGURES if "seed001_phase" in f.inputs.values()}
SEED001_KAPPA_PLOTS = {f"plot_{f.name}" for f in FIGURES if "seed001_kappa" in f.inputs.values()}
SEED001_TRAINING_PLOTS = {f"plot_{f.name}" for f in FIGURES if "seed001_training" in f.inputs.values()}
SEED001_TRAINING = {"seed001_train", "seed001_training_reduce", "seed001_report"} | SEED001_TRAINING_PLOTS
SEED001_SAMPLING = {"seed001_sample", "seed001_reduce", "seed001_report"} | SEED001_PHASE_PLOTS
SEED001_THEOREM3 = {"seed001_theorem3", "seed001_theorem3_report"} | {
    f"plot_{f.name}" for f in FIGURES if "seed001_theorem3" in f.inputs.values()
}


def dry_run_rules(cwd: Path, *arguments: str, env: dict | None = None) -> dict[str, int]:
    """Rule -> job count of `snakemake -n` (sampling rules collapsed to 'sample_<model>')."""
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    if "Nothing to be done" in result.stdout + result.stderr:
        return {}
    table = lines[lines.index("Job stats:") + 3 :]
    counts: dict[str, int] = {}
    for line in table:
        if not line.strip() or line.startswith("total"):
            break
        rule, count = line.split()
        if rule.startswith("sample_"):
            rule = "sample_" + rule.split("_")[1]
        counts[rule] = counts.get(rule, 0) + int(count)
    return counts


@pytest.mark.slow  # four dry runs of the whole workflow
def test_dag_is_built_without_jax_neural_tangents_optax_or_matplotlib(tmp_path):
    """Every cluster job parses the Snakefile again: importing a heavy library there would
    cost seconds per job. Packages of those names that refuse to import prove it."""
    for name in HEAVY:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('{name} imported at parse time')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for configs in ([], ["--configfile", "config/smoke.yaml"]):
        counts = dry_run_rules(ROOT, "--forceall", *configs, env=env)
        assert counts["build_report"] == 1 and counts["reduce_monte_carlo"] == 2


# config field -> (new value, the rules whose jobs must rerun, and no others)
FIELD_EFFECTS = {
    "monte_carlo.replicates": (
        64,
        {"sample_fnn", "sample_pinn", "reduce_monte_carlo"} | MONTE_CARLO_PLOTS | REPORT_RULES,
    ),
    "root_seed": (
        1,
        {"sample_fnn", "sample_pinn", "reduce_monte_carlo"}
        | TRAINING
        | (ALL_PLOTS - SEED001_KAPPA_PLOTS - SEED002_RATE_PLOT)
        | REPORT_RULES
        | SEED002_DATA
        | {"seed002_report_tables"}
        | SEED001_SAMPLING
        | SEED001_TRAINING
        | SEED001_THEOREM3
        | COVERAGE
        | {"seed000_convergence"},
    ),
    "monte_carlo.models.pinn.input_point": (
        [0.5, 0.125],
        {"sample_pinn", "reduce_monte_carlo"} | PINN_MONTE_CARLO_PLOTS | REPORT_RULES,
    ),
    "monte_carlo.bootstrap.resamples": (250, {"reduce_monte_carlo"} | MONTE_CARLO_PLOTS | REPORT_RULES),
    "monte_carlo.large_beta": (0.25, {"plot_seed000fig1b", "plot_seed000fig3b"} | REPORT_RULES),
    "training.fnn.learning_rate": (2.0e-3, {"train_fnn"} | FNN_TRAINING_PLOTS | REPORT_RULES),
    "training.pinn.boundary_weight": (10.0, {"train_pinn"} | PINN_TRAINING_PLOTS | REPORT_RULES),
    "training.init_kernels.depths": ([1, 2], {"init_kernels", "plot_seed000fig8"} | REPORT_RULES),
    # Seed 002's kernels are float64 whatever the precision; its Table 1 training is not.
    "precision": (
        "float64",
        {"sample_fnn", "sample_pinn", "reduce_monte_carlo"}
        | TRAINING
        # Theorem 3's Monte Carlos are float64 whatever the precision.
        | (ALL_PLOTS - SEED002_PLOTS - SEED001_KAPPA_PLOTS - SEED001_THEOREM3)
        | SEED002_LAZY
        | REPORT_RULES
        | SEED001_SAMPLING
        | SEED001_TRAINING
        | {"seed000_convergence"},
    ),
    "seed002.convergence.max_depth": (
        100,
        {"seed002_convergence", "plot_seed002fig4", "plot_seed002fig5", "seed002_report_tables"} | REPORT_RULES,
    ),
    "seed002.synthetic.dimension": (
        4,
        {"seed002_convergence", "seed002_projection", "plot_seed002fig4", "plot_seed002fig6", "seed002_report_tables"}
        | {"seed002_illustrations", "plot_seed002fig2", "plot_seed002fig3"}
        | REPORT_RULES,
    ),
    "seed002.lazy_features.steps": (10, SEED002_LAZY | REPORT_RULES),
    # The digit images (MNIST by default): Figure 5's and 6's points and Table 2, not the synthetic ones.
    "seed002.digits_data.dataset": (
        "digits",
        {
            "seed002_convergence",
            "seed002_projection",
            "seed002_digits_table",
            "plot_seed002fig5",
            "plot_seed002fig6",
            "seed002_report_tables",
        }
        | REPORT_RULES,
    ),
    # Seed 001: a sigma_w^2 grid change reruns the map jobs (their params name their
    # sigma_w^2) and what reads the statistics; the kappas and the classes do not resample.
    "seed001.weight_variances": ([1.0, 2.5, 4.0], SEED001_SAMPLING | REPORT_RULES),
    "seed001.relative_std_thresholds": ([0.5, 1.0], (SEED001_PHASE_PLOTS | {"seed001_report"}) | REPORT_RULES),
    "seed001.kappa.max_depth": (6, {"seed001_kappa", "seed001_report"} | SEED001_KAPPA_PLOTS | REPORT_RULES),
    "seed001.training.max_steps": (2000, SEED001_TRAINING | REPORT_RULES),
    # Section 5 (Theorem 3): its one job, its figures and report part, nothing else of seed 001.
    "seed001.theorem3.replicates": (12, SEED001_THEOREM3 | REPORT_RULES),
    # Heavy tails: the coverage table and what reads it; the convergence experiment and its figures.
    "heavy_tails.coverage.simulations": (30, COVERAGE | REPORT_RULES),
    "monte_carlo.convergence.max_draws": (2000, {"seed000_convergence"} | CONVERGENCE_PLOTS | REPORT_RULES),
}


@pytest.mark.slow
def test_a_finished_run_has_nothing_to_do(smoke_run):
    assert dry_run_rules(smoke_run, "--configfile", "config/smoke.yaml") == {}


@pytest.mark.slow
@pytest.mark.parametrize("field", FIELD_EFFECTS)
def test_config_change_reruns_exactly_what_it_affects(smoke_run, tmp_path, field):
    """After a finished smoke run, a dry run with one setting changed lists the jobs that
    setting affects (through their params, then downstream) and no others."""
    value, expected = FIELD_EFFECTS[field]
    override: dict = {}
    node = override
    *parents, leaf = field.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    path = tmp_path / "change.yaml"
    path.write_text(yaml.safe_dump(override))
    counts = dry_run_rules(smoke_run, "--configfile", "config/smoke.yaml", str(path))
    assert set(counts) - {"all"} == expected
