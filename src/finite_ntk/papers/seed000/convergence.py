"""Convergence of the estimators of R = E[K^2]/E[K]^2 with the number of draws (FNN, K(x,x)
at initialisation), on nested prefixes of one long run of draws per configuration.

K = K(x,x) is heavy-tailed (log K close to Gaussian with variance about 5 beta): the plain
ratio of N draws (:func:`finite_ntk.stats.second_moment_ratio`) cannot exceed N and
under-estimates R, while the log-normal plug-in R_log = exp(Var log K) / (1 - p0)
(:mod:`finite_ntk.heavy_tails`) converges at the ordinary rate where log K is Gaussian. This
experiment shows both on the same draws, N = 100, 300, 1000, 3000, ... up to ``max_draws``.

The network and the input are seed 000's FNN Monte Carlo's (``network``, the FNN's
``input_point``, :func:`finite_ntk.samplers.setup.setup_from_config`) without the SGD step
(``step_loss`` 'none': only K at initialisation), drawn by the configured sampler through
:func:`finite_ntk.samplers.dispatch.sample`. Seeding (:mod:`finite_ntk.seeding`): the job key
of the identity ``convergence/model=fnn/activation=<a>/width=<n>/depth=<d>`` and replicate i's
key ``fold_in(job key, i)``; the draws are taken in fixed chunks of ``chunk`` consecutive
replicates, always whole chunks (truncated to ``max_draws`` after), with one sampler plan per
(activation, width) made for PLAN_REPLICATES draws. Nothing depends on ``max_draws`` but where the
run stops, so a shorter run's draws are bit for bit the first draws of a longer one (same
chunk, same configurations). Independent of seed 000's Monte-Carlo draws (another identity).

Imports no JAX, xarray or matplotlib at module level (the rules read
:data:`CONVERGENCE_FIELDS` when Snakemake parses the workflow).
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

import finite_ntk.seeding as seeding
from finite_ntk.heavy_tails import LOG_STATISTICS, LOG_STATISTICS_ATTRS, log_statistics
from finite_ntk.samplers.setup import MonteCarloSetup, setup_from_config
from finite_ntk.stats import second_moment_ratio

if TYPE_CHECKING:
    import jax
    import xarray as xr

__all__ = [
    "CONVERGENCE_FIELDS",
    "CONVERGENCE_STATISTICS",
    "ConvergenceSettings",
    "convergence_dataset",
    "convergence_key",
    "convergence_setup",
    "draw_counts",
    "draw_kernels",
    "prefix_statistics",
    "sampler_plans",
]

Progress = Callable[[str], None]
EXPERIMENT = "convergence"
MODEL = "fnn"
# The config fields the output depends on (the rule's params): the seed, the precision, the
# network, the activations, the sampler, the FNN's input point and the section itself.
CONVERGENCE_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "network",
    "activations",
    "monte_carlo.sampler",
    "monte_carlo.models.fnn.input_point",
    "monte_carlo.convergence",
)
# Default configurations [width, depth], beta = 0.25, 0.5, 1, 2 at widths 16 and 32: rows of
# the paper grid (monte_carlo.grid.table2), so the curves continue the N = 100 estimates of
# Figures 1a and 2a. Width 32 is where log K is close to Gaussian (the normality test needs
# 1e4 to 1e6 draws to reject), width 16 where it is visibly not (skewness -0.2 to -0.4 for
# ReLU). 1e6 draws of every activation: 7.2 minutes on one core (measured at load average
# 4.6 on the 2-core machine; width 32 is 3/4 of it), benchmarks/bench_convergence.py.
DEFAULT_CONFIGURATIONS: tuple[tuple[int, int], ...] = (
    (16, 4),
    (16, 8),
    (16, 16),
    (16, 32),
    (32, 8),
    (32, 16),
    (32, 32),
    (32, 64),
)

# The replicate count the sampler plans its programs for, whatever max_draws: the
# matrix-free sampler then gives each depth a program whose layer capacity is close to its
# depth (capacities 16, 32, 32, 64 for the default depths of width 32) instead of one
# program padded to 128 layers, which it chooses for a chunk (measured: about 12% less
# time per draw at width 32, for 2 more compiles of about a second each).
PLAN_REPLICATES = 1_000_000

# Statistics of each prefix, in order: the plain ratio, then heavy_tails.LOG_STATISTICS.
CONVERGENCE_STATISTICS: tuple[str, ...] = ("second_moment_ratio", *LOG_STATISTICS)
STATISTIC_ATTRS: dict[str, dict[str, str]] = {
    "second_moment_ratio": {
        "long_name": "plain ratio mean(K^2) / mean(K)^2 of the first N draws (at most N)",
        "units": "1",
    },
    **{name: dict(attrs) for name, attrs in LOG_STATISTICS_ATTRS.items()},
}


@dataclasses.dataclass(frozen=True)
class ConvergenceSettings:
    """The section ``monte_carlo.convergence`` of the config (defaults: the paper run's).

    - ``configurations``: the [width, depth] of each configuration
    - ``max_draws``: N_max, draws per configuration and activation
    - ``first_draws``: the smallest prefix; the others are 1 and 3 x 10^k up to N_max, and N_max
    - ``chunk``: replicates drawn per sampler call (each chunk is whole; memory and progress)
    - ``confidence``: level of R_log's chi-square interval
    """

    configurations: tuple[tuple[int, int], ...] = DEFAULT_CONFIGURATIONS
    max_draws: int = 1_000_000
    first_draws: int = 100
    chunk: int = 50_000
    confidence: float = 0.95

    def __post_init__(self) -> None:
        configurations = tuple((int(w), int(d)) for w, d in self.configurations)
        object.__setattr__(self, "configurations", configurations)
        if not configurations:
            raise ValueError("configurations: at least one [width, depth] is needed")
        if len(set(configurations)) != len(configurations):
            raise ValueError(f"configurations: repeated entries in {list(configurations)}")
        for width, depth in configurations:
            if width < 1 or depth < 1:
                raise ValueError(f"configurations: width and depth must be positive, got [{width}, {depth}]")
        for name in ("max_draws", "first_draws", "chunk"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: must be a positive integer, got {value!r}")
        if self.first_draws < 8:
            raise ValueError(f"first_draws: the normality test needs at least 8 draws, got {self.first_draws}")
        if self.max_draws < self.first_draws:
            raise ValueError(f"max_draws: must be at least first_draws ({self.first_draws}), got {self.max_draws}")
        if self.max_draws >= 2**32:
            raise ValueError(f"max_draws: replicate indices are 32-bit, got {self.max_draws}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence: must be in (0, 1), got {self.confidence!r}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ConvergenceSettings:
        """The settings of ``config['monte_carlo']['convergence']`` (absent keys: defaults)."""
        section = dict(config.get("monte_carlo", {}).get("convergence", None) or {})
        unknown = set(section) - {field.name for field in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"monte_carlo.convergence: unknown settings {sorted(unknown)}")
        if "configurations" in section:
            section["configurations"] = tuple(tuple(entry) for entry in section["configurations"])
        return cls(**section)

    def draw_counts(self) -> list[int]:
        return draw_counts(self.first_draws, self.max_draws)

    def depths_of_width(self, width: int) -> list[int]:
        return [d for w, d in self.configurations if w == width]


def draw_counts(first: int, last: int) -> list[int]:
    """The prefixes N: ``first``, every 1 x 10^k and 3 x 10^k between, and ``last``
    (``draw_counts(100, 10**6)`` = 100, 300, 1000, ..., 300000, 1000000)."""
    if not 1 <= first <= last:
        raise ValueError(f"draw_counts: need 1 <= first <= last, got {first}, {last}")
    counts = {first, last}
    power = 1
    while power <= last:
        counts |= {n for n in (power, 3 * power) if first <= n <= last}
        power *= 10
    return sorted(counts)


def convergence_setup(config: Mapping[str, Any], activation: str, width: int, depth: int) -> MonteCarloSetup:
    """Seed 000's FNN Monte-Carlo setup (network, input point) without the step: K at init."""
    setup = setup_from_config(config, MODEL, activation, width, depth)
    return dataclasses.replace(setup, learning_rate=0.0, step_loss="none")


def identity(activation: object, width: object, depth: object) -> str:
    """The identity text of one configuration's draws."""
    return seeding.identity_string(EXPERIMENT, model=MODEL, activation=activation, width=width, depth=depth)


def convergence_key(root_seed: int, activation: str, width: int, depth: int) -> jax.Array:
    """Job key of one configuration's draws (replicate i: ``fold_in(key, i)``)."""
    return seeding.job_key(root_seed, EXPERIMENT, model=MODEL, activation=activation, width=width, depth=depth)


def _sampler_name(config: Mapping[str, Any], sampler: str | None) -> str:
    return sampler or config["monte_carlo"]["sampler"]


def sampler_plans(
    config: Mapping[str, Any], settings: ConvergenceSettings, activation: str, width: int, sampler: str | None = None
) -> dict[int, Any]:
    """depth -> the sampler's plan entry of each configuration of ``width``, planned over the
    depths of that width as for a run of PLAN_REPLICATES draws, every program optimised
    (each runs many chunks): a pure function of the settings' configurations, not of
    ``max_draws``, so that the draws (their last bits included) do not depend on it."""
    from finite_ntk.samplers.dispatch import get_sampler

    depths = settings.depths_of_width(width)
    setups = [convergence_setup(config, activation, width, depth) for depth in depths]
    plans = get_sampler(_sampler_name(config, sampler)).plan(setups, PLAN_REPLICATES, quick_compile=False)
    return dict(zip(depths, plans))


def _chunk_keys(key: jax.Array, start: int, size: int) -> jax.Array:
    """Keys of replicates start .. start + size - 1: ``fold_in(key, i)``, as
    :func:`finite_ntk.seeding.replicate_keys` makes them."""
    import jax
    import jax.numpy as jnp

    indices = jnp.arange(start, start + size, dtype=jnp.uint32)
    return jax.vmap(lambda i: jax.random.fold_in(key, i))(indices)


def draw_kernels(
    config: Mapping[str, Any],
    settings: ConvergenceSettings,
    activation: str,
    width: int,
    depth: int,
    progress: Progress | None = None,
    sampler: str | None = None,
) -> np.ndarray:
    """K(x,x) at initialisation of ``settings.max_draws`` replicates of one configuration, in
    float64 (drawn in the run's precision): whole chunks of ``settings.chunk`` replicates,
    cut to ``max_draws``. ``progress`` gets a line per chunk. ``sampler``: default the
    config's (``monte_carlo.sampler``)."""
    from finite_ntk.samplers.dispatch import sample

    name = _sampler_name(config, sampler)
    setup = convergence_setup(config, activation, width, depth)
    plan = sampler_plans(config, settings, activation, width, name)[depth]
    key = convergence_key(config["root_seed"], activation, width, depth)
    chunks = -(-settings.max_draws // settings.chunk)
    out = np.empty(chunks * settings.chunk, dtype=np.float64)
    start = time.perf_counter()
    for c in range(chunks):
        first = c * settings.chunk
        keys = _chunk_keys(key, first, settings.chunk)
        out[first : first + settings.chunk] = sample(setup, keys, sampler=name, plan=plan)["k_init"][:, 0]
        if progress is not None:
            done = min(first + settings.chunk, settings.max_draws)
            elapsed = time.perf_counter() - start
            progress(
                f"{activation} n={width} d={depth}: draws {done}/{settings.max_draws} "
                f"(chunk {c + 1}/{chunks}, {elapsed:.1f} s, {1e6 * elapsed / (first + settings.chunk):.2f} us/draw)"
            )
    return out[: settings.max_draws]


def prefix_statistics(k: np.ndarray, counts: Sequence[int], confidence: float) -> dict[str, np.ndarray]:
    """:data:`CONVERGENCE_STATISTICS` of the first N values of ``k`` for each N in ``counts``
    (arrays of shape (len(counts),)): the plain ratio
    (:func:`finite_ntk.stats.second_moment_ratio`) and
    :func:`finite_ntk.heavy_tails.log_statistics` (R_log, its chi-square interval at
    ``confidence``, the normality p-value, the atom fraction, the moments of log K)."""
    k = np.asarray(k, dtype=np.float64)
    if k.ndim != 1:
        raise ValueError(f"k: one-dimensional draws expected, got shape {k.shape}")
    if max(counts) > k.shape[0]:
        raise ValueError(f"counts: prefix of {max(counts)} draws asked for, only {k.shape[0]} drawn")
    out = {name: np.full(len(counts), np.nan) for name in CONVERGENCE_STATISTICS}
    for i, n in enumerate(counts):
        prefix = k[:n]
        out["second_moment_ratio"][i] = second_moment_ratio(prefix)
        for name, value in log_statistics(prefix, confidence).items():
            out[name][i] = value
    return out


def _coordinate_attrs() -> dict[str, dict[str, str]]:
    return {
        "activation": {"long_name": "activation function", "units": "1"},
        "config": {"long_name": "configuration index (width, depth)", "units": "1"},
        "width": {"long_name": "width n (units of every hidden layer)", "units": "1"},
        "depth": {"long_name": "depth d (hidden layers)", "units": "1"},
        "beta": {"long_name": "beta = d / n", "units": "1"},
        "draws": {"long_name": "number of draws N (the first N of the same run)", "units": "1"},
    }


def convergence_dataset(
    config: Mapping[str, Any],
    settings: ConvergenceSettings | None = None,
    progress: Progress | None = None,
    activations: Sequence[str] | None = None,
) -> xr.Dataset:
    """Both estimators of R = E[K^2]/E[K]^2 on the nested prefixes of one run of draws of each
    (activation, configuration): a dataset over (activation, config, draws) with the
    variables :data:`CONVERGENCE_STATISTICS` and ``theory_exp5beta`` = exp(5 beta) over config,
    every variable and coordinate with ``long_name`` and ``units``.

    ``settings``: default :meth:`ConvergenceSettings.from_config`; ``activations``: default
    the config's. ``progress`` gets a line per chunk and per configuration."""
    import xarray as xr

    settings = settings or ConvergenceSettings.from_config(config)
    activations = list(activations if activations is not None else config["activations"])
    configurations = settings.configurations
    counts = settings.draw_counts()
    shape = (len(activations), len(configurations), len(counts))
    values = {name: np.full(shape, np.nan) for name in CONVERGENCE_STATISTICS}
    for a, activation in enumerate(activations):
        for c, (width, depth) in enumerate(configurations):
            k = draw_kernels(config, settings, activation, width, depth, progress=progress)
            start = time.perf_counter()
            for name, value in prefix_statistics(k, counts, settings.confidence).items():
                values[name][a, c] = value
            if progress is not None:
                progress(
                    f"{activation} n={width} d={depth}: statistics of {len(counts)} prefixes "
                    f"({time.perf_counter() - start:.1f} s); at N = {counts[-1]}: plain ratio "
                    f"{values['second_moment_ratio'][a, c, -1]:.4g}, R_log {values['log_normal_ratio'][a, c, -1]:.4g}, "
                    f"normality p {values['normality_pvalue'][a, c, -1]:.2g}"
                )

    widths = np.array([w for w, _ in configurations], dtype=np.int64)
    depths = np.array([d for _, d in configurations], dtype=np.int64)
    beta = depths / widths
    dims = ("activation", "config", "draws")
    data_vars: dict[str, Any] = {
        name: xr.Variable(dims, values[name], attrs=STATISTIC_ATTRS[name]) for name in CONVERGENCE_STATISTICS
    }
    data_vars["theory_exp5beta"] = xr.Variable(
        ("config",), np.exp(5.0 * beta), attrs={"long_name": "exp(5 beta): Theorem 1's R at small beta", "units": "1"}
    )
    from finite_ntk.papers.seed000.reductions import finite_width_second_moment

    network = convergence_setup(config, activations[0], *configurations[0]).spec.attributes()
    exact = finite_width_second_moment(widths, depths, network)
    data_vars["theory_finite_width"] = xr.Variable(
        ("activation", "config"),
        np.array([exact if activation == "relu" else np.full(exact.shape, np.nan) for activation in activations]),
        attrs={
            "long_name": "exact E[K^2]/E[K]^2 of the ReLU network at this width and depth "
            "(finite_ntk.finite_width_theory; NaN for other activations)",
            "units": "1",
        },
    )
    coordinate_attrs = _coordinate_attrs()
    coords = {
        "activation": ("activation", activations, coordinate_attrs["activation"]),
        "config": ("config", np.arange(len(configurations)), coordinate_attrs["config"]),
        "width": ("config", widths, coordinate_attrs["width"]),
        "depth": ("config", depths, coordinate_attrs["depth"]),
        "beta": ("config", beta, coordinate_attrs["beta"]),
        "draws": ("draws", np.asarray(counts, dtype=np.int64), coordinate_attrs["draws"]),
    }
    spec = convergence_setup(config, activations[0], *configurations[0]).spec
    attrs = {
        "description": "estimators of E[K^2]/E[K]^2 of K(x,x) at initialisation on nested prefixes of the same draws",
        "model": MODEL,
        "x": [float(v) for v in config["monte_carlo"]["models"][MODEL]["input_point"]],
        "n0": spec.n0,
        "parameterization": spec.parameterization,
        "W_std": spec.W_std,
        "W_std_readout": spec.W_std_readout,
        "b_std": spec.b_std,
        "max_draws": settings.max_draws,
        "first_draws": settings.first_draws,
        "chunk": settings.chunk,
        "confidence": settings.confidence,
        "root_seed": config["root_seed"],
        "identity": identity("<activation>", "<width>", "<depth>"),
        "seeding_rule": "replicate i: fold_in(fold_in(key(root_seed, rbg), sha256(identity)[:4]), i), "
        "drawn in whole chunks of `chunk` replicates",
        "sampler": config["monte_carlo"]["sampler"],
        "precision": config["precision"],
        "run": config.get("run", ""),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
