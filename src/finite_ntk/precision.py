"""Floating-point precision switch.

float64 must be enabled before neural-tangents is imported (it fixes dtypes at import),
so rule scripts call :func:`set_precision` first thing.
"""

from __future__ import annotations

from typing import Literal

Precision = Literal["float32", "float64"]
PRECISIONS: tuple[str, ...] = ("float32", "float64")


def set_precision(precision: str) -> None:
    """Configure JAX for ``precision`` ('float32' or 'float64')."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision: {precision!r} is not supported; allowed: {', '.join(PRECISIONS)}")
    import jax

    jax.config.update("jax_enable_x64", precision == "float64")


def active_precision() -> str:
    """The precision JAX computes in right now."""
    import jax

    return "float64" if jax.config.read("jax_enable_x64") else "float32"
