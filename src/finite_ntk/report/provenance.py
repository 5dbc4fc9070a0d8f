"""Provenance and run-description macros of the LaTeX report.

Two generated LaTeX files feed ``report/src/report.tex``:

- ``macros.tex`` (:func:`run_macros`): every number the report's prose uses, as
  ``\\newcommand`` macros computed from the config and the reduced data (replicates, grid
  size, beta range, fitted C, verdict counts, ...), the ``\\ifsmokerun`` switch and the list
  of config fields where this run differs from the paper config;
- ``provenance.tex`` (:func:`provenance_latex`): git revision, config files with SHA-256,
  the hash of the effective config, root seed, package and tool versions, machine, and the
  wall time of every rule from the Snakemake ``benchmark:`` files.

Nothing here reads a clock: the same inputs give the same text, so the PDF is reproducible.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from .claims import REPORT_QUOTES, latex_escape, latex_number, latex_plain
from ..io import git_revision, package_versions

REPORT_PACKAGES: tuple[str, ...] = (
    "jax", "jaxlib", "neural-tangents", "optax", "numpy", "scipy", "xarray", "netCDF4", "matplotlib",
    "snakemake", "jsonschema", "PyYAML",
)
ACTIVATION_NAMES = {"relu": "ReLU", "gelu": "GELU", "sigmoid": "sigmoid-like (erf)"}


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


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as ``{"a.b.c": value}``; lists are leaves."""
    if isinstance(tree, Mapping):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: tree}


def config_differences(config: Mapping[str, Any], reference: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, ours, reference) for every field whose value differs (``run`` excluded)."""
    ours, theirs = flatten(config), flatten(reference)
    out = []
    for name in sorted(set(ours) | set(theirs)):
        if name == "run":
            continue
        if ours.get(name, "(absent)") != theirs.get(name, "(absent)"):
            out.append((name, ours.get(name, "(absent)"), theirs.get(name, "(absent)")))
    return out


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, list) and value and isinstance(value[0], list):
        text = f"{len(value)} entries"
    else:
        text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_smoke_run(config: Mapping[str, Any]) -> bool:
    """A smoke run is one whose name says so (config/smoke.yaml: ``run: smoke``); every
    other difference from the paper config is listed by :func:`config_differences`."""
    return "smoke" in str(config.get("run", "")).lower()


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


# --------------------------------------------------------------------------- LaTeX


def macro(name: str, value: Any) -> str:
    """``\\newcommand{\\name}{value}``; the name must be letters only (TeX macro names)."""
    if not re.fullmatch(r"[A-Za-z]+", name):
        raise ValueError(f"macro name {name!r}: letters only")
    return f"\\newcommand{{\\{name}}}{{{value}}}"


def _camel(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _value_interval(value: float, lo: float, hi: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{latex_number(value)} [{latex_number(lo)}, {latex_number(hi)}]"


def _point(values: Sequence[float]) -> str:
    return "(" + ", ".join(latex_plain(float(v)) for v in values) + ")"


def stats_macros(prefix: str, stats: xr.Dataset | None, activations: Sequence[str]) -> list[str]:
    """Macros of one ntk_stats dataset: fitted C per activation, saturated count, replicates."""
    lines = []
    for activation in activations:
        name = _camel("FitC", prefix, activation)
        if stats is None or activation not in list(stats["activation"].values):
            lines.append(macro(name, "n/a"))
            continue
        sel: dict[str, Any] = {"activation": activation}
        if "operator" in stats["fitted_C"].dims:
            sel["operator"] = "uu"
        lines.append(macro(name, _value_interval(*(float(stats[v].sel(sel)) for v in ("fitted_C", "fitted_C_lo", "fitted_C_hi")))))
    if stats is None:
        lines += [macro(_camel("Saturated", prefix), "n/a"), macro(_camel("Estimates", prefix), "n/a")]
        return lines
    saturated = stats["saturated"]
    if "operator" in saturated.dims:
        saturated = saturated.sel(operator="uu")
    lines.append(macro(_camel("Saturated", prefix), int(np.sum(saturated.values))))
    lines.append(macro(_camel("Estimates", prefix), int(saturated.size)))
    return lines


def run_macros(
    config: Mapping[str, Any],
    paper_config: Mapping[str, Any] | None,
    fnn: xr.Dataset | None = None,
    pinn: xr.Dataset | None = None,
    verdicts: Mapping[str, int] | None = None,
    precise: Mapping[str, Any] | None = None,
    training: Sequence[Mapping[str, Any]] = (),
) -> str:
    """``macros.tex``: every number of the report's prose, from the config and the data.

    ``precise`` describes an optional second Monte-Carlo run shown beside this one
    (``{"run": ..., "replicates": ...}``); ``training`` lists the training runs (one mapping
    of attributes each: ``file`` and whatever the netCDF's attributes hold)."""
    mc = config["monte_carlo"]
    grid = mc["grid"]
    pairs = [tuple(p) for p in grid["table2"]] + [tuple(p) for p in grid["table3"]]
    betas = [d / w for w, d in pairs]
    activations = list(config["activations"])
    lines = ["% Generated by finite_ntk.provenance.run_macros from the config and the data; do not edit."]
    smoke = is_smoke_run(config)
    lines += [r"\newif\ifsmokerun", r"\smokeruntrue" if smoke else r"\smokerunfalse"]
    lines += [
        macro("RunName", latex_escape(str(config["run"]))),
        macro("RootSeed", config["root_seed"]),
        macro("Precision", config["precision"]),
        macro("Parameterization", latex_escape(config["network"]["parameterization"])),
        macro("WStd", latex_plain(float(config["network"]["W_std"]))),
        macro("WStdReadout", latex_plain(float(config["network"]["W_std_readout"]))),
        macro("BStd", "none" if config["network"]["b_std"] is None else latex_plain(float(config["network"]["b_std"]))),
        macro("Activations", ", ".join(ACTIVATION_NAMES.get(a, a) for a in activations)),
        macro("NumActivations", len(activations)),
        macro("Replicates", mc["replicates"]),
        macro("Sampler", latex_escape(mc["sampler"].replace("_", "-"))),
        macro("LearningRate", latex_plain(float(mc["learning_rate"]))),
        macro("BootstrapResamples", mc["bootstrap"]["resamples"]),
        macro("ConfidencePercent", f"{100 * mc['bootstrap']['confidence']:g}\\%"),
        macro("FitMaxBeta", latex_plain(float(mc["fit_max_beta"]))),
        macro("SaturationFraction", latex_plain(float(mc["saturation_fraction"]))),
        macro("LargeBeta", latex_plain(float(mc["large_beta"]))),
        macro("NumTableTwo", len(grid["table2"])),
        macro("NumTableThree", len(grid["table3"])),
        macro("NumConfigs", len(pairs)),
        macro("NumModels", len(mc["models"])),
        macro("BetaMin", latex_number(min(betas)) if betas else "n/a"),
        macro("BetaMax", latex_number(max(betas)) if betas else "n/a"),
    ]
    models = mc["models"]
    lines.append(macro("FnnInput", _point(models["fnn"]["input_point"]) if "fnn" in models else "n/a"))
    lines.append(macro("FnnStepLoss", latex_escape(models["fnn"]["step_loss"]) if "fnn" in models else "n/a"))
    lines.append(macro("PinnInput", _point(models["pinn"]["input_point"]) if "pinn" in models else "n/a"))
    lines.append(macro("FnnNZero", len(models["fnn"]["input_point"]) if "fnn" in models else "n/a"))
    lines.append(macro("PinnNZero", len(models["pinn"]["input_point"]) if "pinn" in models else "n/a"))
    lines.append(macro("PinnStepLoss", latex_escape(models["pinn"]["step_loss"]) if "pinn" in models else "n/a"))
    lines += stats_macros("Fnn", fnn, ("relu", "gelu", "sigmoid"))
    lines += stats_macros("Pinn", pinn, ("relu", "gelu", "sigmoid"))

    verdicts = dict(verdicts or {})
    lines += [
        macro("ClaimsAgree", verdicts.get("agrees", 0)),
        macro("ClaimsDiffer", verdicts.get("differs", 0)),
        macro("ClaimsNA", verdicts.get("n/a", 0)),
        macro("ClaimsTotal", sum(verdicts.values())),
    ]

    # Differences from the paper config.
    if paper_config is None:
        differences_text = "the paper config was not available for comparison."
        lines.append(macro("NumConfigDifferences", "n/a"))
    else:
        differences = config_differences(config, paper_config)
        lines.append(macro("NumConfigDifferences", len(differences)))
        if differences:
            items = "\n".join(
                f"  \\item \\texttt{{{latex_escape(name)}}}: {latex_escape(_short(ours))} (paper config: {latex_escape(_short(theirs))})"
                for name, ours, theirs in differences
            )
            differences_text = "\\begin{itemize}\\setlength\\itemsep{0pt}\n" + items + "\n\\end{itemize}"
        else:
            differences_text = "none: this run uses the paper config."
    lines.append(macro("ConfigDifferences", differences_text))

    lines.append(r"\newif\ifpreciserun")
    if precise:
        lines += [
            r"\preciseruntrue",
            macro("PreciseRun", latex_escape(str(precise.get("run", "precise")))),
            macro("PreciseReplicates", precise.get("replicates", "n/a")),
        ]
    else:
        lines += [r"\preciserunfalse", macro("PreciseRun", "none"), macro("PreciseReplicates", "n/a")]

    for name, quote in REPORT_QUOTES.items():
        lines.append(macro(_camel("ReportText", *name.split("_")), latex_escape(quote)))
    lines += training_macros(config.get("training"))
    lines.append(macro("NumTrainingRuns", len(training)))
    lines.append(macro("TrainingRuns", training_table(training)))
    return "\n".join(lines) + "\n"


def _architecture(pair: Sequence[int] | None) -> str:
    return "n/a" if not pair else f"width {int(pair[0])}, depth {int(pair[1])}"


def _list(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def training_macros(training: Mapping[str, Any] | None) -> list[str]:
    """Macros of the training section from ``config['training']`` ('n/a' without one)."""
    names = (
        "FnnTrainActivation", "FnnTrainPoints", "FnnTestPoints", "FnnEpochs", "FnnTrainLearningRate",
        "FnnSnapshotSteps", "FnnArchitectures", "FigFiveArchitecture", "FigNineArchitecture", "FigTenArchitecture",
        "InitWidths", "InitDepths", "PinnTrainActivations", "PinnArchitectures", "PinnSteps", "PinnTrainLearningRate",
        "PinnBoundaryWeight", "PinnInterior", "PinnBoundaryPerSide", "PinnBoundaryTotal", "PinnKernelGrid",
        "PinnKernelPoints", "PinnTestGrid", "PinnSnapshotSteps", "PinnFigureActivation", "PinnFigureArchitecture",
    )
    values: dict[str, Any] = {name: "n/a" for name in names}
    if training:
        fnn, init, pinn = training.get("fnn", {}), training.get("init_kernels", {}), training.get("pinn", {})
        figures = fnn.get("figures", {})
        values.update(
            FnnTrainActivation=ACTIVATION_NAMES.get(fnn.get("activation"), fnn.get("activation", "n/a")),
            FnnTrainPoints=fnn.get("n_train", "n/a"),
            FnnTestPoints=fnn.get("n_test", "n/a"),
            FnnEpochs=fnn.get("epochs", "n/a"),
            FnnTrainLearningRate=latex_plain(float(fnn["learning_rate"])) if "learning_rate" in fnn else "n/a",
            FnnSnapshotSteps=_list(fnn.get("snapshot_steps", [])),
            FnnArchitectures=_list(rf"{w}\,\texttimes\,{d}" for w, d in fnn.get("architectures", [])),
            FigFiveArchitecture=_architecture(figures.get("fig5")),
            FigNineArchitecture=_architecture(figures.get("fig9")),
            FigTenArchitecture=_architecture(figures.get("fig10")),
            InitWidths=_list(init.get("widths", [])),
            InitDepths=_list(init.get("depths", [])),
            PinnTrainActivations=_list(ACTIVATION_NAMES.get(a, a) for a in pinn.get("activations", [])),
            PinnArchitectures=_list(rf"{w}\,\texttimes\,{d}" for w, d in pinn.get("architectures", [])),
            PinnSteps=pinn.get("steps", "n/a"),
            PinnTrainLearningRate=latex_plain(float(pinn["learning_rate"])) if "learning_rate" in pinn else "n/a",
            PinnBoundaryWeight=latex_plain(float(pinn["boundary_weight"])) if "boundary_weight" in pinn else "n/a",
            PinnInterior=pinn.get("n_interior", "n/a"),
            PinnBoundaryPerSide=pinn.get("n_boundary_per_side", "n/a"),
            PinnBoundaryTotal=4 * int(pinn["n_boundary_per_side"]) if "n_boundary_per_side" in pinn else "n/a",
            PinnKernelGrid=" \\texttimes\\ ".join(str(v) for v in pinn.get("kernel_grid", [])) or "n/a",
            PinnKernelPoints=int(np.prod(pinn["kernel_grid"])) if "kernel_grid" in pinn else "n/a",
            PinnTestGrid=pinn.get("test_grid", "n/a"),
            PinnSnapshotSteps=_list(pinn.get("snapshot_steps", [])),
            PinnFigureActivation=ACTIVATION_NAMES.get(pinn.get("figure", {}).get("activation"), "n/a"),
            PinnFigureArchitecture=_architecture(pinn.get("figure", {}).get("architecture")),
        )
    return [macro(name, values[name]) for name in names]


TRAINING_ATTRIBUTES = ("model", "activation", "width", "depth", "beta", "epochs", "steps", "learning_rate", "n_train", "n_interior")
# Results of a training run shown beside its settings: (column, variable, description).
TRAINING_RESULTS = (
    ("final loss", "loss", "training loss after the last step"),
    ("kernel change", "relative_change", "|K_T - K_0|_F / |K_0|_F at the last snapshot"),
    ("kernel change", "relative_change_uu", "|K_T - K_0|_F / |K_0|_F of K_uu at the last snapshot"),
    ("rel. L2 error", "relative_l2_error", "relative L2 error of the PINN on the test grid"),
)


def training_table(training: Sequence[Mapping[str, Any]]) -> str:
    """A small tabular of the training runs: file and the attributes they carry."""
    if not training:
        return "\\emph{no training outputs in this run}"
    columns = [a for a in TRAINING_ATTRIBUTES if any(a in t for t in training)]
    columns += [c for c in dict.fromkeys(c for c, _, _ in TRAINING_RESULTS) if any(c in t for t in training)]
    header = " & ".join(["file"] + [latex_escape(c) for c in columns]) + r" \\"
    rows = []
    for t in training:
        cells = [f"\\texttt{{{latex_escape(str(t.get('file', '')))}}}"]
        for c in columns:
            v = t.get(c, "")
            cells.append(latex_number(float(v)) if isinstance(v, (float, np.floating)) else latex_escape(str(v)))
        rows.append(" & ".join(cells) + r" \\")
    tabular = (
        "\\begin{tabular}{" + "l" * (len(columns) + 1) + "}\\toprule " + header.replace("\\_", " ") + "\\midrule "
        + " ".join(rows) + "\\bottomrule\\end{tabular}"
    )
    # Shrunk to the line width when wider (many columns), never enlarged.
    return (
        "{\\footnotesize\\setbox0=\\hbox{" + tabular + "}"
        "\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\box0}\\else\\box0\\fi}"
    )


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
    out.append(r"\noindent\begin{tabular}{@{}>{\raggedright\arraybackslash}p{0.35\linewidth}p{0.61\linewidth}@{}}\toprule")
    out.append(row("git revision (report build)", f"{{\\scriptsize\\texttt{{{latex_escape(revision)}}}}}"))
    by_revision: dict[str, list[str]] = {}
    for name, rev in sorted((data_revisions or {}).items()):
        by_revision.setdefault(rev, []).append(name)
    for rev, names in sorted(by_revision.items(), key=lambda item: item[1][0]):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(row(f"git revision of the data ({latex_escape(shown)})", f"{{\\scriptsize\\texttt{{{latex_escape(rev)}}}}}"))
    out.append(row("run", f"\\texttt{{{latex_escape(str(config['run']))}}}"))
    out.append(row("root seed", str(config["root_seed"])))
    for path in config_files:
        path = Path(path)
        shown = os.path.relpath(path, repository) if repository and path.is_absolute() else str(path)
        digest = sha256_file(path) if path.is_file() else "missing"
        out.append(row(f"SHA-256 of config file \\texttt{{{latex_escape(shown)}}}", f"{{\\scriptsize\\texttt{{{digest}}}}}"))
    out.append(row("SHA-256 of the effective config (canonical JSON)", f"{{\\scriptsize\\texttt{{{config_hash(config)}}}}}"))
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
        out.append(row("job (benchmark file)", "wall time (s)", "h:m:s", "max RSS (MB)", "CPU time (s)") + r"\midrule\endhead")
        out.append(r"\bottomrule\endfoot")
        for b in benchmarks:
            out.append(
                row(f"\\texttt{{{latex_escape(b.job)}}}", latex_number(b.seconds), _hms(b.seconds), latex_number(b.max_rss_mb), latex_number(b.cpu_seconds))
            )
        out.append(r"\end{longtable}}")
    return "\n".join(out) + "\n"


def data_revisions(datasets: Mapping[str, xr.Dataset | None]) -> dict[str, str]:
    """The ``git_revision`` attribute of each dataset that has one."""
    return {name: str(ds.attrs["git_revision"]) for name, ds in datasets.items() if ds is not None and "git_revision" in ds.attrs}


def training_attributes(paths: Iterable[str | os.PathLike]) -> list[dict[str, Any]]:
    """The attributes of each training netCDF listed in :data:`TRAINING_ATTRIBUTES`."""
    out = []
    for path in paths:
        with xr.open_dataset(path) as ds:
            attrs = {k: ds.attrs[k] for k in TRAINING_ATTRIBUTES if k in ds.attrs}
            for column, variable, _ in TRAINING_RESULTS:
                if variable in ds and ds[variable].size:
                    attrs[column] = float(ds[variable].values.ravel()[-1])
        attrs["file"] = Path(path).name
        out.append(attrs)
    return out


# --------------------------------------------------------------------------- building the PDF

# The figure files report.tex includes (figures/<run>/<stem>.pdf), in the order of the report.
REPORT_FIGURES: tuple[str, ...] = (
    "fig1a", "fig1b", "fig2a", "fig2b", "fig3a", "fig3b", "fig4a", "fig4b",
    "fig5", "fig6", "fig6b", "fig7", "fig8", "fig9", "fig10", "figS1", "figS2a", "figS2b",
)
# The generated files report.tex reads from generated/ (name -> required?).
GENERATED_FILES: dict[str, bool] = {
    "macros": True, "claims": True, "rules": True, "provenance": True, "table2": True, "table3": True,
    "claims_precise": False,
}
DEFAULT_SOURCE_DATE_EPOCH = 0


class ReportBuildError(RuntimeError):
    """latexmk failed; the message ends with the tail of the LaTeX log."""


def source_date_epoch(repository: Path | None = None) -> int:
    """SOURCE_DATE_EPOCH for the build: the environment's, else the commit time of HEAD,
    else 0. The PDF carries no date either way (\\pdfinfoomitdate), but pdfTeX and
    packages that read the time then see a fixed one."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        text = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=repository or Path(__file__).resolve().parents[2],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return int(text)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return DEFAULT_SOURCE_DATE_EPOCH


def build_report_pdf(
    source: str | os.PathLike,
    generated: Mapping[str, str | os.PathLike],
    figures: Iterable[str | os.PathLike],
    output: str | os.PathLike,
    precise_figures: Iterable[str | os.PathLike] = (),
    log: str | os.PathLike | None = None,
    epoch: int | None = None,
    main: str = "report.tex",
) -> list[str]:
    """Compile ``source/main`` with latexmk (pdflatex) in a scratch directory and copy the
    PDF to ``output``.

    The scratch directory gets the LaTeX sources, ``generated/<name>.tex`` for each entry
    of ``generated``, ``figures/`` with the given figure files (by file name) and
    ``precise/`` with the precise run's figures. The build is reproducible: fixed
    SOURCE_DATE_EPOCH, no date or trailer ID in the PDF (set in report.tex), no user
    latexmk rc files, and a scratch path that never reaches the PDF. Returns the figure stems
    of :data:`REPORT_FIGURES` that were missing (the PDF shows a box in their place)."""
    import tempfile

    source, output = Path(source), Path(output)
    missing_generated = [name for name, required in GENERATED_FILES.items() if required and name not in generated]
    if missing_generated:
        raise ValueError(f"generated files missing: {', '.join(missing_generated)}")
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        raise ReportBuildError("latexmk not found on PATH (apt-get install latexmk texlive-latex-recommended)")
    with tempfile.TemporaryDirectory(prefix="finite-ntk-report-") as scratch:
        scratch = Path(scratch)
        build = scratch / "build"
        shutil.copytree(source, build)
        (build / "generated").mkdir(exist_ok=True)
        for name, path in generated.items():
            shutil.copyfile(path, build / "generated" / f"{name}.tex")
        for folder, files in (("figures", figures), ("precise", precise_figures)):
            (build / folder).mkdir(exist_ok=True)
            for path in files:
                shutil.copyfile(path, build / folder / Path(path).name)
        present = {p.stem for p in (build / "figures").glob("*.pdf")}
        missing = [stem for stem in REPORT_FIGURES if stem not in present]
        env = dict(os.environ)
        env.update(
            SOURCE_DATE_EPOCH=str(source_date_epoch() if epoch is None else epoch),
            FORCE_SOURCE_DATE="1",
            TZ="UTC",
            LC_ALL="C",
        )
        command = [latexmk, "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", main]
        result = subprocess.run(command, cwd=build, env=env, capture_output=True, text=True)
        tex_log = build / Path(main).with_suffix(".log")
        log_text = tex_log.read_text(errors="replace") if tex_log.exists() else ""
        if log is not None:
            Path(log).parent.mkdir(parents=True, exist_ok=True)
            with open(log, "a") as f:
                f.write(f"$ {' '.join(command)}  (in a scratch directory)\n{result.stdout}\n{result.stderr}\n")
                f.write(log_text)
                if missing:
                    f.write(f"\nmissing figure files (shown as boxes): {', '.join(missing)}\n")
        pdf = build / Path(main).with_suffix(".pdf")
        if result.returncode != 0 or not pdf.exists():
            tail = "\n".join(log_text.splitlines()[-40:])
            raise ReportBuildError(f"latexmk failed with exit status {result.returncode}:\n{tail}")
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(f".{output.name}.tmp")
        shutil.copyfile(pdf, tmp)
        os.replace(tmp, output)
    return missing
