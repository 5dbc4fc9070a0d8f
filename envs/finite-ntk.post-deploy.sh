#!/usr/bin/env bash
# Snakemake runs this once in the new conda environment of envs/finite-ntk.yaml
# (--software-deployment-method conda), from the workflow's directory: it installs the
# finite_ntk package of this checkout (its dependencies are the environment's pins).
set -euo pipefail
test -f pyproject.toml || { echo "post-deploy: run from the workflow's directory (pyproject.toml not found)" >&2; exit 1; }
python -m pip install --no-deps -e .
