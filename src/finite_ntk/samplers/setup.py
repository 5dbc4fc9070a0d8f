"""One Monte-Carlo configuration (``MonteCarloSetup``) and how a config entry maps to it:
plain data and arithmetic, no JAX at import, so that the workflow can plan its jobs
without importing JAX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from finite_ntk.models.spec import NetworkSpec, spec_from_settings

MODELS: tuple[str, ...] = ("fnn", "pinn")
# Kernels measured per model: 'uu' the value NTK, 'rr' the residual-operator NTK.
OPERATORS: dict[str, tuple[str, ...]] = {"fnn": ("uu",), "pinn": ("uu", "rr")}
# The one-point loss of the SGD step; "none": kernel only, no step (K' = K, dK = 0, and
# the samplers skip the step's passes).
STEP_LOSSES: dict[str, tuple[str, ...]] = {"fnn": ("value", "none"), "pinn": ("value", "residual", "none")}
INPUT_DIMENSION: dict[str, int] = {"fnn": 1, "pinn": 2}  # seed 000's; a setup may choose the FNN's
SAMPLE_VARIABLES: tuple[str, ...] = ("k_init", "k_step", "delta_k")

# Floats of parameters vmapped at once by the dense sampler (about 16 MiB in float32 per
# copy); bounds memory at width 4096 while keeping small networks fully vectorised.
DENSE_BATCH_PARAMETER_BUDGET = 2**22
DENSE_MAX_BATCH = 256


@dataclass(frozen=True)
class MonteCarloSetup:
    """One Monte-Carlo configuration: model, network, input point, step."""

    model: str
    spec: NetworkSpec
    input_point: tuple[float, ...]
    learning_rate: float
    step_loss: str = "value"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"model: {self.model!r} is not supported; allowed: {', '.join(MODELS)}")
        if self.model == "pinn" and self.spec.n0 != INPUT_DIMENSION["pinn"]:
            raise ValueError(f"n0: the PINN's input is a point of the unit square (n0 = 2), got n0={self.spec.n0}")
        if len(self.input_point) != self.spec.n0:
            raise ValueError(
                f"input_point: has {len(self.input_point)} coordinates, the {self.model} network takes n0={self.spec.n0}"
            )
        if self.step_loss not in STEP_LOSSES[self.model]:
            raise ValueError(
                f"step_loss: {self.step_loss!r} is not supported for {self.model}; "
                f"allowed: {', '.join(STEP_LOSSES[self.model])}"
            )
        if self.step_loss != "none" and not self.learning_rate > 0:
            raise ValueError(f"learning_rate: must be positive, got {self.learning_rate!r}")
        if self.step_loss == "none" and self.learning_rate != 0:
            raise ValueError(f"learning_rate: must be 0 without a step (step_loss 'none'), got {self.learning_rate!r}")

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS[self.model]

    @property
    def has_step(self) -> bool:
        return self.step_loss != "none"

    def target(self) -> float:
        """N*(x) of the one-step loss (sine target, or the exact Poisson solution); 0
        without a step."""
        import jax.numpy as jnp

        from finite_ntk.models.problems import poisson_exact, poisson_source, sine_target

        if not self.has_step:
            return 0.0
        x = jnp.asarray(self.input_point)
        if self.model == "fnn":
            return float(sine_target(x))
        if self.step_loss == "value":
            return float(poisson_exact(x))
        return float(poisson_source(x))


def parameter_count(spec: NetworkSpec) -> int:
    per_bias = 1 if spec.has_bias else 0
    first = spec.n0 * spec.width + per_bias * spec.width
    hidden = (spec.depth - 1) * (spec.width * spec.width + per_bias * spec.width)
    readout = spec.width + per_bias
    return first + hidden + readout


def dense_batch_size(spec: NetworkSpec) -> int:
    return int(max(1, min(DENSE_MAX_BATCH, DENSE_BATCH_PARAMETER_BUDGET // parameter_count(spec))))


def setup_from_config(
    config: Mapping[str, Any], model: str, activation: str, width: int, depth: int
) -> MonteCarloSetup:
    """The MonteCarloSetup of one grid configuration."""
    model_config = config["monte_carlo"]["models"][model]
    return MonteCarloSetup(
        model=model,
        spec=spec_from_settings(config["network"], activation, width, depth, INPUT_DIMENSION[model]),
        input_point=tuple(float(v) for v in model_config["input_point"]),
        learning_rate=float(config["monte_carlo"]["learning_rate"]),
        step_loss=model_config["step_loss"],
    )
