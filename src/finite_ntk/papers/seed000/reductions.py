"""Reductions of the raw Monte-Carlo samples: moments, bootstrap intervals, fits of C.

Statistics per configuration (over replicates):

- ``mean_k``               E[K]
- ``second_moment_ratio``  E[K^2] / E[K]^2   (Theorem 1; bounded above by the sample count)
- ``relative_delta_k``     E[dK] / E[K], signed (Theorem 2)

Each comes with a percentile-bootstrap interval: the same resampled replicate indices are
used for every statistic of a configuration, and draw ``b`` of every configuration feeds
draw ``b`` of the fit of C, so the interval of C carries the Monte-Carlo error of all
the points it is fitted to.

K is heavy-tailed, so beside the plain ratio every configuration gets the log-space
statistics of :mod:`finite_ntk.heavy_tails` (:data:`~finite_ntk.heavy_tails.LOG_STATISTICS`:
the atom at K = 0, the moments of log K, the normality test, R_log = exp(Var log K)/(1 - p0)
with its chi-square interval), and C is fitted a second time on log R_log
(:func:`fit_log_normal_rate`), whose interval needs no bootstrap.

Theory curves (Hanin & Nica, with the report's C = 5): exp(C beta) for the second moment,
(d beta / n0) exp(C beta) lr for the relative change; the variant with d + 1 layers (the
authors' notebooks count the readout) is stored too.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr

from finite_ntk.finite_width_theory import relu_second_moment_ratio, theory_applies
from finite_ntk.heavy_tails import LOG_STATISTICS, LOG_STATISTICS_ATTRS, log_statistics
from finite_ntk.stats import bootstrap_rng, percentile_interval, second_moment_ratio

REPORT_C = 5.0  # the report's constant in exp(C beta)
STATISTICS: tuple[str, ...] = ("mean_k", "second_moment_ratio", "relative_delta_k")


def relative_delta_k(delta_k: np.ndarray, k: np.ndarray, axis: int = -1, mean: np.ndarray | None = None) -> np.ndarray:
    """E[dK] / E[K] along ``axis``; NaN where E[K] = 0. ``mean``: E[K] if already known."""
    mean = np.mean(k, axis=axis) if mean is None else mean
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.mean(delta_k, axis=axis) / mean
    return np.where(mean == 0, np.nan, ratio)


def statistics(k: np.ndarray, delta_k: np.ndarray, axis: int = -1) -> dict[str, np.ndarray]:
    """The three statistics of samples ``k`` (K at init) and ``delta_k``."""
    k = np.asarray(k, dtype=np.float64)
    delta_k = np.asarray(delta_k, dtype=np.float64)
    mean = np.mean(k, axis=axis)
    return {
        "mean_k": mean,
        "second_moment_ratio": second_moment_ratio(k, axis=axis, mean=mean),
        "relative_delta_k": relative_delta_k(delta_k, k, axis=axis, mean=mean),
    }


def bootstrap_statistics(
    k: np.ndarray, delta_k: np.ndarray, resamples: int, rng: np.random.Generator, chunk: int = 256
) -> dict[str, np.ndarray]:
    """Bootstrap draws (shape (resamples,)) of every statistic, resampling replicates."""
    n = k.shape[0]
    # Resampled in float64, as statistics() computes: converting each resample would copy it.
    k, delta_k = np.asarray(k, dtype=np.float64), np.asarray(delta_k, dtype=np.float64)
    draws: dict[str, list[np.ndarray]] = {name: [] for name in STATISTICS}
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        index = rng.integers(0, n, size=(size, n))
        stats = statistics(k[index], delta_k[index], axis=-1)
        for name in STATISTICS:
            draws[name].append(stats[name])
    return {name: np.concatenate(parts) for name, parts in draws.items()}


def fit_exponential_rate(beta: np.ndarray, ratio: np.ndarray) -> float:
    """C of ratio = exp(C beta): least squares of log(ratio) on beta through the origin
    (the ratio is exactly 1 at beta = 0). NaN if no usable point."""
    beta = np.asarray(beta, dtype=np.float64)
    log_ratio = np.log(np.asarray(ratio, dtype=np.float64))
    ok = np.isfinite(log_ratio)
    if not ok.any():
        return float("nan")
    return float(np.sum(beta[ok] * log_ratio[ok]) / np.sum(beta[ok] ** 2))


def fit_log_normal_rate(
    beta: np.ndarray,
    log_variance: np.ndarray,
    atom_fraction: np.ndarray,
    positive_count: np.ndarray,
    confidence: float,
) -> tuple[float, float, float]:
    """C of R = exp(C beta) fitted on the log-normal plug-in, with a normal interval.

    With y_i = ln R_log,i = s_i^2 - ln(1 - p0_i), least squares through the origin gives
    C = sum beta_i y_i / sum beta_i^2. Under log-normality s_i^2 has variance
    2 sigma_i^4 / (m_i - 1) (a scaled chi-square with m_i - 1 degrees of freedom), so

        Var C = sum beta_i^2 2 s_i^4 / (m_i - 1) / (sum beta_i^2)^2

    with s_i^2 plugged in, and C +- z Var(C)^(1/2) is the interval (z the normal quantile at
    ``confidence``; its coverage is measured in tests/test_reductions.py). The draws of
    different configurations are independent, so no covariance enters. NaN if no usable point."""
    from scipy.stats import norm

    beta = np.asarray(beta, dtype=np.float64)
    log_variance = np.asarray(log_variance, dtype=np.float64)
    m = np.asarray(positive_count, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = log_variance - np.log1p(-np.asarray(atom_fraction, dtype=np.float64))
        ok = np.isfinite(y) & (m >= 2)
        if not ok.any():
            return float("nan"), float("nan"), float("nan")
        b, y, s2, m = beta[ok], y[ok], log_variance[ok], m[ok]
        norm2 = np.sum(b**2)
        fitted = float(np.sum(b * y) / norm2)
        spread = float(np.sqrt(np.sum(b**2 * 2 * s2**2 / (m - 1))) / norm2)
    z = float(norm.ppf(0.5 + confidence / 2))
    return fitted, fitted - z * spread, fitted + z * spread


def theory_fitted_C(stats: xr.Dataset) -> float:
    """C of exp(C beta) fitted, as the data are, to the exact finite-width E[K^2]/E[K]^2 of
    the ReLU network (``theory_second_moment_finite_width``) on the fitted configurations;
    NaN where the dataset has no such theory."""
    if "theory_second_moment_finite_width" not in stats:
        return float("nan")
    beta = stats["beta"].values.astype(np.float64)
    small = beta <= float(stats.attrs["fit_max_beta"])
    theory = stats["theory_second_moment_finite_width"].values.astype(np.float64)
    if not small.any() or not np.all(np.isfinite(theory[small])):
        return float("nan")
    return fit_exponential_rate(beta[small], theory[small])


def theory_second_moment(beta: np.ndarray, C: float = REPORT_C) -> np.ndarray:
    return np.exp(C * np.asarray(beta))


def finite_width_second_moment(widths: np.ndarray, depths: np.ndarray, network: Mapping[str, Any]) -> np.ndarray:
    """The exact E[K^2]/E[K]^2 of the ReLU network of each (width, depth)
    (:func:`finite_ntk.finite_width_theory.relu_second_moment_ratio`: the same for every input
    point and n0), or NaN everywhere when ``network`` (attributes parameterization, W_std,
    W_std_readout, b_std) is not the one it holds for."""
    applies = theory_applies(
        str(network.get("parameterization")),
        float(network.get("W_std", np.nan)),
        float(network.get("W_std_readout", np.nan)),
        None if network.get("b_std") is None else float(network["b_std"]),
    )
    if not applies:
        return np.full(np.shape(widths), np.nan)
    return relu_second_moment_ratio(widths, depths)


def theory_relative_delta_k(
    depth: np.ndarray, beta: np.ndarray, n0: int, learning_rate: float, C: float = REPORT_C, count_readout: bool = False
) -> np.ndarray:
    """(d beta / n0) exp(C beta) lr; with ``count_readout`` d + 1 replaces d."""
    layers = np.asarray(depth) + (1 if count_readout else 0)
    return layers * np.asarray(beta) / n0 * np.exp(C * np.asarray(beta)) * learning_rate


def reduce_samples(
    samples: Sequence[xr.Dataset],
    activations: Sequence[str],
    resamples: int,
    confidence: float,
    fit_max_beta: float,
    saturation_fraction: float,
) -> xr.Dataset:
    """Reduce the per-configuration sample datasets of one model into ntk_stats.

    ``samples`` holds one dataset per (activation, configuration), as written by the
    sampling jobs (``finite_ntk.papers.seed000.monte_carlo.samples_dataset``). The result has dims
    ``activation`` x ``config`` (x ``operator`` for the PINN)."""
    first = samples[0]
    model = first.attrs["model"]
    operators = list(first["operator"].values) if "operator" in first.dims else [None]
    configs = sorted(
        {(int(s.attrs["width"]), int(s.attrs["depth"])) for s in samples}, key=lambda wd: (wd[1] / wd[0], wd)
    )
    by_key = {(s.attrs["activation"], int(s.attrs["width"]), int(s.attrs["depth"])): s for s in samples}
    missing = [(a, w, d) for a in activations for (w, d) in configs if (a, w, d) not in by_key]
    if missing:
        raise ValueError(f"samples: no dataset for (activation, width, depth) {missing[:5]}")

    n_act, n_cfg, n_op = len(activations), len(configs), len(operators)
    shape = (n_act, n_cfg, n_op)
    point = {name: np.full(shape, np.nan) for name in STATISTICS}
    lo = {name: np.full(shape, np.nan) for name in STATISTICS}
    hi = {name: np.full(shape, np.nan) for name in STATISTICS}
    ratio_draws = np.full(shape + (resamples,), np.nan)
    vanishes = np.zeros((n_act, n_op), dtype=bool)
    logs = {name: np.full(shape, np.nan) for name in LOG_STATISTICS}
    replicates = np.zeros((n_act, n_cfg), dtype=np.int64)

    for a, activation in enumerate(activations):
        for c, (width, depth) in enumerate(configs):
            ds = by_key[(activation, width, depth)]
            replicates[a, c] = ds.sizes["replicate"]
            for o, operator in enumerate(operators):
                select = {} if operator is None else {"operator": operator}
                k = ds["k_init"].sel(select).values.astype(np.float64)
                dk = ds["delta_k"].sel(select).values.astype(np.float64)
                for name, value in log_statistics(k, confidence).items():
                    logs[name][a, c, o] = value
                if operator == "rr" and bool(ds.attrs.get("rr_identically_zero", 0)):
                    # K identically zero (ReLU K_rr): no ratio exists; flag, never divide.
                    vanishes[a, o] = True
                if np.all(k == 0):
                    # Identically zero, or underflowed in every replicate (deep GELU in
                    # float32): the statistics are undefined and stay NaN.
                    point["mean_k"][a, c, o] = lo["mean_k"][a, c, o] = hi["mean_k"][a, c, o] = 0.0
                    continue
                stats = statistics(k, dk)
                rng = bootstrap_rng(int(ds.attrs["root_seed"]), f"{ds.attrs['identity']}/{operator}")
                draws = bootstrap_statistics(k, dk, resamples, rng)
                for name in STATISTICS:
                    point[name][a, c, o] = stats[name]
                    lo[name][a, c, o], hi[name][a, c, o] = percentile_interval(draws[name], confidence)
                ratio_draws[a, c, o] = draws["second_moment_ratio"]

    widths = np.array([w for w, _ in configs])
    depths = np.array([d for _, d in configs])
    betas = depths / widths
    n0 = int(first.attrs["n0"])
    learning_rate = float(first.attrs["learning_rate"])

    # Fit C per activation (and operator) on the small-beta points; the bootstrap draws of
    # every point give the draws of C.
    small = betas <= fit_max_beta
    fitted = np.full((n_act, n_op), np.nan)
    fitted_lo = np.full((n_act, n_op), np.nan)
    fitted_hi = np.full((n_act, n_op), np.nan)
    fitted_log = np.full((3, n_act, n_op), np.nan)  # C, lo, hi on log R_log
    for a in range(n_act):
        for o in range(n_op):
            if vanishes[a, o] or not small.any():
                continue
            fitted[a, o] = fit_exponential_rate(betas[small], point["second_moment_ratio"][a, small, o])
            c_draws = np.array(
                [fit_exponential_rate(betas[small], ratio_draws[a, small, o, b]) for b in range(resamples)]
            )
            fitted_lo[a, o], fitted_hi[a, o] = percentile_interval(c_draws, confidence)
            fitted_log[:, a, o] = fit_log_normal_rate(
                betas[small],
                logs["log_variance"][a, small, o],
                logs["atom_fraction"][a, small, o],
                logs["positive_count"][a, small, o],
                confidence,
            )

    bound = replicates[:, :, None].astype(np.float64)
    saturated = point["second_moment_ratio"] >= saturation_fraction * bound

    def squeeze(array: np.ndarray) -> np.ndarray:
        return array[..., 0] if operators == [None] else array

    stat_dims = ("activation", "config") if operators == [None] else ("activation", "config", "operator")
    per_act_dims = ("activation",) if operators == [None] else ("activation", "operator")
    data_vars: dict[str, Any] = {}
    descriptions = {
        "mean_k": "E[K(x,x)] at initialisation",
        "second_moment_ratio": "E[K^2]/E[K]^2 at initialisation (bounded by the replicate count)",
        "relative_delta_k": "signed E[dK]/E[K] after one SGD step",
    }
    for name in STATISTICS:
        data_vars[name] = (stat_dims, squeeze(point[name]), {"description": descriptions[name]})
        data_vars[f"{name}_lo"] = (
            stat_dims,
            squeeze(lo[name]),
            {"description": f"lower {confidence:.0%} bootstrap bound"},
        )
        data_vars[f"{name}_hi"] = (
            stat_dims,
            squeeze(hi[name]),
            {"description": f"upper {confidence:.0%} bootstrap bound"},
        )
    data_vars["saturated"] = (
        stat_dims,
        squeeze(saturated).astype(np.int8),
        {"description": f"1 where E[K^2]/E[K]^2 >= {saturation_fraction} x replicates: a bound, not a measurement"},
    )
    for name in LOG_STATISTICS:
        attrs = dict(LOG_STATISTICS_ATTRS[name])
        if name == "atom_fraction":
            attrs["description"] = (
                "K = 0 exactly: identically zero, a layer entirely inactive (ReLU without biases), or float32 "
                "underflow of deep networks whose signal shrinks layer by layer (rerun with precision: float64)"
            )
        if name.startswith("log_normal_ratio_"):
            attrs["long_name"] += f" ({confidence:.0%})"
        data_vars[name] = (stat_dims, squeeze(logs[name]), attrs)
    data_vars["replicates"] = (("activation", "config"), replicates)
    data_vars["theory_second_moment"] = ("config", theory_second_moment(betas), {"description": "exp(5 beta)"})
    data_vars["theory_second_moment_finite_width"] = (
        "config",
        finite_width_second_moment(widths, depths, first.attrs),
        {
            "long_name": "exact E[K^2]/E[K]^2 of the ReLU network at this width and depth "
            "(finite_ntk.finite_width_theory; NaN where its premises do not hold)",
            "units": "1",
        },
    )
    data_vars["theory_relative_delta_k"] = (
        "config",
        theory_relative_delta_k(depths, betas, n0, learning_rate),
        {"description": "(d beta / n0) exp(5 beta) lr"},
    )
    data_vars["theory_relative_delta_k_readout"] = (
        "config",
        theory_relative_delta_k(depths, betas, n0, learning_rate, count_readout=True),
        {"description": "((d + 1) beta / n0) exp(5 beta) lr (the authors' notebooks count the readout)"},
    )
    data_vars["fitted_C"] = (
        per_act_dims,
        squeeze(fitted),
        {"description": f"C of exp(C beta) fitted for beta <= {fit_max_beta}"},
    )
    data_vars["fitted_C_lo"] = (per_act_dims, squeeze(fitted_lo))
    data_vars["fitted_C_hi"] = (per_act_dims, squeeze(fitted_hi))
    fitted_log_names = {
        "fitted_C_log_normal": f"C of exp(C beta) fitted on ln R_log for beta <= {fit_max_beta}",
        "fitted_C_log_normal_lo": f"lower bound of the {confidence:.0%} normal interval of fitted_C_log_normal",
        "fitted_C_log_normal_hi": f"upper bound of the {confidence:.0%} normal interval of fitted_C_log_normal",
    }
    for values, (name, long_name) in zip(fitted_log, fitted_log_names.items()):
        data_vars[name] = (per_act_dims, squeeze(values), {"long_name": long_name, "units": "1"})
    if operators != [None]:
        data_vars["operator_vanishes"] = (
            ("activation", "operator"),
            vanishes.astype(np.int8),
            {"description": "1 where K is identically zero (ReLU K_rr): statistics are undefined"},
        )
    coords: dict[str, Any] = {
        "activation": list(activations),
        "config": np.arange(n_cfg),
        "width": ("config", widths),
        "depth": ("config", depths),
        "beta": ("config", betas),
    }
    if operators != [None]:
        coords["operator"] = operators
    keep = (
        "parameterization",
        "W_std",
        "W_std_readout",
        "b_std",
        "x",
        "n0",
        "step_loss",
        "learning_rate",
        "root_seed",
        "sampler",
        "precision",
        "run",
    )
    attrs = {name: first.attrs[name] for name in keep if name in first.attrs}
    attrs.update(
        model=model,
        report_C=REPORT_C,
        fit_max_beta=fit_max_beta,
        bootstrap_resamples=resamples,
        confidence=confidence,
        saturation_fraction=saturation_fraction,
    )
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
