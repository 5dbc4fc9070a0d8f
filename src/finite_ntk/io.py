"""netCDF output: atomic writes and provenance attributes.

A job writes to a temporary file beside its target and renames it into place, so a failed
or killed job never leaves a partial netCDF behind. Attributes hold no timestamps, so the
same config and seed give bit-identical files on the same machine.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import xarray as xr

PROVENANCE_PACKAGES: tuple[str, ...] = (
    "jax",
    "jaxlib",
    "neural-tangents",
    "optax",
    "numpy",
    "xarray",
    "netCDF4",
)
_REPOSITORY = Path(__file__).resolve().parents[2]


def git_revision(repository: Path = _REPOSITORY) -> str:
    """Commit hash of the checkout, suffixed '-dirty' if tracked files differ; 'unknown'
    outside a git checkout."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repository,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("-dirty" if dirty else "")


def package_versions(packages: tuple[str, ...] = PROVENANCE_PACKAGES) -> dict[str, str]:
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance_attributes() -> dict[str, str]:
    """Attributes every output carries: package versions and git revision."""
    attrs = {f"version_{name.replace('-', '_')}": v for name, v in package_versions().items()}
    attrs["git_revision"] = git_revision()
    return attrs


def netcdf_attribute(value: Any) -> Any:
    """netCDF attributes take numbers, strings and 1-D numeric lists; None becomes 'none'
    and booleans become 0/1."""
    if value is None:
        return "none"
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (list, tuple)):
        return [netcdf_attribute(v) for v in value]
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_netcdf_atomic(dataset: xr.Dataset, path: str | os.PathLike, attrs: Mapping[str, Any] | None = None) -> None:
    """Write ``dataset`` (plus ``attrs``) to ``path`` via a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = {**dataset.attrs, **(attrs or {})}
    dataset = dataset.copy().assign_attrs({k: netcdf_attribute(v) for k, v in merged.items()})
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        dataset.to_netcdf(tmp, engine="netcdf4", format="NETCDF4")
        # mkstemp creates the file 0600; give it the permissions a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
