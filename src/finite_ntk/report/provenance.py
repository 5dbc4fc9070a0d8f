"""provenance.tex: git revision, config files and hashes, seed, versions, machine and rule times.

:func:`provenance_latex` reads the Snakemake ``benchmark:`` files for the wall time of every
rule. Nothing here reads a clock: the same inputs give the same text.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr

from finite_ntk.io import git_revision, package_versions
from finite_ntk.report.latex import latex_escape, latex_number

REPORT_PACKAGES: tuple[str, ...] = (
    "jax",
    "jaxlib",
    "neural-tangents",
    "optax",
    "numpy",
    "scipy",
    "xarray",
    "netCDF4",
    "matplotlib",
    "snakemake",
    "jsonschema",
    "PyYAML",
)


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 of the effective config as canonical JSON (sorted keys)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- machine


def machine_info() -> dict[str, str]:
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu count": str(os.cpu_count()),
        "python": platform.python_version(),
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    info["memory"] = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                    break
    except OSError:
        pass
    return info


def tool_versions() -> dict[str, str]:
    """First line of ``--version`` of the TeX tools that build the report."""
    out = {}
    for tool in ("pdflatex", "latexmk"):
        path = shutil.which(tool)
        if path is None:
            out[tool] = "not found"
            continue
        try:
            text = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            out[tool] = "unknown"
            continue
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        out[tool] = lines[0] if lines else "unknown"
    return out


# --------------------------------------------------------------------------- benchmarks


@dataclass(frozen=True)
class Benchmark:
    """One Snakemake benchmark file: the job's wall time, memory and CPU time."""

    job: str
    seconds: float
    max_rss_mb: float
    cpu_seconds: float
    repeats: int


def _float(text: str | None) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def read_benchmark(path: str | os.PathLike) -> Benchmark:
    """Parse a benchmark TSV (columns ``s``, ``max_rss``, ``cpu_time``, ...); repeated
    measurements are averaged."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        return Benchmark(Path(path).stem, float("nan"), float("nan"), float("nan"), 0)

    def mean(column: str) -> float:
        values = [_float(row.get(column)) for row in rows]
        values = [v for v in values if np.isfinite(v)]
        return float(np.mean(values)) if values else float("nan")

    return Benchmark(Path(path).stem, mean("s"), mean("max_rss"), mean("cpu_time"), len(rows))


def collect_benchmarks(directory: str | os.PathLike) -> list[Benchmark]:
    """Every ``*.tsv`` under ``directory`` (recursively), sorted by job name."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted((read_benchmark(p) for p in directory.rglob("*.tsv")), key=lambda b: b.job)


def _hms(seconds: float) -> str:
    if not np.isfinite(seconds):
        return "n/a"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def provenance_latex(
    config: Mapping[str, Any],
    config_files: Sequence[str | os.PathLike],
    benchmarks: Sequence[Benchmark],
    data_revisions: Mapping[str, str] | None = None,
    repository: Path | None = None,
    versions: Mapping[str, str] | None = None,
    machine: Mapping[str, str] | None = None,
    tools: Mapping[str, str] | None = None,
    revision: str | None = None,
) -> str:
    """``provenance.tex``: revision, configs and hashes, seed, versions, machine, rule times.

    The optional arguments exist for tests; by default they are measured here."""
    revision = revision if revision is not None else (git_revision(repository) if repository else git_revision())
    versions = versions if versions is not None else package_versions(REPORT_PACKAGES)
    machine = machine if machine is not None else machine_info()
    tools = tools if tools is not None else tool_versions()

    def row(*cells: str) -> str:
        return " & ".join(cells) + r" \\"

    out = ["% Generated by finite_ntk.provenance.provenance_latex; do not edit."]
    out.append(r"\subsection*{Code, configuration and seed}")
    out.append(
        r"\noindent\begin{tabular}{@{}>{\raggedright\arraybackslash}p{0.35\linewidth}p{0.61\linewidth}@{}}\toprule"
    )
    out.append(row("git revision (report build)", f"{{\\scriptsize\\texttt{{{latex_escape(revision)}}}}}"))
    by_revision: dict[str, list[str]] = {}
    for name, rev in sorted((data_revisions or {}).items()):
        by_revision.setdefault(rev, []).append(name)
    for rev, names in sorted(by_revision.items(), key=lambda item: item[1][0]):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(
            row(f"git revision of the data ({latex_escape(shown)})", f"{{\\scriptsize\\texttt{{{latex_escape(rev)}}}}}")
        )
    out.append(row("run", f"\\texttt{{{latex_escape(str(config['run']))}}}"))
    out.append(row("root seed", str(config["root_seed"])))
    for path in config_files:
        path = Path(path)
        shown = os.path.relpath(path, repository) if repository and path.is_absolute() else str(path)
        digest = sha256_file(path) if path.is_file() else "missing"
        out.append(
            row(f"SHA-256 of config file \\texttt{{{latex_escape(shown)}}}", f"{{\\scriptsize\\texttt{{{digest}}}}}")
        )
    out.append(
        row("SHA-256 of the effective config (canonical JSON)", f"{{\\scriptsize\\texttt{{{config_hash(config)}}}}}")
    )
    out.append(r"\bottomrule\end{tabular}")
    if len(config_files) > 1:
        out.append(
            "\n\\par\\smallskip\\noindent Snakemake read the config files above; a later \\texttt{-{}-configfile} overrides the "
            "default \\texttt{config/config.yaml} field by field. The hash of the effective config identifies "
            "what the jobs saw.\n"
        )

    out.append(r"\subsection*{Software}")
    out.append(r"\begin{tabular}{@{}ll@{}}\toprule")
    for name, version in versions.items():
        out.append(row(latex_escape(name), latex_escape(version)))
    for name, version in tools.items():
        out.append(row(latex_escape(name), latex_escape(version)))
    out.append(r"\bottomrule\end{tabular}")

    out.append(r"\subsection*{Machine}")
    out.append(r"\begin{tabular}{@{}ll@{}}\toprule")
    for name, value in machine.items():
        out.append(row(latex_escape(name), latex_escape(value)))
    out.append(r"\bottomrule\end{tabular}")

    out.append(r"\subsection*{Wall time of each rule}")
    if not benchmarks:
        out.append("No benchmark files were found.")
    else:
        total = float(np.nansum([b.seconds for b in benchmarks]))
        cpu = float(np.nansum([b.cpu_seconds for b in benchmarks]))
        out.append(
            f"From the Snakemake \\texttt{{benchmark:}} files of {len(benchmarks)} jobs. "
            f"Sum of the jobs' wall times: {latex_number(total)}\\,s ({_hms(total)}); "
            f"sum of their CPU times: {latex_number(cpu)}\\,s. Jobs run in parallel, so the "
            "sum exceeds the elapsed time of the workflow.\n"
        )
        out.append(r"{\footnotesize\begin{longtable}{@{}lrrrr@{}}\toprule")
        out.append(
            row("job (benchmark file)", "wall time (s)", "h:m:s", "max RSS (MB)", "CPU time (s)") + r"\midrule\endhead"
        )
        out.append(r"\bottomrule\endfoot")
        for b in benchmarks:
            out.append(
                row(
                    f"\\texttt{{{latex_escape(b.job)}}}",
                    latex_number(b.seconds),
                    _hms(b.seconds),
                    latex_number(b.max_rss_mb),
                    latex_number(b.cpu_seconds),
                )
            )
        out.append(r"\end{longtable}}")
    return "\n".join(out) + "\n"


def data_revisions(datasets: Mapping[str, xr.Dataset | None]) -> dict[str, str]:
    """The ``git_revision`` attribute of each dataset that has one."""
    return {
        name: str(ds.attrs["git_revision"])
        for name, ds in datasets.items()
        if ds is not None and "git_revision" in ds.attrs
    }


__all__ = [
    "REPORT_PACKAGES",
    "Benchmark",
    "sha256_file",
    "config_hash",
    "machine_info",
    "tool_versions",
    "read_benchmark",
    "collect_benchmarks",
    "provenance_latex",
    "data_revisions",
]
