r"""Seed 001's statistics: R = E[K^2] / E[K]^2 of every sampled cell, with a bootstrap
interval and a saturation flag, beside mean-field theory (:mod:`finite_ntk.mean_field`).

The ratio is bounded by the replicate count n: sum K_i^2 <= (sum K_i)^2 for K_i >= 0, so
an estimate near n says only that the true R is large (a few huge draws dominate). An
estimate above ``saturation_fraction * n`` is flagged *saturated*. R does not depend on
the scale of K, and in the chaotic phase K grows exponentially with depth: it is computed
by the overflow-safe :func:`finite_ntk.stats.second_moment_ratio`, in
float64 whatever the samples' precision.

The dataset (``phase_stats.nc``) has dimensions activation, bias_variance, width,
weight_variance and depth, NaN (saturated: 0) where a cell was not sampled:

- ``second_moment_ratio`` with ``second_moment_ratio_lo`` / ``_hi`` (equal-tailed
  bootstrap interval over replicates), ``saturated``, ``mean_k`` (E[K]);
- ``replicates`` (width): the initialisations per cell at each width (one count per width:
  ``seed001.replicates_by_width`` gives narrow networks more);
- ``mean_k_infinite``: the infinite-width NTK Theta(x, x) of the same network;
- ``chi_1`` (activation, bias_variance, weight_variance) and ``border_weight_variance``
  (activation, bias_variance): the slope chi_1 at the fixed point and the sigma_w^2 of the
  order/chaos border chi_1 = 1;
- the log-space statistics of every cell (:data:`LOG_VARIABLES`, the names of
  :data:`finite_ntk.heavy_tails.LOG_STATISTICS` with its attributes): the atom at K = 0
  (``atom_fraction``, ``positive_count``), the moments of log K over K > 0 (``log_mean``,
  ``log_variance``, ``log_skewness``, ``log_excess_kurtosis``), the p-value of the normality
  test of log K (``normality_pvalue``) and the log-normal plug-in
  R_log = exp(Var log K) / (1 - p0) (``log_normal_ratio``) with its chi-square interval at the
  bootstrap's confidence (``log_normal_ratio_lo`` / ``_hi``).

Why both estimates. K is heavy-tailed (log K close to Gaussian with a large variance deep in
the chaotic phase): the plain ratio of n replicates under-estimates R long before it
saturates, and its bootstrap interval under-covers there. R_log converges where log K is
Gaussian, which ``normality_pvalue`` tests; the claims read the estimate whose coverage was
measured (:func:`finite_ntk.coverage.select_ratio_estimate`), the maps draw their class
contours from R_log. The log-space statistics use no random numbers: the bootstrap draws of
the plain ratio are those of a reduction without them.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import xarray as xr

import finite_ntk.mean_field as mean_field
from finite_ntk.heavy_tails import LOG_STATISTICS, LOG_STATISTICS_ATTRS, log_statistics
from finite_ntk.models.spec import ACTIVATIONS
from finite_ntk.stats import bootstrap_rng, percentile_interval, second_moment_ratio

Progress = Callable[[str], None]
CELL_VARIABLES: tuple[str, ...] = (
    "second_moment_ratio",
    "second_moment_ratio_lo",
    "second_moment_ratio_hi",
    "mean_k",
    "mean_k_infinite",
)
# The log-space statistics of every cell (finite_ntk.heavy_tails.log_statistics), named as there.
LOG_VARIABLES: tuple[str, ...] = LOG_STATISTICS


def _quiet(message: str) -> None:
    pass


def bootstrap_ratio(k: np.ndarray, resamples: int, confidence: float, rng: np.random.Generator) -> tuple[float, float]:
    """Equal-tailed percentile interval of R over ``resamples`` bootstrap resamples of the
    replicates ``k`` (1-D)."""
    index = rng.integers(0, k.shape[0], size=(resamples, k.shape[0]))
    draws = second_moment_ratio(k[index], axis=-1)
    lo, hi = percentile_interval(draws, confidence)
    return float(lo), float(hi)


def cell_identity(activation: str, bias_variance: float, width: int, weight_variance: float, depth: int) -> str:
    """The text that seeds a cell's bootstrap."""
    return f"seed001/{activation}/sb{bias_variance!r}/w{width}/sw{weight_variance!r}/d{depth}"


def _coordinates(samples: Sequence[xr.Dataset]) -> dict[str, np.ndarray]:
    order = {name: i for i, name in enumerate(ACTIVATIONS)}
    activations = sorted({str(ds.attrs["activation"]) for ds in samples}, key=order.__getitem__)
    return {
        "activation": np.asarray(activations, dtype=object),
        "bias_variance": np.asarray(sorted({float(ds.attrs["bias_variance"]) for ds in samples}), dtype=np.float64),
        "width": np.asarray(sorted({int(ds.attrs["width"]) for ds in samples}), dtype=np.int64),
        "weight_variance": np.unique(np.concatenate([ds["weight_variance"].values for ds in samples])).astype(
            np.float64
        ),
        "depth": np.unique(np.concatenate([ds["depth"].values for ds in samples])).astype(np.int64),
    }


def _mean_field(coords: Mapping[str, np.ndarray], network: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """chi_1, the border and log Theta(x, x) at infinite width on the coordinates' grid."""
    weights, biases, widths, depths = (
        coords["weight_variance"],
        coords["bias_variance"],
        coords["width"],
        coords["depth"],
    )
    readout = network["readout_weight_variance"]
    shape = (len(coords["activation"]), len(biases), len(widths), len(weights), len(depths))
    theta = np.empty(shape)
    chi = np.empty((len(coords["activation"]), len(biases), len(weights)))
    border = np.empty((len(coords["activation"]), len(biases)))
    for a, activation in enumerate(coords["activation"]):
        border[a] = mean_field.order_chaos_border(activation, biases)
        chi[a] = mean_field.chi_1(activation, weights[None, :], biases[:, None])
        propagation = mean_field.propagate(
            activation,
            weights[None, :],
            biases[:, None],
            int(depths.max()),
            input_length=float(network["input_length"]),
            readout_weight_variance=readout,
        )
        for w, width in enumerate(widths):
            log_theta = mean_field.log_ntk_diagonal(
                propagation,
                parameterization=network["parameterization"],
                width=int(width),
                input_dimension=int(network["input_dimension"]),
                trained_biases=True,
            )
            theta[a, :, w] = np.exp(log_theta[..., depths - 1])
    return {"mean_k_infinite": theta, "chi_1": chi, "border_weight_variance": border}


def phase_statistics(
    samples: Sequence[xr.Dataset],
    network: Mapping[str, Any],
    root_seed: int,
    resamples: int,
    confidence: float,
    saturation_fraction: float,
    progress: Progress = _quiet,
) -> xr.Dataset:
    """The statistics of every sampled cell of ``samples`` (the sampling jobs' datasets,
    variable ``ntk`` (weight_variance, depth, replicate)) on the grid of all their
    coordinates, with mean-field theory for ``network`` (the config's
    ``seed001.network``)."""
    if not samples:
        raise ValueError("samples: no sampling job's dataset given")
    coords = _coordinates(samples)
    counts: dict[int, set[int]] = {}
    for ds in samples:
        counts.setdefault(int(ds.attrs["width"]), set()).add(int(ds.sizes["replicate"]))
    if any(len(found) != 1 for found in counts.values()):
        raise ValueError(f"samples: the jobs of a width must share their replicate count, got {counts}")
    replicates = np.array([counts[int(w)].pop() for w in coords["width"]], dtype=np.int64)
    shape = tuple(len(values) for values in coords.values())
    cells = {name: np.full(shape, np.nan) for name in CELL_VARIABLES if name != "mean_k_infinite"}
    logs = {name: np.full(shape, np.nan) for name in LOG_VARIABLES}
    saturated = np.zeros(shape, dtype=np.int8)
    index = {name: {value: i for i, value in enumerate(values)} for name, values in coords.items()}
    for ds in samples:
        activation, bias, width = str(ds.attrs["activation"]), float(ds.attrs["bias_variance"]), int(ds.attrs["width"])
        k = ds["ntk"].values.astype(np.float64)
        a, b, w = index["activation"][activation], index["bias_variance"][bias], index["width"][width]
        # Every cell of the job at once (no random numbers: the bootstrap streams are untouched).
        job_logs = log_statistics(k, confidence, axis=-1)
        weights = [index["weight_variance"][float(v)] for v in ds["weight_variance"].values]
        depths = [index["depth"][int(v)] for v in ds["depth"].values]
        at_job = (a, b, w) + np.ix_(weights, depths)
        for name in LOG_VARIABLES:
            logs[name][at_job] = job_logs[name]
        for i, weight in enumerate(ds["weight_variance"].values):
            for j, depth in enumerate(ds["depth"].values):
                at = (a, b, w, index["weight_variance"][float(weight)], index["depth"][int(depth)])
                ratio = float(second_moment_ratio(k[i, j]))
                rng = bootstrap_rng(root_seed, cell_identity(activation, bias, width, float(weight), int(depth)))
                lo, hi = bootstrap_ratio(k[i, j], resamples, confidence, rng)
                cells["second_moment_ratio"][at] = ratio
                cells["second_moment_ratio_lo"][at], cells["second_moment_ratio_hi"][at] = lo, hi
                cells["mean_k"][at] = float(np.mean(k[i, j]))
                saturated[at] = ratio > saturation_fraction * k.shape[-1]
        progress(f"{activation}, sigma_b^2 = {bias:g}, width {width}: {k.shape[0] * k.shape[1]} cells reduced")
    theory = _mean_field(coords, network)
    dims = tuple(coords)
    variables = {name: (dims, values) for name, values in cells.items()}
    variables["saturated"] = (dims, saturated)
    variables["replicates"] = (("width",), replicates)
    for name in LOG_VARIABLES:
        attrs = dict(LOG_STATISTICS_ATTRS[name])
        if name.startswith("log_normal_ratio_"):
            attrs["confidence"] = float(confidence)
        variables[name] = (dims, logs[name], attrs)
    variables["mean_k_infinite"] = (dims, theory["mean_k_infinite"])
    variables["chi_1"] = (("activation", "bias_variance", "weight_variance"), theory["chi_1"])
    variables["border_weight_variance"] = (("activation", "bias_variance"), theory["border_weight_variance"])
    ds = xr.Dataset(variables, coords={name: values for name, values in coords.items()})
    ds["activation"] = ds["activation"].astype(str)
    ds.attrs.update(
        saturation_fraction=float(saturation_fraction),
        confidence=float(confidence),
        resamples=int(resamples),
        input_dimension=int(network["input_dimension"]),
        input_length=float(network["input_length"]),
        parameterization=str(network["parameterization"]),
    )
    return ds


__all__ = ["CELL_VARIABLES", "LOG_VARIABLES", "bootstrap_ratio", "cell_identity", "phase_statistics"]
