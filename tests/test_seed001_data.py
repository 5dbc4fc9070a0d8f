"""Seed 001's training data (finite_ntk.papers.seed001.data) and the digit sources it chooses
from (finite_ntk.digits): the MNIST IDX loader on small IDX files written here (the format
from its specification, not from the module), its validation errors, and the offline digits
substitute's seeded, balanced choice."""

from __future__ import annotations

import gzip
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import finite_ntk.digits as digits_module
import finite_ntk.papers.seed001.data as data
from finite_ntk.digits import DIGITS_DESCRIPTION, MNIST_IMAGES, MNIST_LABELS, load_digits_images, load_mnist, read_idx
from finite_ntk.papers.seed001.data import (
    TrainingSet,
    check_source,
    choose_indices,
    class_counts,
    mean_square_per_coordinate,
    training_set,
)


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """An unsigned-byte IDX file: magic 0x0000080N, N big-endian uint32 sizes, the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x08 << 8) | array.ndim if magic is None else magic
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write(path: Path, content: bytes, compressed: bool = False) -> Path:
    if compressed:
        path = path.with_name(path.name + ".gz")
        content = gzip.compress(content)
    path.write_bytes(content)
    return path


def fake_mnist(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0, 0, 0] = 255  # the full range appears
    labels = (np.arange(n) % 10).astype(np.uint8)
    return images, labels


def write_mnist(directory: Path, images: np.ndarray, labels: np.ndarray, compressed: bool = False) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write(directory / MNIST_IMAGES, idx_bytes(images), compressed)
    write(directory / MNIST_LABELS, idx_bytes(labels), compressed)
    return directory


def digits_source(**changes: Any) -> dict[str, Any]:
    source: dict[str, Any] = {
        "dataset": "digits",
        "mnist_path": None,
        "samples": 128,
        "seed": 1234,
        "classes": 10,
        "balanced": True,
    }
    source.update(changes)
    return source


# --- the MNIST loader -----------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_mnist_round_trip(tmp_path: Path, compressed: bool) -> None:
    images, labels = fake_mnist(7)
    write_mnist(tmp_path, images, labels, compressed)
    loaded_images, loaded_labels = load_mnist(tmp_path)
    assert loaded_images.dtype == np.uint8 and loaded_images.shape == (7, 28, 28)
    assert loaded_labels.dtype == np.uint8 and loaded_labels.shape == (7,)
    np.testing.assert_array_equal(loaded_images, images)
    np.testing.assert_array_equal(loaded_labels, labels)


def test_mnist_mixed_compression_and_plain_first(tmp_path: Path) -> None:
    images, labels = fake_mnist(4)
    write(tmp_path / MNIST_IMAGES, idx_bytes(images), compressed=True)
    write(tmp_path / MNIST_LABELS, idx_bytes(labels))
    np.testing.assert_array_equal(load_mnist(tmp_path)[0], images)
    # With both, the plain file is read.
    write(tmp_path / MNIST_IMAGES, idx_bytes(images[::-1]))
    np.testing.assert_array_equal(load_mnist(tmp_path)[0], images[::-1])


def test_read_idx_shapes(tmp_path: Path) -> None:
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(read_idx(write(tmp_path / "a", idx_bytes(array)), 3), array)
    empty = read_idx(write(tmp_path / "b", idx_bytes(np.zeros((0,), np.uint8))), 1)
    assert empty.shape == (0,)


def test_missing_directory_and_files(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))) as error:
        load_mnist(missing)
    assert MNIST_IMAGES in str(error.value) and MNIST_LABELS in str(error.value)
    images, labels = fake_mnist(3)
    write(tmp_path / MNIST_IMAGES, idx_bytes(images))
    with pytest.raises(FileNotFoundError, match=rf"{re.escape(str(tmp_path))} lacks {MNIST_LABELS}"):
        load_mnist(tmp_path)


def test_bad_magic_names_file(tmp_path: Path) -> None:
    images, labels = fake_mnist(3)
    write_mnist(tmp_path, images, labels)
    bad = write(tmp_path / MNIST_IMAGES, idx_bytes(images, magic=0x00000D03))  # type 0x0D: float
    with pytest.raises(ValueError, match=rf"{re.escape(str(bad))}: wrong magic number 0x00000d03"):
        load_mnist(tmp_path)
    bad.write_bytes(b"\x12\x34" + idx_bytes(images)[2:])
    with pytest.raises(ValueError, match=rf"{re.escape(str(bad))}: wrong magic number"):
        load_mnist(tmp_path)


def test_wrong_dimension_count_names_file(tmp_path: Path) -> None:
    images, labels = fake_mnist(3)
    write(tmp_path / MNIST_IMAGES, idx_bytes(images))
    bad = write(tmp_path / MNIST_LABELS, idx_bytes(labels.reshape(3, 1)))
    with pytest.raises(ValueError, match=rf"{re.escape(str(bad))}: wrong dimension count.*2 dimension"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_truncated_data_names_file(tmp_path: Path, compressed: bool) -> None:
    images, labels = fake_mnist(3)
    write(tmp_path / MNIST_LABELS, idx_bytes(labels), compressed)
    bad = write(tmp_path / MNIST_IMAGES, idx_bytes(images)[:-5], compressed)
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(str(bad))}: size mismatch \(truncated\).*needs 2352 data bytes, the file holds 2347",
    ):
        load_mnist(tmp_path)


def test_trailing_bytes_and_truncated_header(tmp_path: Path) -> None:
    labels = np.arange(5, dtype=np.uint8)
    long = write(tmp_path / "long", idx_bytes(labels) + b"\0")
    with pytest.raises(ValueError, match=rf"{re.escape(str(long))}: size mismatch \(trailing bytes\)"):
        read_idx(long, 1)
    short = write(tmp_path / "short", idx_bytes(np.zeros((2, 28, 28), np.uint8))[:9])
    with pytest.raises(ValueError, match=rf"{re.escape(str(short))}: truncated IDX header"):
        read_idx(short, 3)
    tiny = write(tmp_path / "tiny", b"\0\0")
    with pytest.raises(ValueError, match=rf"{re.escape(str(tiny))}: truncated IDX file"):
        read_idx(tiny, 1)


def test_broken_gzip_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gz"
    bad.write_bytes(gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))[:-10])
    with pytest.raises(ValueError, match=rf"{re.escape(str(bad))}: not a readable gzip file"):
        read_idx(bad, 1)


def test_count_mismatch_names_both_files(tmp_path: Path) -> None:
    images, labels = fake_mnist(4)
    write_mnist(tmp_path, images, labels[:3])
    with pytest.raises(ValueError, match=rf"{MNIST_IMAGES} holds 4 images but .*{MNIST_LABELS} holds 3 labels"):
        load_mnist(tmp_path)


def test_labels_out_of_range_and_image_size(tmp_path: Path) -> None:
    images, labels = fake_mnist(4)
    labels[2] = 10
    write_mnist(tmp_path, images, labels)
    with pytest.raises(ValueError, match=rf"{MNIST_LABELS}: 1 label\(s\) outside 0..9, the first 10 at position 2"):
        load_mnist(tmp_path)
    write_mnist(tmp_path, np.zeros((4, 8, 8), np.uint8), labels % 10)
    with pytest.raises(ValueError, match=rf"{MNIST_IMAGES}: images of 8 x 8 pixels"):
        load_mnist(tmp_path)


# --- the digits substitute and the training set ---------------------------------------------


def test_digits_source() -> None:
    digits = load_digits_images()
    assert digits.images.shape == (1797, 8, 8) and digits.images.dtype == np.uint8
    assert digits.images.max() == 16 and digits.max_pixel == 16
    assert set(np.unique(digits.labels)) == set(range(10))
    assert "substitute for MNIST" in digits.description


def test_digits_training_set() -> None:
    ts = training_set(digits_source())
    assert isinstance(ts, TrainingSet)
    assert ts.inputs.shape == (128, 64) and ts.inputs.dtype == np.float64
    assert ts.targets.shape == (128, 10) and ts.targets.dtype == np.float64
    assert ts.labels.shape == (128,) and ts.labels.dtype == np.int64
    np.testing.assert_array_equal(ts.targets.sum(axis=1), np.ones(128))
    np.testing.assert_array_equal(ts.targets.argmax(axis=1), ts.labels)
    assert set(np.unique(ts.targets)) == {0.0, 1.0}
    assert ts.inputs.min() >= 0.0 and ts.inputs.max() <= 1.0 and ts.inputs.max() == 1.0
    assert ts.description == DIGITS_DESCRIPTION and "substitute" in ts.description
    assert "/ 16" in ts.input_scale
    # The rows are the source's images at the recorded, increasing, distinct indices.
    assert np.all(np.diff(ts.indices) > 0)
    digits = load_digits_images()
    np.testing.assert_array_equal(ts.inputs * 16, digits.images[ts.indices].reshape(128, 64))
    np.testing.assert_array_equal(ts.labels, digits.labels[ts.indices])
    assert ts.mean_square == pytest.approx(np.mean(np.sum(ts.inputs**2, axis=1)) / 64, rel=1e-12)


def test_seed_determines_choice() -> None:
    first, again = training_set(digits_source(seed=7)), training_set(digits_source(seed=7))
    for a, b in zip(first, again):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b
    other = training_set(digits_source(seed=8))
    assert not np.array_equal(first.indices, other.indices)
    unbalanced = training_set(digits_source(seed=7, balanced=False))
    assert not np.array_equal(first.indices, unbalanced.indices)


def test_balanced_counts_remainder_to_first_classes() -> None:
    assert class_counts(128, 10) == [13] * 8 + [12] * 2
    assert class_counts(20, 10) == [2] * 10
    assert class_counts(3, 10) == [1, 1, 1] + [0] * 7
    ts = training_set(digits_source())
    np.testing.assert_array_equal(np.bincount(ts.labels, minlength=10), [13] * 8 + [12] * 2)


def test_unbalanced_and_fewer_classes() -> None:
    ts = training_set(digits_source(balanced=False, samples=300, seed=3))
    assert len(np.unique(ts.indices)) == 300 and np.all(np.diff(ts.indices) > 0)
    assert np.bincount(ts.labels, minlength=10).min() > 0  # uniform over all ten classes
    two = training_set(digits_source(classes=2, samples=9))
    assert two.targets.shape == (9, 2) and set(two.labels) == {0, 1}
    np.testing.assert_array_equal(np.bincount(two.labels), [5, 4])


def test_choose_indices_too_many() -> None:
    labels = np.array([0, 0, 1, 1, 1, 2])
    with pytest.raises(ValueError, match=r"^samples: a balanced set of 6 needs 2 images of class 2, the source has 1"):
        choose_indices(labels, 6, 3, True, 0)
    with pytest.raises(ValueError, match=r"^samples: 7 asked, the source has 6"):
        choose_indices(labels, 7, 3, False, 0)
    np.testing.assert_array_equal(choose_indices(labels, 6, 3, False, 0), np.arange(6))


def test_mnist_training_set(tmp_path: Path) -> None:
    images, labels = fake_mnist(40, seed=5)
    write_mnist(tmp_path / "mnist", images, labels, compressed=True)
    source = {
        "dataset": "mnist",
        "mnist_path": str(tmp_path / "mnist"),
        "samples": 20,
        "seed": 11,
        "classes": 10,
        "balanced": True,
    }
    ts = training_set(source)
    assert ts.inputs.shape == (20, 784) and ts.name == "MNIST" and "substitute" not in ts.description
    np.testing.assert_array_equal(np.bincount(ts.labels, minlength=10), [2] * 10)
    np.testing.assert_array_equal(ts.inputs * 255, images[ts.indices].reshape(20, 784))
    assert "/ 255" in ts.input_scale
    assert 0.0 <= ts.inputs.min() and ts.inputs.max() <= 1.0
    np.testing.assert_array_equal(training_set(source).inputs, ts.inputs)


def test_mnist_training_set_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=MNIST_IMAGES):
        training_set({**digits_source(), "dataset": "mnist", "mnist_path": str(tmp_path)})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"dataset": "cifar"}, "dataset"),
        ({"dataset": "mnist", "mnist_path": None}, "mnist_path"),
        ({"dataset": "mnist", "mnist_path": ""}, "mnist_path"),
        ({"mnist_path": 3}, "mnist_path"),
        ({"samples": 0}, "samples"),
        ({"samples": 12.0}, "samples"),
        ({"samples": True}, "samples"),
        ({"seed": -1}, "seed"),
        ({"seed": "1"}, "seed"),
        ({"classes": 11}, "classes"),
        ({"classes": 1}, "classes"),
        ({"balanced": "yes"}, "balanced"),
        ({"balanced": 1}, "balanced"),
        ({"sample": 3}, "sample"),
    ],
)
def test_bad_fields_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        check_source(digits_source(**changes))


def test_missing_field_named() -> None:
    source = digits_source()
    del source["balanced"]
    with pytest.raises(ValueError, match=r"^balanced: missing"):
        training_set(source)
    del source["mnist_path"]  # optional for the digits
    check_source({**source, "balanced": False})


def test_too_many_digits_samples() -> None:
    with pytest.raises(ValueError, match=r"^samples: "):
        training_set(digits_source(samples=1800, balanced=False))


def test_mean_square_per_coordinate() -> None:
    assert mean_square_per_coordinate(np.ones((3, 100))) == 1.0
    assert mean_square_per_coordinate(np.array([[2.0, 0.0], [0.0, 0.0]])) == 1.0
    with pytest.raises(ValueError, match=r"^inputs: "):
        mean_square_per_coordinate(np.zeros((0, 4)))


def test_public_names() -> None:
    assert set(data.__all__) <= set(dir(data))
    assert set(digits_module.__all__) <= set(dir(digits_module))
