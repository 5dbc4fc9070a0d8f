"""macros.tex: every number of the report's prose as a ``\\newcommand``, from the config and the data.

:func:`run_macros` writes the replicates, grid, beta range, fitted C, verdict counts, the
training settings and runs, the ``\\ifsmokerun`` switch and the config fields where this run
differs from the paper config. Nothing here reads a clock: the same inputs give the same text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from finite_ntk.models.problems import AUTHORS_PINN_INPUT_POINT, poisson_exact, poisson_source
from finite_ntk.papers.seed000.reductions import theory_fitted_C
from finite_ntk.report.latex import latex_escape, latex_number, latex_plain, macro

# The sigmoid-like activation is erf-shaped (1/2 erf(x / s) + 1/2); the report calls it erf.
# "tanh" and "erf" (plain erf(x)) are seed 001's.
ACTIVATION_NAMES = {"relu": "ReLU", "gelu": "GELU", "sigmoid": "sigmoid-like (erf)", "tanh": "tanh", "erf": "erf"}

# Settings the report's text states, quoted for the report's "what differs" paragraph
# (docs/replication.md lists where the authors' notebooks used other values).
REPORT_QUOTES: dict[str, str] = {
    "learning_rate": "0.01",  # Section 4.3, eq. (4): lambda_lr = 0.01
    "replicates": "100 runs",  # Section 4.3: "Monte Carlo simulations (100 runs)"
    "C": "5",  # Section 4.3: exp(5 beta)
    "configurations": "78",  # Section 5.2.1: "We analysed 78 network configurations"
}


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


def _camel(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _value_interval(value: float, lo: float, hi: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{latex_number(value)} [{latex_number(lo)}, {latex_number(hi)}]"


def _point(values: Sequence[float]) -> str:
    # Coordinates are printed to all the digits a config gives them (the authors' PINN point has 7).
    return "(" + ", ".join(latex_plain(float(v), digits=10) for v in values) + ")"


def pinn_point_macros(pinn: Mapping[str, Any] | None) -> list[str]:
    r"""Where the PINN's Monte-Carlo point comes from, its |x|^2 and the one-step target there.

    ``PinnInputSource`` names the authors' notebook when the config's point is theirs (and
    ``\ifauthorspinnpoint`` is true);
    ``PinnStepTarget`` is u*(x), the exact solution at the point (``value`` step loss) or
    f(x) (``residual``)."""
    switch = [r"\newif\ifauthorspinnpoint"]
    if pinn is None:
        return switch + [macro(name, "n/a") for name in ("PinnInputSource", "PinnInputNormSquared", "PinnStepTarget")]
    point = tuple(float(v) for v in pinn["input_point"])
    switch.append(r"\authorspinnpointtrue" if point == AUTHORS_PINN_INPUT_POINT else r"\authorspinnpointfalse")
    if point == AUTHORS_PINN_INPUT_POINT:
        source = "the first of the 1000 interior collocation points of the authors' PINN notebook"
    else:
        source = (
            "set in this run's configuration (the authors' PINN notebook used " + _point(AUTHORS_PINN_INPUT_POINT) + ")"
        )
    xy = np.asarray(point, dtype=np.float64)
    if pinn["step_loss"] == "value":
        target = "the exact solution $u_*(x) =$ " + latex_number(float(poisson_exact(xy)))
    else:
        target = "the source term $f(x) =$ " + latex_number(float(poisson_source(xy)))
    return switch + [
        macro("PinnInputSource", source),
        macro("PinnInputNormSquared", latex_number(float(xy @ xy))),
        macro("PinnStepTarget", target),
    ]


def convergence_macros(ds: xr.Dataset | None, significance: float = 0.05) -> list[str]:
    """Macros of the convergence experiment (Figures S3a-c) at its largest number of draws,
    ReLU against the exact finite-width theory: the draws (ConvergenceMaxDraws), the median of
    plain/exact and R_log/exact over the configurations with beta <= 0.5 (...Small) and with
    beta >= 1 (...Large), and how many of the ReLU configurations' normality tests reject at
    ``significance`` (ConvergenceRejected of ConvergenceConfigs). "n/a" without the data."""
    names = [
        "ConvergenceMaxDraws",
        "ConvergenceConfigs",
        "ConvergenceRejected",
        *(f"Convergence{e}OverExact{r}" for e in ("Plain", "Log") for r in ("Small", "Large")),
    ]
    if ds is None or "relu" not in list(ds["activation"].values) or "theory_finite_width" not in ds:
        return [macro(name, "n/a") for name in names]
    last = ds.isel(draws=-1).sel(activation="relu")
    theory = last["theory_finite_width"].values.astype(np.float64)
    beta = ds["beta"].values.astype(np.float64)

    def median(name: str, chosen: np.ndarray) -> str:
        ratio = last[name].values[chosen] / theory[chosen]
        return latex_number(float(np.nanmedian(ratio)), 2) if chosen.any() else "n/a"

    lines = [
        macro("ConvergenceMaxDraws", f"{int(ds['draws'].values[-1]):,}".replace(",", "{,}")),
        macro("ConvergenceConfigs", int(beta.size)),
        macro("ConvergenceRejected", int(np.sum(last["normality_pvalue"].values < significance))),
    ]
    for estimator, name in (("Plain", "second_moment_ratio"), ("Log", "log_normal_ratio")):
        lines.append(macro(f"Convergence{estimator}OverExactSmall", median(name, beta <= 0.5)))
        lines.append(macro(f"Convergence{estimator}OverExactLarge", median(name, beta >= 1)))
    return lines


def exact_theory_macros(prefix: str, stats: xr.Dataset | None) -> list[str]:
    """How the ReLU estimates of one ntk_stats dataset compare with the exact finite-width
    E[K^2]/E[K]^2 (``theory_second_moment_finite_width``): the number of configurations with
    a theory (ExactConfigs...), how many of them each interval covers (ExactCoveredPlain...,
    ExactCoveredLog...), and the median of each estimate over the theory (PlainOverExact...,
    LogOverExact...). "n/a" where the dataset has no ReLU or no theory."""
    names = ("ExactConfigs", "ExactCoveredPlain", "ExactCoveredLog", "PlainOverExact", "LogOverExact")
    usable = (
        stats is not None
        and "theory_second_moment_finite_width" in stats
        and "relu" in list(stats["activation"].values)
        and bool(np.isfinite(stats["theory_second_moment_finite_width"].values).any())
    )
    if not usable:
        return [macro(_camel(name, prefix), "n/a") for name in names]
    sel: dict[str, Any] = {"activation": "relu"}
    if "operator" in stats["second_moment_ratio"].dims:
        sel["operator"] = "uu"
    relu = stats.sel(sel)
    theory = stats["theory_second_moment_finite_width"].values.astype(np.float64)
    ok = np.isfinite(theory)

    def covered(name: str) -> int:
        lo, hi = relu[f"{name}_lo"].values[ok], relu[f"{name}_hi"].values[ok]
        return int(np.sum((lo <= theory[ok]) & (theory[ok] <= hi)))

    def median_over(name: str) -> str:
        return latex_number(float(np.nanmedian(relu[name].values[ok] / theory[ok])), 2)

    return [
        macro(_camel("ExactConfigs", prefix), int(ok.sum())),
        macro(_camel("ExactCoveredPlain", prefix), covered("second_moment_ratio")),
        macro(_camel("ExactCoveredLog", prefix), covered("log_normal_ratio")),
        macro(_camel("PlainOverExact", prefix), median_over("second_moment_ratio")),
        macro(_camel("LogOverExact", prefix), median_over("log_normal_ratio")),
    ]


def stats_macros(
    prefix: str, stats: xr.Dataset | None, activations: Sequence[str], significance: float = 0.05
) -> list[str]:
    """Macros of one ntk_stats dataset: C fitted on the plain ratio (FitC...) and on ln R_log
    (FitCLog...) per activation, the saturated count, the count of configurations whose
    normality test of log K rejects at ``significance``, the number of estimates."""
    lines = []
    fits = {"FitC": "fitted_C", "FitCLog": "fitted_C_log_normal"}
    for activation in activations:
        for stem, variable in fits.items():
            name = _camel(stem, prefix, activation)
            if stats is None or activation not in list(stats["activation"].values):
                lines.append(macro(name, "n/a"))
                continue
            sel: dict[str, Any] = {"activation": activation}
            if "operator" in stats[variable].dims:
                sel["operator"] = "uu"
            bounds = (variable, f"{variable}_lo", f"{variable}_hi")
            lines.append(macro(name, _value_interval(*(float(stats[v].sel(sel)) for v in bounds))))
    lines += exact_theory_macros(prefix, stats)
    counted = ("Saturated", "NormalityRejected", "Estimates")
    theory_C = float("nan") if stats is None else theory_fitted_C(stats)
    lines.append(macro(_camel("FitCTheory", prefix), f"{theory_C:.3g}" if np.isfinite(theory_C) else "n/a"))
    if stats is None:
        return lines + [macro(_camel(stem, prefix), "n/a") for stem in counted]
    saturated, pvalue = stats["saturated"], stats["normality_pvalue"]
    if "operator" in saturated.dims:
        saturated, pvalue = saturated.sel(operator="uu"), pvalue.sel(operator="uu")
    lines.append(macro(_camel("Saturated", prefix), int(np.sum(saturated.values))))
    lines.append(macro(_camel("NormalityRejected", prefix), int(np.sum(pvalue.values < significance))))
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
    convergence: xr.Dataset | None = None,
) -> str:
    """``macros.tex``: every number of the report's prose, from the config and the data.

    ``precise`` describes an optional second Monte-Carlo run shown beside this one
    (``{"run": ..., "replicates": ...}``); ``training`` lists the training runs (one mapping
    of attributes each: ``file`` and whatever the netCDF's attributes hold); ``convergence``:
    the convergence experiment's dataset (Figures S3a-c)."""
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
    lines += pinn_point_macros(models.get("pinn"))
    significance = float(config["heavy_tails"]["significance"])
    lines += stats_macros("Fnn", fnn, ("relu", "gelu", "sigmoid"), significance)
    lines += stats_macros("Pinn", pinn, ("relu", "gelu", "sigmoid"), significance)
    lines += convergence_macros(convergence, significance)

    verdicts = dict(verdicts or {})
    lines += [
        macro("ClaimsAgree", verdicts.get("agrees", 0)),
        macro("ClaimsDiffer", verdicts.get("differs", 0)),
        macro("ClaimsNA", verdicts.get("n/a", 0)),
        macro("ClaimsNotEstimable", verdicts.get("not estimable", 0)),
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
        "FnnTrainActivation",
        "FnnTrainPoints",
        "FnnTestPoints",
        "FnnEpochs",
        "FnnTrainLearningRate",
        "FnnSnapshotSteps",
        "FnnArchitectures",
        "FigFiveArchitecture",
        "FigNineArchitecture",
        "FigTenArchitecture",
        "InitWidths",
        "InitDepths",
        "PinnTrainActivations",
        "PinnArchitectures",
        "PinnSteps",
        "PinnTrainLearningRate",
        "PinnBoundaryWeight",
        "PinnInterior",
        "PinnBoundaryPerSide",
        "PinnBoundaryTotal",
        "PinnKernelGrid",
        "PinnKernelPoints",
        "PinnTestGrid",
        "PinnSnapshotSteps",
        "PinnFigureActivation",
        "PinnFigureArchitecture",
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
            FigFiveArchitecture=_architecture(figures.get("seed000fig5")),
            FigNineArchitecture=_architecture(figures.get("seed000fig9")),
            FigTenArchitecture=_architecture(figures.get("seed000fig10")),
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


TRAINING_ATTRIBUTES = (
    "model",
    "activation",
    "width",
    "depth",
    "beta",
    "epochs",
    "steps",
    "learning_rate",
    "n_train",
    "n_interior",
)
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
        "\\begin{tabular}{"
        + "l" * (len(columns) + 1)
        + "}\\toprule "
        + header.replace("\\_", " ")
        + "\\midrule "
        + " ".join(rows)
        + "\\bottomrule\\end{tabular}"
    )
    # Shrunk to the line width when wider (many columns), never enlarged.
    return (
        "{\\footnotesize\\setbox0=\\hbox{" + tabular + "}"
        "\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\box0}\\else\\box0\\fi}"
    )


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


__all__ = [
    "ACTIVATION_NAMES",
    "REPORT_QUOTES",
    "config_differences",
    "is_smoke_run",
    "run_macros",
    "stats_macros",
    "training_macros",
    "training_table",
    "training_attributes",
]
