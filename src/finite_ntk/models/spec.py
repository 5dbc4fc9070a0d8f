"""Architecture and initialisation of a fully connected network (``NetworkSpec``): plain
data, no JAX, so that the workflow can build its job list without importing JAX."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping

ACTIVATIONS: tuple[str, ...] = ("relu", "gelu", "sigmoid", "tanh", "erf")
PARAMETERIZATIONS: tuple[str, ...] = ("ntk", "standard")

Activation = Literal["relu", "gelu", "sigmoid", "tanh", "erf"]
Parameterization = Literal["ntk", "standard"]

# 1/2 erf(x / SIGMOID_LIKE_SCALE) + 1/2 is neural-tangents' Sigmoid_like: the erf curve
# that best matches the logistic function (docs/replication.md).
SIGMOID_LIKE_SCALE = 2.4020563531719796


@dataclass(frozen=True)
class NetworkSpec:
    """Architecture and initialisation of one fully connected network.

    ``b_std=None`` means no bias parameters at all; ``b_std=0.0`` keeps trainable biases
    initialised at zero (in the ``ntk`` parameterization they then never enter the NTK,
    in ``standard`` they do).
    """

    width: int
    depth: int
    activation: Activation
    n0: int = 1
    parameterization: Parameterization = "ntk"
    W_std: float = 2.0**0.5
    W_std_readout: float = 1.0
    b_std: float | None = 0.0

    def __post_init__(self) -> None:
        check_positive_int("width", self.width)
        check_positive_int("depth", self.depth)
        check_positive_int("n0", self.n0)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation: {self.activation!r} is not supported; allowed: {', '.join(ACTIVATIONS)}")
        if self.parameterization not in PARAMETERIZATIONS:
            raise ValueError(
                f"parameterization: {self.parameterization!r} is not supported; allowed: {', '.join(PARAMETERIZATIONS)}"
            )
        for name in ("W_std", "W_std_readout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name}: must be a positive number, got {getattr(self, name)!r}")
        if self.b_std is not None and not self.b_std >= 0:
            raise ValueError(f"b_std: must be >= 0 or null (no biases), got {self.b_std!r}")

    @property
    def beta(self) -> float:
        """Finiteness parameter beta = sum over hidden layers of 1 / n_j = depth / width."""
        return self.depth / self.width

    @property
    def has_bias(self) -> bool:
        return self.b_std is not None

    def attributes(self) -> dict[str, object]:
        """The architecture as output attributes (one place for their names and order)."""
        return {
            "activation": self.activation,
            "width": self.width,
            "depth": self.depth,
            "beta": self.beta,
            "n0": self.n0,
            "parameterization": self.parameterization,
            "W_std": self.W_std,
            "W_std_readout": self.W_std_readout,
            "b_std": self.b_std,
        }


def check_positive_int(name: str, value: Any) -> None:
    """Raise one clear error naming ``name`` unless ``value`` is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")


def spec_from_settings(settings: Mapping[str, Any], activation: str, width: int, depth: int, n0: int) -> NetworkSpec:
    """The NetworkSpec of one (activation, width, depth) on inputs of dimension ``n0`` from a
    config's network settings: ``parameterization``, ``W_std``, ``W_std_readout`` and ``b_std``
    (seed 000's ``network`` section, or :func:`variance_settings` of seed 001's variances).

    The one place a config turns into a network, so that the Monte-Carlo setups, the training
    jobs and seed 001's cells cannot read the same settings differently. The values are passed
    on as they are (no float conversion): they reach the outputs' attributes."""
    return NetworkSpec(
        width=width,
        depth=depth,
        activation=activation,
        n0=n0,
        parameterization=settings["parameterization"],
        W_std=settings["W_std"],
        W_std_readout=settings["W_std_readout"],
        b_std=settings["b_std"],
    )


def variance_settings(
    parameterization: str, weight_variance: float, bias_variance: float, readout_weight_variance: float | None
) -> dict[str, Any]:
    """Network settings for :func:`spec_from_settings` from variances, as seed 001 states them:
    W_std = sqrt(sigma_w^2) in every hidden layer, W_std_readout = sqrt(readout variance), the
    readout taking sigma_w^2 too when its variance is None, and b_std = sqrt(sigma_b^2)."""
    readout = weight_variance if readout_weight_variance is None else readout_weight_variance
    return {
        "parameterization": parameterization,
        "W_std": math.sqrt(weight_variance),
        "W_std_readout": math.sqrt(readout),
        "b_std": math.sqrt(bias_variance),
    }
