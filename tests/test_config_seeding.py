"""Config validation, seeding rule, determinism, environment pins."""

import copy
import re
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest
import yaml

import finite_ntk.seeding as seeding
from finite_ntk.config import ConfigError, load_config, merge_configs, validate_config
from finite_ntk.models.problems import AUTHORS_PINN_INPUT_POINT
from finite_ntk.papers.seed000.monte_carlo import samples_dataset

ROOT = Path(__file__).resolve().parents[1]


PAPER = ROOT / "config" / "config.yaml"


@pytest.fixture(scope="module")
def smoke():
    return load_config(PAPER, ROOT / "config" / "smoke.yaml")


def test_shipped_configs_are_valid_and_overrides_stay_overrides():
    """config.yaml is the one full configuration; every other config file holds only what
    differs from it (they are merged over it as Snakemake merges --configfile)."""
    paper = load_config(PAPER)
    override_files = sorted(p.name for p in (ROOT / "config").glob("*.yaml") if p != PAPER)
    assert {"smoke.yaml", "precise.yaml", "pinn_quadrant_point.yaml"} <= set(override_files)
    for name in override_files:
        merged = load_config(PAPER, ROOT / "config" / name)
        overrides = yaml.safe_load((ROOT / "config" / name).read_text())
        assert merged["run"] != paper["run"]

        def leaves(tree, prefix=""):
            for key, value in tree.items():
                if isinstance(value, dict):
                    yield from leaves(value, f"{prefix}{key}.")
                else:
                    yield f"{prefix}{key}", value

        paper_leaves = dict(leaves(paper))
        for path, value in leaves(overrides):
            assert path in paper_leaves, f"{name}: {path} is not a setting of config.yaml"
            assert paper_leaves[path] != value, f"{name}: {path} repeats config.yaml's value"
    precise = load_config(PAPER, ROOT / "config" / "precise.yaml")
    assert precise["monte_carlo"]["replicates"] == 10000
    assert precise["training"] == paper["training"]
    # The PINN's Monte-Carlo point is the authors' notebook's (issue 15); the previous one stays an option.
    assert tuple(paper["monte_carlo"]["models"]["pinn"]["input_point"]) == AUTHORS_PINN_INPUT_POINT
    quadrant = load_config(PAPER, ROOT / "config" / "pinn_quadrant_point.yaml")
    assert quadrant["monte_carlo"]["models"]["pinn"]["input_point"] == [0.25, 0.25]
    assert quadrant["monte_carlo"]["models"]["fnn"] == paper["monte_carlo"]["models"]["fnn"]


def test_merge_replaces_lists_and_merges_mappings():
    merged = merge_configs({"a": {"b": 1, "c": [1, 2]}, "d": 0}, {"a": {"c": [3]}})
    assert merged == {"a": {"b": 1, "c": [3]}, "d": 0}


@pytest.mark.parametrize("run", [".", "..", "../x", "a/b", "", "-x", "mnist"])
def test_run_name_must_be_a_plain_folder_name(smoke, run):
    config = copy.deepcopy(smoke)
    config["run"] = run
    with pytest.raises(ConfigError, match=re.escape("config field 'run'")):
        validate_config(config)


def test_paper_grid_is_the_report_grid():
    config = load_config(PAPER)
    grid = config["monte_carlo"]["grid"]
    assert len(grid["table2"]) == 55 and len(grid["table3"]) == 23
    assert [128, 96] in grid["table2"]  # the row that lost its numbers: beta 0.75 at width 128
    assert config["monte_carlo"]["replicates"] == 100
    assert config["monte_carlo"]["learning_rate"] == 1e-3


@pytest.mark.parametrize(
    "mutate,field",
    [
        (lambda c: c.update(activations=["relu", "softplus"]), "activations[1]"),
        (lambda c: c["monte_carlo"]["grid"]["table2"].__setitem__(0, [0, 4]), "monte_carlo.grid.table2[0][0]"),
        (lambda c: c["monte_carlo"]["grid"]["table3"].__setitem__(0, [16, -2]), "monte_carlo.grid.table3[0][1]"),
        (lambda c: c["monte_carlo"].__setitem__("replicates", "many"), "monte_carlo.replicates"),
        (lambda c: c["network"].__setitem__("parameterization", "mup"), "network.parameterization"),
        (lambda c: c.__setitem__("precision", "float16"), "precision"),
        (lambda c: c.pop("run"), "<top level>"),
        (lambda c: c.__setitem__("extra", 1), "<top level>"),
    ],
)
def test_bad_config_names_the_field(smoke, mutate, field):
    config = copy.deepcopy(smoke)
    mutate(config)
    with pytest.raises(ConfigError, match=re.escape(f"config field '{field}'")):
        validate_config(config)


def test_malformed_config_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("run: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")


def test_workflow_rejects_bad_config_with_one_clear_message(tmp_path, smoke):
    config = copy.deepcopy(smoke)
    config["activations"] = ["swish"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", "--configfile", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert (
        "config field 'activations[0]': 'swish' is not allowed; allowed: relu, gelu, sigmoid"
        in result.stdout + result.stderr
    )


def test_seeding_rule_is_stable_and_local():
    # The identity hash is a fixed function of the identity text (documented rule).
    assert seeding.identity_hash("monte_carlo/model=fnn/activation=relu/width=16/depth=4") == int.from_bytes(
        __import__("hashlib").sha256(b"monte_carlo/model=fnn/activation=relu/width=16/depth=4").digest()[:4], "big"
    )
    a = seeding.monte_carlo_key(1, "fnn", "relu", 16, 4)
    b = seeding.monte_carlo_key(1, "fnn", "relu", 16, 8)
    assert not np.array_equal(jax.random.key_data(a), jax.random.key_data(b))
    # replicate i does not depend on how many replicates are drawn
    few = seeding.replicate_keys(a, 3)
    many = seeding.replicate_keys(a, 10)
    np.testing.assert_array_equal(jax.random.key_data(few), jax.random.key_data(many[:3]))


def test_numpy_generators_follow_the_one_rule():
    """numpy_generator seeds numpy with [root_seed, identity_hash(identity)]; the bootstrap and
    seed 002's data draws are that rule with their identity texts (same streams as before)."""
    from finite_ntk.papers.seed002.datasets import generator
    from finite_ntk.stats import bootstrap_rng

    identity = "seed002/eigenvalues/n=30/dimension=3"
    expected = np.random.default_rng([7, seeding.identity_hash(identity)]).standard_normal(8)
    np.testing.assert_array_equal(seeding.numpy_generator(7, identity).standard_normal(8), expected)
    np.testing.assert_array_equal(seeding.numpy_generator(np.int64(7), identity).standard_normal(8), expected)
    np.testing.assert_array_equal(generator(7, "eigenvalues", n=30, dimension=3).standard_normal(8), expected)
    boot = np.random.default_rng([7, seeding.identity_hash("bootstrap/x/rr")]).integers(0, 9, 20)
    np.testing.assert_array_equal(bootstrap_rng(7, "x/rr").integers(0, 9, 20), boot)
    assert not np.array_equal(seeding.numpy_generator(8, identity).standard_normal(8), expected)
    for bad in (-1, 2**32, True, 1.0):
        with pytest.raises(ValueError, match="^root_seed"):
            seeding.numpy_generator(bad, identity)


def test_snapshot_steps_have_one_contract():
    """Distinct integers in [0, steps], sorted, including what the caller requires."""
    from finite_ntk.training.snapshots import check_snapshot_steps

    assert check_snapshot_steps([30, 0, 10], 30, "w", required=(0, 30)) == [0, 10, 30]
    assert check_snapshot_steps([np.int64(50), 10], 60, "w") == [10, 50]
    assert check_snapshot_steps([0, 60], 60, "w") == [0, 60]
    for steps, required, what in (
        ([10, 10], (), "distinct"),
        ([-1], (), r"\[0, 60\]"),
        ([61], (), r"\[0, 60\]"),
        ([1.0], (), "integers"),
        ([True], (), "integers"),
        ([0, 30], (0, 60), "include step 0 and 60"),
        ([10, 60], (0, 60), "include"),
    ):
        with pytest.raises(ValueError, match=f"^where: snapshot steps must .*{what}"):
            check_snapshot_steps(steps, 60, "where", required=required)


def test_same_seed_bit_identical_different_seed_differs(smoke):
    first = samples_dataset(smoke, "pinn", "gelu", 16, 4)
    again = samples_dataset(smoke, "pinn", "gelu", 16, 4)
    for name in ("k_init", "k_step", "delta_k"):
        assert first[name].values.tobytes() == again[name].values.tobytes()
    other = copy.deepcopy(smoke)
    other["root_seed"] += 1
    different = samples_dataset(other, "pinn", "gelu", 16, 4)
    assert not np.array_equal(first["k_init"].values, different["k_init"].values)


@pytest.mark.slow
def test_replicate_draws_do_not_depend_on_replicate_count(smoke):
    more = copy.deepcopy(smoke)
    more["monte_carlo"]["replicates"] = smoke["monte_carlo"]["replicates"] + 5
    a = samples_dataset(smoke, "fnn", "relu", 16, 4)
    b = samples_dataset(more, "fnn", "relu", 16, 4)
    n = a.sizes["replicate"]
    np.testing.assert_array_equal(a["k_init"].values, b["k_init"].values[:n])


@pytest.mark.slow
def test_float64_switch_is_recorded_and_used(tmp_path, smoke):
    config = copy.deepcopy(smoke)
    config["precision"] = "float64"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    code = (
        "import finite_ntk, yaml\n"
        "from finite_ntk.precision import set_precision\n"
        f"c = yaml.safe_load(open({str(path)!r}))\n"
        "set_precision(c['precision'])\n"
        "from finite_ntk.papers.seed000.monte_carlo import samples_dataset\n"
        "ds = samples_dataset(c, 'fnn', 'sigmoid', 16, 4)\n"
        "print(ds.attrs['precision'], ds['k_init'].dtype)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["float64", "float64"]


def test_lock_and_conda_environment_agree():
    lock = {
        line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    env = yaml.safe_load((ROOT / "envs" / "finite-ntk.yaml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip_section) == lock
    pins = dict(line.split("==") for line in lock)
    assert pins["jax"] == "0.5.3" and pins["jaxlib"] == "0.5.3" and pins["neural-tangents"] == "0.6.5"
    assert any(d == "python=3.11" for d in env["dependencies"] if isinstance(d, str))


def test_sampling_memory_request_follows_the_sampler():
    from finite_ntk.samplers.cost import MATRIX_FREE_JOB_MEMORY_MB, sampling_memory_mb

    # Dense: grows with width^2 x depth (about 27 GB at width 4096, depth 16).
    assert sampling_memory_mb("dense", 16, [1, 64]) < 2100
    assert 26000 < sampling_memory_mb("dense", 4096, [1, 16]) < 28000
    # Matrix-free: no weight matrix, one modest request whatever the width.
    assert sampling_memory_mb("matrix_free", 4096, [1, 16]) == MATRIX_FREE_JOB_MEMORY_MB <= 4000


def test_sampling_jobs_start_longest_first():
    """Priorities rank the jobs by work: the smooth-activation PINN at width 2048 (16
    floats per row revealed against the FNN's 4) first, narrow FNNs last; dense ranks by
    parameter count."""
    from finite_ntk.papers.seed000.plan import sampling_batches, sampling_priorities

    config = load_config(ROOT / "config" / "config.yaml")
    priorities = sampling_priorities(config)
    assert set(priorities) == set(sampling_batches(config))
    assert sorted(priorities.values()) == list(range(1, len(priorities) + 1))
    assert priorities[("pinn", "gelu", 2048)] > priorities[("pinn", "relu", 2048)] > priorities[("fnn", "gelu", 16)]
    assert priorities[("fnn", "gelu", 16)] <= 3
    dense = copy.deepcopy(config)
    dense["monte_carlo"]["sampler"] = "dense"
    ranked = sampling_priorities(dense)
    assert ranked[("fnn", "relu", 4096)] > ranked[("fnn", "relu", 256)] > ranked[("fnn", "relu", 16)]


def test_schema_allows_exactly_the_samplers_of_the_dispatch_table():
    from finite_ntk.config import load_schema
    from finite_ntk.samplers.cost import REPLICATE_WORK
    from finite_ntk.samplers.dispatch import SAMPLERS, get_sampler

    allowed = load_schema()["properties"]["monte_carlo"]["properties"]["sampler"]["enum"]
    assert set(allowed) == set(SAMPLERS) == set(REPLICATE_WORK)
    with pytest.raises(ValueError, match="sampler: 'lazy' is not supported; allowed: dense, matrix_free"):
        get_sampler("lazy")


def test_training_file_stems():
    from finite_ntk.papers.seed000.schedule import parse_training_stem

    assert parse_training_stem("fnn_w32_d4") == ("fnn", None, 32, 4)
    assert parse_training_stem("pinn_sigmoid_w512_d2") == ("pinn", "sigmoid", 512, 2)
    for bad in ("ntk_init", "fnn_w32", "pinn_w512_d2", "fnn_w32_d4.nc"):
        with pytest.raises(ValueError, match="expected fnn_w<width>_d<depth>"):
            parse_training_stem(bad)
