"""Seed 001's training data: a small subset of handwritten digits, one-hot targets.

The paper trains on "an MNIST subset of 128 samples" (Figures 3, 4, 8-11); the authors'
follow-up code (``mselezniova/ntk_beyond_limit``) trains ten one-hot outputs on pixels / 255,
flattened. MNIST needs a download, which these machines cannot make, so there are two
sources:

- ``mnist``: the standard IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
  plain or gzip-compressed ``.gz``) from a local directory named in the config, read and
  checked by :func:`load_mnist` (real loading code, tested on small IDX files the tests write);
- ``digits`` (the default, offline): scikit-learn's bundled handwritten digits
  (``sklearn.datasets.load_digits``: 1,797 images of 8 x 8 pixels with values 0..16), named
  as a substitute for MNIST wherever it is used (:data:`DIGITS_DESCRIPTION`).

:func:`training_set` turns a config-like mapping into a :class:`TrainingSet`: a seeded,
sorted choice of images scaled to [0, 1] and flattened, their one-hot targets and labels, the
source's name and description (for captions and the report), how the pixels were scaled, and
the inputs' mean squared norm per coordinate (mean-field theory's first layer reads
q^1 = sigma_w^2 |x|^2 / n0 + sigma_b^2, so the border of a trained network depends on it).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DATASETS: tuple[str, ...] = ("digits", "mnist")

# The standard MNIST training files; each may also be gzip-compressed with a ".gz" suffix.
MNIST_IMAGES = "train-images-idx3-ubyte"
MNIST_LABELS = "train-labels-idx1-ubyte"
MNIST_SIDE = 28
MNIST_CLASSES = 10

# IDX: two zero bytes, a type code (0x08: unsigned byte), the number of dimensions, then one
# big-endian uint32 per dimension and the data in C order.
IDX_UNSIGNED_BYTE = 0x08
IDX_IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions (n, rows, columns)
IDX_LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension (n,)
_GZIP_MAGIC = b"\x1f\x8b"

# The largest pixel value of each source: the divisor that maps its pixels to [0, 1]. The
# authors divide MNIST's bytes by 255; scikit-learn's digits are counts of set pixels in 4 x 4
# blocks of 32 x 32 bitmaps, 0..16, so /16 gives the same range. A constant of the source
# (not the maximum of the chosen subset), so the scale never depends on the seed.
MAX_PIXEL: dict[str, int] = {"mnist": 255, "digits": 16}

DIGITS_NAME = "scikit-learn digits"
DIGITS_DESCRIPTION = "scikit-learn digits (8x8, substitute for MNIST)"
MNIST_NAME = "MNIST"
MNIST_DESCRIPTION = "MNIST training images (28x28)"

INPUT_SCALES: dict[str, str] = {
    "mnist": "pixels / 255 (range [0, 1], as in the authors' code), flattened",
    "digits": "pixels / 16 (range [0, 1]: the digits' maximum is 16, as MNIST's /255), flattened",
}

SOURCE_FIELDS: tuple[str, ...] = ("dataset", "mnist_path", "samples", "seed", "classes", "balanced")
_REQUIRED_FIELDS: tuple[str, ...] = ("dataset", "samples", "seed", "classes", "balanced")


class Images(NamedTuple):
    """A whole source data set before any choice: uint8 images (n, rows, columns), labels
    0..9 (n,), the source's name and description, and its largest pixel value."""

    images: NDArray[np.uint8]
    labels: NDArray[np.int64]
    name: str
    description: str
    max_pixel: int


class TrainingSet(NamedTuple):
    """The training data of one run.

    inputs: (n, d) float64, pixels / the source's maximum, flattened (values in [0, 1]);
    targets: (n, classes) float64 one-hot rows; labels: (n,) int64 digit classes;
    name, description: the source, for captions and the report (the digits are named as a
    substitute for MNIST); input_scale: how the pixels were scaled, in words;
    mean_square: mean over samples of |x|^2 / d (mean-field theory's q^0 of the inputs);
    indices: (n,) int64 positions of the chosen images in the source, increasing.
    """

    inputs: FloatArray
    targets: FloatArray
    labels: NDArray[np.int64]
    name: str
    description: str
    input_scale: str
    mean_square: float
    indices: NDArray[np.int64]


# --- IDX files ---------------------------------------------------------------------------


def _file_bytes(path: Path) -> bytes:
    """The file's content, decompressed if it is gzip (recognised by its first two bytes, so
    a ``.gz`` suffix and the content can never disagree)."""
    raw = path.read_bytes()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path}: not a readable gzip file ({error})") from error


def read_idx(path: str | Path, dimensions: int) -> NDArray[np.uint8]:
    """The unsigned-byte array of one IDX file (plain or gzip), of ``dimensions`` dimensions.

    Checks the magic number (two zero bytes, type code 0x08, the dimension count), that the
    header is complete and that the data hold exactly the product of the dimensions in bytes
    (so a truncated download or a file with trailing bytes is refused, not half read). Every
    error is a ValueError that names the file.
    """
    path = Path(path)
    content = _file_bytes(path)
    if len(content) < 4:
        raise ValueError(f"{path}: truncated IDX file: {len(content)} bytes, shorter than the 4-byte magic number")
    magic = int.from_bytes(content[:4], "big")
    expected = (IDX_UNSIGNED_BYTE << 8) | dimensions
    if content[0] != 0 or content[1] != 0 or content[2] != IDX_UNSIGNED_BYTE:
        raise ValueError(
            f"{path}: wrong magic number 0x{magic:08x}: not an unsigned-byte IDX file "
            f"(expected 0x{expected:08x}: type code 0x08, {dimensions} dimension(s))"
        )
    if content[3] != dimensions:
        raise ValueError(
            f"{path}: wrong dimension count: magic number 0x{magic:08x} declares {content[3]} dimension(s), "
            f"expected {dimensions} (magic 0x{expected:08x})"
        )
    header = 4 + 4 * dimensions
    if len(content) < header:
        raise ValueError(f"{path}: truncated IDX header: {len(content)} bytes, the {dimensions} dimension(s) need {header}")
    shape = tuple(int(size) for size in np.frombuffer(content, dtype=">u4", count=dimensions, offset=4))
    size = int(np.prod(shape, dtype=np.int64))
    data = len(content) - header
    if data != size:
        what = "truncated" if data < size else "trailing bytes"
        raise ValueError(f"{path}: size mismatch ({what}): the header's shape {shape} needs {size} data bytes, the file holds {data}")
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape).copy()


def _idx_file(directory: Path, name: str) -> Path | None:
    """``directory/name`` or else ``directory/name.gz`` (the plain file first, when both are
    there: it needs no decompression); None when neither exists."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def load_mnist(directory: str | Path) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """MNIST's training images (n, 28, 28) and labels (n,), both uint8, from the standard IDX
    files in ``directory`` (each plain or gzip-compressed ``.gz``).

    FileNotFoundError (naming the directory and the expected file names) when a file is
    missing; ValueError naming the file when one is malformed (see :func:`read_idx`), is not
    28 x 28 images, holds labels outside 0..9, or when images and labels differ in count.
    """
    directory = Path(directory).expanduser()
    expected = f"{MNIST_IMAGES}[.gz] and {MNIST_LABELS}[.gz]"
    if not directory.is_dir():
        raise FileNotFoundError(f"MNIST directory {directory} is not an existing directory; expected one holding {expected}")
    images_path = _idx_file(directory, MNIST_IMAGES)
    labels_path = _idx_file(directory, MNIST_LABELS)
    missing = [name for name, found in ((MNIST_IMAGES, images_path), (MNIST_LABELS, labels_path)) if found is None]
    if images_path is None or labels_path is None:
        raise FileNotFoundError(f"MNIST directory {directory} lacks {' and '.join(f'{n}[.gz]' for n in missing)}; expected {expected}")
    images = read_idx(images_path, 3)
    labels = read_idx(labels_path, 1)
    if images.shape[1:] != (MNIST_SIDE, MNIST_SIDE):
        raise ValueError(f"{images_path}: images of {images.shape[1]} x {images.shape[2]} pixels, MNIST's are {MNIST_SIDE} x {MNIST_SIDE}")
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    bad = np.flatnonzero(labels >= MNIST_CLASSES)
    if bad.size:
        raise ValueError(
            f"{labels_path}: {bad.size} label(s) outside 0..{MNIST_CLASSES - 1}, "
            f"the first {int(labels[bad[0]])} at position {int(bad[0])}"
        )
    return images, labels


# --- sources ------------------------------------------------------------------------------


def load_digits_images() -> Images:
    """scikit-learn's bundled digits as uint8 images (1797, 8, 8), values 0..16: the offline
    substitute for MNIST (no download; the package ships the file)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.asarray(digits.images)
    if images.min() < 0 or images.max() > MAX_PIXEL["digits"]:
        raise ValueError(f"scikit-learn digits: pixel values outside 0..{MAX_PIXEL['digits']}")
    return Images(
        images.astype(np.uint8), np.asarray(digits.target, dtype=np.int64), DIGITS_NAME, DIGITS_DESCRIPTION, MAX_PIXEL["digits"]
    )


def load_mnist_images(directory: str | Path) -> Images:
    """MNIST's training set from local IDX files (:func:`load_mnist`) as :class:`Images`."""
    images, labels = load_mnist(directory)
    return Images(images, labels.astype(np.int64), MNIST_NAME, MNIST_DESCRIPTION, MAX_PIXEL["mnist"])


# --- the training set ---------------------------------------------------------------------


def mean_square_per_coordinate(inputs: FloatArray) -> float:
    """The mean over rows of |x|^2 / d: mean-field theory's input length q^0 (its first layer
    has q^1 = sigma_w^2 |x|^2 / n0 + sigma_b^2), the one number of the data its border uses."""
    inputs = np.asarray(inputs, dtype=np.float64)
    if inputs.ndim != 2 or inputs.shape[0] == 0 or inputs.shape[1] == 0:
        raise ValueError(f"inputs: expected a non-empty (n, d) array, got shape {inputs.shape}")
    return float(np.mean(np.sum(inputs**2, axis=1) / inputs.shape[1]))


def class_counts(samples: int, classes: int) -> list[int]:
    """How many samples of each class a balanced set takes: ``samples // classes`` each, and
    the remainder one more each to the first classes (128 over 10: 13 of digits 0..7, 12 of
    8 and 9). A fixed rule, so the set never depends on set ordering or the seed."""
    base, remainder = divmod(samples, classes)
    return [base + (1 if label < remainder else 0) for label in range(classes)]


def choose_indices(labels: NDArray[np.integer], samples: int, classes: int, balanced: bool, seed: int) -> NDArray[np.int64]:
    """Positions of ``samples`` distinct images whose labels are below ``classes``, drawn
    without replacement by ``numpy.random.default_rng(seed)`` and returned in increasing
    order (the set alone matters; sorting makes the order independent of how it was drawn).

    Balanced: :func:`class_counts` images of each class, drawn class by class in label order;
    otherwise ``samples`` images uniformly among the eligible ones.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    eligible = np.flatnonzero(labels < classes)
    if not balanced:
        if samples > eligible.size:
            raise ValueError(f"samples: {samples} asked, the source has {eligible.size} images of classes 0..{classes - 1}")
        return np.sort(rng.choice(eligible, size=samples, replace=False)).astype(np.int64)
    chosen = []
    for label, count in enumerate(class_counts(samples, classes)):
        members = np.flatnonzero(labels == label)
        if count > members.size:
            raise ValueError(f"samples: a balanced set of {samples} needs {count} images of class {label}, the source has {members.size}")
        chosen.append(rng.choice(members, size=count, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_source(source: Mapping[str, Any]) -> None:
    """Refuse a bad data section with one ValueError naming the field: unknown or missing
    fields, an unknown data set, a missing ``mnist_path`` for MNIST, non-integer or
    out-of-range ``samples``/``seed``/``classes``, a non-boolean ``balanced``."""
    unknown = sorted(set(source) - set(SOURCE_FIELDS))
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: unknown field(s); the data fields are {', '.join(SOURCE_FIELDS)}")
    for field in _REQUIRED_FIELDS:
        if field not in source:
            raise ValueError(f"{field}: missing")
    if source["dataset"] not in DATASETS:
        raise ValueError(f"dataset: must be one of {', '.join(DATASETS)}, got {source['dataset']!r}")
    path = source.get("mnist_path")
    if source["dataset"] == "mnist" and (not isinstance(path, (str, Path)) or not str(path)):
        raise ValueError(f"mnist_path: dataset mnist needs the directory of the IDX files, got {path!r}")
    if path is not None and not isinstance(path, (str, Path)):
        raise ValueError(f"mnist_path: must be a path or null, got {path!r}")
    if not _is_int(source["samples"]) or source["samples"] < 1:
        raise ValueError(f"samples: must be a positive integer, got {source['samples']!r}")
    if not _is_int(source["seed"]) or source["seed"] < 0:
        raise ValueError(f"seed: must be a non-negative integer, got {source['seed']!r}")
    if not _is_int(source["classes"]) or not 2 <= source["classes"] <= MNIST_CLASSES:
        raise ValueError(f"classes: must be an integer in 2..{MNIST_CLASSES}, got {source['classes']!r}")
    if not isinstance(source["balanced"], (bool, np.bool_)):
        raise ValueError(f"balanced: must be true or false, got {source['balanced']!r}")


def load_source(source: Mapping[str, Any]) -> Images:
    """The whole source data set the mapping names (``dataset``, and ``mnist_path`` for
    MNIST; ``mnist_path`` is ignored for the digits, so a config can keep it while switching)."""
    check_source(source)
    if source["dataset"] == "mnist":
        return load_mnist_images(source["mnist_path"])
    return load_digits_images()


def training_set(source: Mapping[str, Any]) -> TrainingSet:
    """The training set a data section describes.

    ``source``: ``dataset`` (``digits`` or ``mnist``), ``mnist_path`` (the directory of the
    IDX files, or null), ``samples`` (e.g. 128), ``seed`` (a non-negative integer; the caller
    derives it from the workflow's root seed), ``classes`` (2..10: the digits 0..classes-1 are
    eligible and the one-hot targets have ``classes`` columns; the paper's 10), ``balanced``
    (take :func:`class_counts` images of each class, or draw uniformly).

    The images are chosen by :func:`choose_indices` (seeded, without replacement, sorted),
    divided by the source's largest pixel value (:data:`MAX_PIXEL`: 255 for MNIST as the
    authors do, 16 for the digits, the same [0, 1] range) and flattened.
    """
    data = load_source(source)  # checks the fields first
    samples, classes = int(source["samples"]), int(source["classes"])
    indices = choose_indices(data.labels, samples, classes, bool(source["balanced"]), int(source["seed"]))
    inputs = data.images[indices].reshape(samples, -1).astype(np.float64) / data.max_pixel
    labels = data.labels[indices].astype(np.int64)
    targets = np.zeros((samples, classes), dtype=np.float64)
    targets[np.arange(samples), labels] = 1.0
    return TrainingSet(
        inputs=inputs,
        targets=targets,
        labels=labels,
        name=data.name,
        description=data.description,
        input_scale=INPUT_SCALES[source["dataset"]],
        mean_square=mean_square_per_coordinate(inputs),
        indices=indices,
    )


__all__ = [
    "DATASETS",
    "DIGITS_DESCRIPTION",
    "DIGITS_NAME",
    "IDX_IMAGES_MAGIC",
    "IDX_LABELS_MAGIC",
    "INPUT_SCALES",
    "MAX_PIXEL",
    "MNIST_DESCRIPTION",
    "MNIST_IMAGES",
    "MNIST_LABELS",
    "MNIST_NAME",
    "SOURCE_FIELDS",
    "Images",
    "TrainingSet",
    "check_source",
    "choose_indices",
    "class_counts",
    "load_digits_images",
    "load_mnist",
    "load_mnist_images",
    "load_source",
    "mean_square_per_coordinate",
    "read_idx",
    "training_set",
]
