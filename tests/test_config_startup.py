"""Every bad setting stops the run at start-up (issue 29), with one error that names the field
and says what is allowed: non-finite numbers, integer fields given floats, run names, data
sets (missing, malformed or too small), impossible sizes; and the data files a job reads are
its inputs, so replacing one reruns it.

Each case is an override file, merged over ``config/config.yaml`` and ``config/smoke.yaml``
and put through the start-up checks as the workflow runs them: ``finite_ntk.config.validate_config``
(inside ``load_config``), then each paper's check (seed 000's ``check_training_config``,
``check_seed001_config``, ``check_seed002_config``). A few go through ``snakemake -n`` (slow).
"""

from __future__ import annotations

import copy
import gzip
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from finite_ntk import budget
from finite_ntk.config import ConfigError, load_config, load_schema, validate_config
from finite_ntk.digits import MNIST_IMAGES, MNIST_LABELS, digits_labels, idx_bytes, idx_shape, mnist_labels, read_idx
from finite_ntk.papers.seed000.schedule import check_training_config, seed000_costs
from finite_ntk.papers.seed001.data import check_training_data, class_counts, largest_balanced_set
from finite_ntk.papers.seed001.settings import check_seed001_config, seed001_costs, training_data_files
from finite_ntk.papers.seed002.settings import DIGIT_IMAGES, check_seed002_config, digits_data_files, seed002_costs

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "config" / "config.yaml"
SMOKE = ROOT / "config" / "smoke.yaml"
CHECKS = (check_training_config, check_seed001_config, check_seed002_config)
SHIPPED = ["smoke.yaml", "precise.yaml", "pinn_quadrant_point.yaml", "seed001_training_paper.yaml"]


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch):
    """The default MNIST directory, data/mnist (tools/setup.sh), is relative to the working
    directory, as in the workflow: the checks run from the repository root."""
    monkeypatch.chdir(ROOT)


def startup_error(tmp_path: Path, override: str) -> str:
    """The one error the start-up checks give for the override (YAML text) over the smoke
    config; fails the test when it is accepted."""
    path = tmp_path / "override.yaml"
    path.write_text(textwrap.dedent(override))
    try:
        config = load_config(PAPER, SMOKE, path)
        for check in CHECKS:
            check(config)
    except ValueError as error:  # ConfigError is a ValueError
        return str(error)
    pytest.fail(f"accepted at start-up: {override!r}")


def assert_names(message: str, field: str, *words: str) -> None:
    assert message.startswith(f"config field '{field}': "), message
    for word in words:
        assert word in message, (word, message)
    assert message.count("config field") == 1, message


def write_mnist(directory: Path, n: int = 60, labels: np.ndarray | None = None, compressed: bool = False) -> Path:
    """A small MNIST directory: ``n`` random 28 x 28 images, labels 0..9 in turn (or given)."""
    directory.mkdir(parents=True, exist_ok=True)
    images = np.random.default_rng(0).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8) if labels is None else np.asarray(labels, dtype=np.uint8)
    for name, array in ((MNIST_IMAGES, images), (MNIST_LABELS, labels)):
        content = idx_bytes(array)
        if compressed:
            (directory / f"{name}.gz").write_bytes(gzip.compress(content))
        else:
            (directory / name).write_bytes(content)
    return directory


def mnist_override(directory: Path, **data: Any) -> str:
    fields = {"dataset": "mnist", "mnist_path": str(directory), "samples": 20, **data}
    return yaml.safe_dump({"seed001": {"training": {"data": fields}}})


# --- 1. NaN and infinity, anywhere -----------------------------------------------------------


@pytest.mark.parametrize(
    "override,field",
    [
        ("seed001: {weight_variances: [1.0, 2.0, .nan]}", "seed001.weight_variances[2]"),
        # The NaN, not "must be strictly increasing"
        ("seed001: {weight_variances: [1.0, .nan, 2.0]}", "seed001.weight_variances[1]"),
        ("seed002: {projection: {stopping_times: [1.0, .nan]}}", "seed002.projection.stopping_times[1]"),
        ("seed002: {lazy_features: {learning_rate: .inf}}", "seed002.lazy_features.learning_rate"),
        ("seed002: {synthetic: {high: .inf}}", "seed002.synthetic.high"),
        # Against synthetic.high itself, not synthetic.low
        ("seed002: {synthetic: {high: .nan}}", "seed002.synthetic.high"),
        ("seed002: {synthetic: {low: -.inf}}", "seed002.synthetic.low"),
        ("monte_carlo: {learning_rate: .nan}", "monte_carlo.learning_rate"),
        ("training: {fnn: {learning_rate: .inf}}", "training.fnn.learning_rate"),
        ("training: {pinn: {learning_rate: .NaN}}", "training.pinn.learning_rate"),
        ("seed001: {training: {learning_rate: .inf}}", "seed001.training.learning_rate"),
        ("seed001: {training: {min_decrease: .nan}}", "seed001.training.min_decrease"),
        ("network: {W_std: .inf}", "network.W_std"),
        ("network: {b_std: .nan}", "network.b_std"),
        ("monte_carlo: {models: {fnn: {input_point: [.nan]}}}", "monte_carlo.models.fnn.input_point[0]"),
        ("seed001: {depth_curves: {points: [[1.0, 1.0], [.inf, 0.0]]}}", "seed001.depth_curves.points[1][0]"),
        ("seed001: {network: {readout_weight_variance: .inf}}", "seed001.network.readout_weight_variance"),
        ("seed002: {digits_table: {stopping_time: .inf}}", "seed002.digits_table.stopping_time"),
        ("monte_carlo: {bootstrap: {confidence: .nan}}", "monte_carlo.bootstrap.confidence"),
    ],
)
def test_non_finite_numbers_are_refused_naming_the_field(tmp_path, override, field):
    assert_names(startup_error(tmp_path, override), field, "finite", "NaN")


# --- 2. Integer fields take integers only ----------------------------------------------------


@pytest.mark.parametrize(
    "override,field",
    [
        ("seed001: {depths: [1.0, 3.0, 8.0]}", "seed001.depths[0]"),
        ("monte_carlo: {replicates: 100.0}", "monte_carlo.replicates"),
        ("root_seed: 1.0", "root_seed"),
        ("seed001: {training: {data: {samples: 20.0}}}", "seed001.training.data.samples"),
        ("training: {fnn: {architectures: [[32.0, 1], [32, 4]]}}", "training.fnn.architectures[0][0]"),
        ("seed002: {lazy_features: {widths: [64, 128.0]}}", "seed002.lazy_features.widths[1]"),
        ("training: {pinn: {steps_by_activation: {relu: 50.0}}}", "training.pinn.steps_by_activation.relu"),
        ("monte_carlo: {replicates: true}", "monte_carlo.replicates"),
    ],
)
def test_integer_fields_refuse_floats(tmp_path, override, field):
    assert_names(startup_error(tmp_path, override), field, "must be an integer", "3, not 3.0")


def test_number_written_as_text_gets_a_hint(tmp_path):
    message = startup_error(tmp_path, "monte_carlo: {replicates: 1e9}")  # YAML 1.1: the text '1e9'
    assert_names(message, "monte_carlo.replicates", "'1e9'", "1000000000")


def _integer_leaves(schema: dict, node: Any, value: Any, path: tuple) -> list[tuple]:
    """Every (path, value) of the config whose schema type is integer (refs resolved)."""
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if "integer" in kinds and isinstance(value, int) and not isinstance(value, bool):
        return [(path, value)]
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            sub = node.get("properties", {}).get(key) or node.get("additionalProperties")
            if isinstance(sub, dict):
                found += _integer_leaves(schema, sub, item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            prefix = node.get("prefixItems", [])
            sub = prefix[i] if i < len(prefix) else node.get("items")
            if isinstance(sub, dict):
                found += _integer_leaves(schema, sub, item, (*path, i))
    return found


def test_every_integer_field_refuses_its_value_as_a_float():
    """The same rule everywhere: each integer of the paper config, written as a float."""
    config = load_config(PAPER)
    schema = load_schema()
    leaves = _integer_leaves(schema, schema, config, ())
    assert len(leaves) > 250  # every field and item the schema types as integer
    for path, value in leaves:
        bad = copy.deepcopy(config)
        node = bad
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = float(value)
        with pytest.raises(ConfigError, match="must be an integer") as error:
            validate_config(bad, schema)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        assert str(error.value).startswith(f"config field '{where}'"), (path, str(error.value))


# --- 3. The run name, as a whole -------------------------------------------------------------


@pytest.mark.parametrize(
    "override",
    [
        'run: "abc\\n"',
        "run: |\n  abc\n",  # a literal block: 'abc\n' by accident
        'run: "abc\\n\\n"',
        'run: "a/b"',
        'run: "a\\\\b"',
        'run: "../x"',
        'run: "."',
        'run: ".."',
        'run: "a b"',
        'run: " abc"',
        'run: "\\tabc"',
        'run: ""',
        'run: "-x"',
        "run: 12",
    ],
)
def test_run_name_must_match_as_a_whole(tmp_path, override):
    message = startup_error(tmp_path, override)
    assert message.startswith("config field 'run': "), message


def test_coverage_confidence_must_be_the_bootstraps(tmp_path):
    """The coverage table vouches for intervals at its confidence: seed 000's and seed 001's
    bootstrap must use the same."""
    config = load_config(PAPER, SMOKE)
    with pytest.raises(ConfigError) as error:
        validate_config(
            {
                **config,
                "heavy_tails": {
                    **config["heavy_tails"],
                    "coverage": {**config["heavy_tails"]["coverage"], "confidence": 0.9},
                },
            }
        )
    assert_names(str(error.value), "heavy_tails.coverage.confidence", "monte_carlo.bootstrap.confidence")


@pytest.mark.parametrize("name", ["paper", "smoke-2", "a.b_c", "7x", "precise"])
def test_plain_run_names_pass(name):
    config = load_config(PAPER, SMOKE)
    validate_config({**config, "run": name})


# --- 4. Data sets ----------------------------------------------------------------------------


def test_digits_labels_are_scikit_learns_and_cheap():
    """The start-up check reads the digits' labels from scikit-learn's CSV without importing
    scikit-learn (1.5 s); they are load_digits' labels, and DIGIT_IMAGES is their count."""
    from sklearn.datasets import load_digits

    labels = digits_labels()
    np.testing.assert_array_equal(labels, load_digits().target)
    assert len(labels) == DIGIT_IMAGES == 1797
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    code = (
        "import sys, time; from finite_ntk.digits import digits_labels; t = time.perf_counter(); digits_labels(); "
        "print(time.perf_counter() - t); assert 'sklearn.datasets' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < 0.5


@pytest.mark.parametrize(
    "data,words",
    [
        ({"samples": 5000}, ["5000", "1797", "at most 1797"]),
        ({"samples": 1790}, ["balanced", "class 0", "178", "at most 1748"]),
        ({"samples": 5, "classes": 10, "balanced": True}, ["5 class(es) without a sample", "at least"]),
        ({"samples": 5, "classes": 10, "balanced": False}, ["without a sample"]),
        ({"samples": 12, "classes": 10, "balanced": False}, ["no sample of class(es)", "balanced: true"]),
    ],
)
def test_digits_sample_counts_must_fit(tmp_path, data, words):
    override = yaml.safe_dump({"seed001": {"training": {"data": {"dataset": "digits", **data}}}})
    assert_names(startup_error(tmp_path, override), "seed001.training.data.samples", *words)


@pytest.mark.parametrize(
    "data,words",
    [
        ({"samples": 10001, "balanced": False}, ["10001", "MNIST has 10000", "at most 10000"]),
        # npm's 10,000 hold 863 fives: a balanced set of 10 classes has at most 8,635 samples
        # (864 of each of digits 0..4, 863 of 5..9).
        ({"samples": 8700}, ["balanced", "class 5", "MNIST has 863", "at most 8635"]),
    ],
)
def test_default_mnist_sample_counts_must_fit(tmp_path, data, words):
    """The default data set is npm's 10,000 MNIST digits in data/mnist (tools/setup.sh)."""
    override = yaml.safe_dump({"seed001": {"training": {"data": data}}})
    assert_names(startup_error(tmp_path, override), "seed001.training.data.samples", *words)


def test_default_mnist_directory_missing_is_one_error_naming_it(tmp_path, monkeypatch):
    """Without data/mnist (tools/setup.sh not run), the default config stops at start-up with
    one error naming the missing directory and what fetches it, for seed 001 and seed 002."""
    monkeypatch.chdir(tmp_path)  # the default mnist_path, data/mnist, is relative to the working directory
    (tmp_path / "data" / "mnist").mkdir(parents=True)
    config = load_config(PAPER, SMOKE)
    for check, field in (
        (check_seed001_config, "seed001.training.data.mnist_path"),
        (check_seed002_config, "seed002.digits_data.mnist_path"),
    ):
        with pytest.raises(ValueError) as error:
            check(config)
        assert_names(str(error.value), field, "data/mnist lacks", MNIST_IMAGES, "run tools/setup.sh", "mnist@1.1.0")
    (tmp_path / "data" / "mnist").rmdir()
    for check, field in (
        (check_seed001_config, "seed001.training.data.mnist_path"),
        (check_seed002_config, "seed002.digits_data.mnist_path"),
    ):
        with pytest.raises(ValueError) as error:
            check(config)
        assert_names(str(error.value), field, "data/mnist is not an existing directory", "run tools/setup.sh")


def test_largest_balanced_set_is_the_largest_that_fits():
    counts = np.bincount(digits_labels())
    largest = largest_balanced_set(counts, 10)
    assert all(w <= c for w, c in zip(class_counts(largest, 10), counts))
    assert any(w > c for w, c in zip(class_counts(largest + 1, 10), counts))


def test_mnist_directory_must_exist_and_hold_its_files(tmp_path):
    field = "seed001.training.data.mnist_path"
    assert_names(
        startup_error(tmp_path, mnist_override(Path("/nonexistent"))), field, "/nonexistent", "not an existing"
    )
    (tmp_path / "empty").mkdir()
    assert_names(startup_error(tmp_path, mnist_override(tmp_path / "empty")), field, MNIST_IMAGES, MNIST_LABELS)
    half = write_mnist(tmp_path / "half")
    (half / MNIST_LABELS).unlink()
    message = startup_error(tmp_path, mnist_override(half))
    assert_names(message, field, f"lacks {MNIST_LABELS}")
    assert f"lacks {MNIST_IMAGES}" not in message


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_mnist_files_must_parse(tmp_path, compressed):
    field = "seed001.training.data.mnist_path"
    good = write_mnist(tmp_path / "good", compressed=compressed)
    suffix = ".gz" if compressed else ""
    check_seed001_config(load_config(PAPER, SMOKE, _write(tmp_path, mnist_override(good))))
    cases = {
        "wrong magic number": lambda d: _rewrite(d / f"{MNIST_LABELS}{suffix}", lambda b: b"\x00\x00\x0d" + b[3:]),
        "size mismatch (truncated)": lambda d: _rewrite(d / f"{MNIST_IMAGES}{suffix}", lambda b: b[:-100]),
        "size mismatch (trailing bytes)": lambda d: _rewrite(d / f"{MNIST_IMAGES}{suffix}", lambda b: b + b"\0"),
        "MNIST's are 28 x 28": lambda d: _replace(d / f"{MNIST_IMAGES}{suffix}", np.zeros((60, 20, 20))),
        "holds 60 images but": lambda d: _replace(d / f"{MNIST_LABELS}{suffix}", np.arange(59) % 10),
        "outside 0..9": lambda d: _replace(d / f"{MNIST_LABELS}{suffix}", np.full(60, 11)),
    }
    for i, (words, spoil) in enumerate(cases.items()):
        directory = write_mnist(tmp_path / f"bad{i}", compressed=compressed)
        spoil(directory)
        assert_names(startup_error(tmp_path, mnist_override(directory)), field, words, str(directory))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mnist.yaml"
    path.write_text(text)
    return path


def _rewrite(path: Path, change) -> None:
    """Change a file's IDX content (decompressed if gzip), keeping its compression."""
    raw = path.read_bytes()
    compressed = raw[:2] == b"\x1f\x8b"
    content = change(gzip.decompress(raw) if compressed else raw)
    path.write_bytes(gzip.compress(content) if compressed else content)


def _replace(path: Path, array: np.ndarray) -> None:
    _rewrite(path, lambda _: idx_bytes(array))


def test_mnist_sample_counts_must_fit(tmp_path):
    field = "seed001.training.data.samples"
    # 60 images, 6 of each digit: a balanced set of 61 does not exist, nor one of 70.
    small = write_mnist(tmp_path / "small")
    assert_names(startup_error(tmp_path, mnist_override(small, samples=61)), field, "MNIST has 60")
    assert_names(startup_error(tmp_path, mnist_override(small, samples=61, balanced=False)), field, "MNIST has 60")
    # No image of digit 9: a balanced set needs one; classes 0..8 are fine.
    labels = np.arange(60) % 9
    no_nines = write_mnist(tmp_path / "no9", labels=labels)
    assert_names(startup_error(tmp_path, mnist_override(no_nines)), field, "class 9", "MNIST has 0")
    check_seed001_config(load_config(PAPER, SMOKE, _write(tmp_path, mnist_override(no_nines, classes=9))))
    message = startup_error(tmp_path, mnist_override(no_nines, samples=50, balanced=False))
    assert_names(message, field, "no sample of class(es) 9")


def test_idx_header_check_agrees_with_the_loader(tmp_path):
    for compressed in (False, True):
        directory = write_mnist(tmp_path / f"m{compressed}", n=37, compressed=compressed)
        suffix = ".gz" if compressed else ""
        assert idx_shape(directory / f"{MNIST_IMAGES}{suffix}", 3) == (37, 28, 28)
        assert idx_shape(directory / f"{MNIST_LABELS}{suffix}", 1) == (37,)
        np.testing.assert_array_equal(mnist_labels(directory), read_idx(directory / f"{MNIST_LABELS}{suffix}", 1))


def test_data_check_reads_no_image_data(tmp_path, monkeypatch):
    """MNIST's images are checked from their header: read_idx only ever reads the labels."""
    import finite_ntk.digits as digits

    directory = write_mnist(tmp_path / "m")
    read = []
    original = digits.read_idx
    monkeypatch.setattr(digits, "read_idx", lambda path, dims: read.append(Path(path).name) or original(path, dims))
    source = {
        "dataset": "mnist",
        "mnist_path": str(directory),
        "samples": 20,
        "seed": 0,
        "classes": 10,
        "balanced": True,
    }
    check_training_data(source)
    assert read == [MNIST_LABELS]


def test_seed002_digit_counts_are_checked(tmp_path):
    message = startup_error(tmp_path, "seed002: {digits_table: {n_train: 9000, n_test: 1500}}")
    assert_names(message, "seed002.digits_table.n_train", "10500", "MNIST in data/mnist has 10000")
    digits = "seed002: {digits_data: {dataset: digits}, digits_table: {n_train: 1500, n_test: 400}}"
    assert_names(
        startup_error(tmp_path, digits), "seed002.digits_table.n_train", "1900", "scikit-learn's digits has 1797"
    )
    small = write_mnist(tmp_path / "small")  # 60 images
    override = yaml.safe_dump({"seed002": {"digits_data": {"mnist_path": str(small)}}})
    assert_names(startup_error(tmp_path, override), "seed002.digits_table.n_train", "needs 100", f"{small} has 60")


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_seed002_mnist_files_must_exist_and_parse(tmp_path, compressed):
    field = "seed002.digits_data.mnist_path"
    suffix = ".gz" if compressed else ""

    def override(directory: Path) -> str:
        return yaml.safe_dump({"seed002": {"digits_data": {"dataset": "mnist", "mnist_path": str(directory)}}})

    assert_names(startup_error(tmp_path, override(tmp_path / "absent")), field, "absent", "run tools/setup.sh")
    half = write_mnist(tmp_path / "half", n=1000, compressed=compressed)
    (half / f"{MNIST_IMAGES}{suffix}").unlink()
    message = startup_error(tmp_path, override(half))
    assert_names(message, field, f"lacks {MNIST_IMAGES}", "run tools/setup.sh")
    assert MNIST_LABELS + "[" not in message.split("; expected")[0]
    bad = write_mnist(tmp_path / "bad", n=1000, compressed=compressed)
    _rewrite(bad / f"{MNIST_LABELS}{suffix}", lambda b: b[:-10])
    assert_names(startup_error(tmp_path, override(bad)), field, "size mismatch (truncated)", MNIST_LABELS)
    good = write_mnist(tmp_path / "good", n=1000, compressed=compressed)
    config = load_config(PAPER, SMOKE, _write(tmp_path, override(good)))
    check_seed002_config(config)
    assert digits_data_files(config) == [str(good / f"{MNIST_IMAGES}{suffix}"), str(good / f"{MNIST_LABELS}{suffix}")]
    digits = load_config(PAPER, SMOKE, _write(tmp_path, "seed002: {digits_data: {dataset: digits}}"))
    check_seed002_config(digits)
    assert digits_data_files(digits) == []


# --- 5. Impossible sizes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "override,field",
    [
        ("monte_carlo: {replicates: 1000000000}", "monte_carlo.replicates"),
        ("monte_carlo: {grid: {table3: [[512, 1], [512, 2], [10000000000, 2]]}}", "monte_carlo.grid.table3[2]"),
        ("training: {pinn: {n_interior: 10000000000}}", "training.pinn.n_interior"),
        ("seed001: {replicates: 1000000000}", "seed001.replicates"),
        ("seed001: {replicates_by_width: [{width: 8, replicates: 1000000000}]}", "seed001.replicates_by_width"),
        ("seed001: {widths: [8, 16, 100000000000]}", "seed001.widths[2]"),
        ("seed001: {training: {widths: [16, 32, 1000000]}}", "seed001.training.widths[2]"),
        ("seed002: {lazy_features: {widths: [64, 10000000]}}", "seed002.lazy_features.widths[1]"),
        ("seed002: {digits_table: {depths: [1, 5, 1000000000000]}}", "seed002.digits_table.depths[2]"),
        ("seed002: {eigenvalues: {max_depth: 1000000000000}}", "seed002.eigenvalues.max_depth"),
    ],
)
def test_impossible_sizes_are_refused_with_their_cost(tmp_path, override, field):
    message = startup_error(tmp_path, override)
    assert_names(message, field, "too large", "GB of memory", "core-hours", "allowed: at most")


def test_shipped_configs_stay_well_inside_the_bounds():
    for name in ["config.yaml", *SHIPPED]:
        files = [PAPER] if name == "config.yaml" else [PAPER, ROOT / "config" / name]
        config = load_config(*files)
        for estimate in (seed000_costs, seed001_costs, seed002_costs):
            costs = estimate(config)
            assert max(c.memory_bytes for c in costs) < budget.MAX_JOB_MEMORY_BYTES / 100, (name, estimate)
            assert max(c.seconds for c in costs) < budget.MAX_JOB_CORE_HOURS * 3600 / 10, (name, estimate)
            assert sum(c.seconds for c in costs) < budget.MAX_PAPER_CORE_HOURS * 3600 / 100, (name, estimate)


# CPU seconds of seed 001's training jobs in the paper run (README, Speed).
SEED001_TRAINING_MEASURED_SECONDS = 2784


def test_cost_estimates_are_on_the_low_side_of_measurements():
    """The README's measured run times (Speed) are above the estimates: the bounds never
    refuse a run that could be made."""
    precise = seed000_costs(load_config(PAPER, ROOT / "config" / "precise.yaml"))
    sampling = sum(c.seconds for c in precise if c.job.startswith("sample_"))
    assert sampling < 6429  # 6,429 s of sampling job time measured
    paper = load_config(PAPER, ROOT / "config" / "seed001_training_paper.yaml")
    paper["seed001"]["training"]["integrator"]["method"] = "literal"
    training = sum(c.seconds for c in seed001_costs(paper) if c.job.startswith("seed001_train"))
    assert 100 * 3600 < training < 750 * 3600  # about 750 core-hours extrapolated from measurements
    default = sum(c.seconds for c in seed001_costs(load_config(PAPER)) if c.job.startswith("seed001_train"))
    assert 600 < default < SEED001_TRAINING_MEASURED_SECONDS  # the flow integrator's paper run


# --- 6. Data files are inputs ----------------------------------------------------------------


def test_training_jobs_declare_the_mnist_files(tmp_path):
    directory = write_mnist(tmp_path / "m", compressed=True)
    config = load_config(PAPER, SMOKE, _write(tmp_path, mnist_override(directory)))
    assert training_data_files(config) == [str(directory / f"{MNIST_IMAGES}.gz"), str(directory / f"{MNIST_LABELS}.gz")]
    default = ["data/mnist/train-images-idx3-ubyte", "data/mnist/train-labels-idx1-ubyte"]
    assert training_data_files(load_config(PAPER, SMOKE)) == default  # npm's MNIST (tools/setup.sh)
    digits = _write(tmp_path, "seed001: {training: {data: {dataset: digits}}}")
    assert training_data_files(load_config(PAPER, SMOKE, digits)) == []


def _workflow_copy(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    for name in ("Snakefile", "workflow", "config", "envs"):
        source = ROOT / name
        if source.is_dir():
            subprocess.run(["cp", "-r", str(source), str(work / name)], check=True)
        else:
            (work / name).write_bytes(source.read_bytes())
    return work


def _dry_run(work: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", *arguments],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # three dry runs of the workflow
def test_replacing_an_mnist_file_reruns_the_jobs_that_read_it(tmp_path):
    work = _workflow_copy(tmp_path)
    write_mnist(work / "mnist", n=200)
    (work / "mnist.yaml").write_text(
        yaml.safe_dump(
            {
                "run": "mnist-dag",
                "seed001": {"training": {"data": {"dataset": "mnist", "mnist_path": "mnist", "samples": 20}}},
                "seed002": {"digits_data": {"dataset": "mnist", "mnist_path": "mnist"}},
            }
        )
    )
    targets = [
        work / "data" / "mnist-dag" / "seed001" / "training" / "tanh" / "w16_d1.nc",
        work / "data" / "mnist-dag" / "seed002" / "digits_table.nc",
    ]
    arguments = (*(str(t.relative_to(work)) for t in targets), "--configfile", "config/smoke.yaml", "mnist.yaml")
    first = _dry_run(work, *arguments)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert first.stdout.count("input: mnist/train-images-idx3-ubyte, mnist/train-labels-idx1-ubyte") == 2
    later = time.time() + 5
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"made after the data")
        os.utime(target, (later, later))
    done = _dry_run(work, *arguments)
    assert done.returncode == 0 and "Nothing to be done" in done.stdout + done.stderr, done.stdout[-3000:]
    write_mnist(work / "mnist", n=200, labels=(np.arange(200) + 1) % 10)  # replaced: new labels, a newer file
    os.utime(work / "mnist" / MNIST_LABELS, (later + 5, later + 5))
    again = _dry_run(work, *arguments)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    for rule in ("seed001_train", "seed002_digits_table"):
        assert rule in again.stdout, again.stdout[-3000:]
    assert "updated input files" in again.stdout, again.stdout[-3000:]


# --- 7. Messages say what is allowed ---------------------------------------------------------


@pytest.mark.parametrize(
    "override,field,words",
    [
        ("seed002: {lazy_features: {widths: []}}", "seed002.lazy_features.widths", ["at least 2 items", "got 0 items"]),
        (
            "seed002: {lazy_features: {widths: [64]}}",
            "seed002.lazy_features.widths",
            ["at least 2 items", "got 1 item:"],
        ),
        ("activations: []", "activations", ["at least 1 item"]),
        (
            "monte_carlo: {models: {fnn: {input_point: [1.0, 2.0]}}}",
            "monte_carlo.models.fnn.input_point",
            ["at most 1 item"],
        ),
        ("monte_carlo: {replicates: 1}", "monte_carlo.replicates", ["must be >= 2, got 1"]),
        ("monte_carlo: {bootstrap: {confidence: 1.0}}", "monte_carlo.bootstrap.confidence", ["must be < 1"]),
        ("seed001: {training: {learning_rate: 0.0}}", "seed001.training.learning_rate", ["must be > 0"]),
        ("monte_carlo: {sampler: fast}", "monte_carlo.sampler", ["allowed: dense, matrix_free"]),
        ("activations: [relu, relu]", "activations", ["must not repeat"]),
        ("seed001: {network: {input_dimension: x}}", "seed001.network.input_dimension", ["must be an integer"]),
        ("seed001: {training: {data: {mnist_path: 3}}}", "seed001.training.data.mnist_path", ["a string or null"]),
        (
            "seed001: {training: {data: {dataset: mnist, mnist_path: null}}}",
            "seed001.training.data.mnist_path",
            ["got null"],
        ),
        (
            "seed002: {digits_data: {dataset: mnist, mnist_path: null}}",
            "seed002.digits_data.mnist_path",
            ["got null"],
        ),
        ("seed002: {digits_data: {dataset: emnist}}", "seed002.digits_data.dataset", ["allowed: mnist, digits"]),
    ],
)
def test_messages_say_what_is_allowed(tmp_path, override, field, words):
    assert_names(startup_error(tmp_path, override), field, *words)


# --- through snakemake -n --------------------------------------------------------------------


@pytest.mark.slow  # two dry runs of the workflow
@pytest.mark.parametrize(
    "override,expected",
    [
        ({"run": "abc\n"}, "config field 'run': 'abc\\n' is not allowed"),
        (
            {"seed001": {"training": {"data": {"dataset": "mnist", "mnist_path": "/nonexistent"}}}},
            "config field 'seed001.training.data.mnist_path': MNIST directory /nonexistent is not an existing",
        ),
    ],
)
def test_snakemake_stops_at_start_up_with_one_message(tmp_path, override, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(override))
    result = _dry_run(ROOT, "--configfile", str(SMOKE), str(path))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert output.count("invalid configuration:") == 1, output[-3000:]
    assert f"invalid configuration: {expected}" in output, output[-3000:]
