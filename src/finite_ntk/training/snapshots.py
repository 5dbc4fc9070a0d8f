"""Snapshot steps of a training run: the one check every training loop and config check
applies. Plain Python (no JAX, no numpy): the workflow reads it when it parses."""

from __future__ import annotations

import numbers
from typing import Any, Sequence

__all__ = ["check_snapshot_steps"]


def _is_integer(value: Any) -> bool:
    """An integer, Python's or numpy's, but not a boolean."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_snapshot_steps(
    snapshot_steps: Sequence[int], steps: int, where: str, required: Sequence[int] = ()
) -> list[int]:
    """The snapshot steps of a run of ``steps`` steps, sorted: they must be distinct integers
    in [0, ``steps``] that include every step of ``required``.

    One contract for every run: step t is the state after t updates, so 0 (the
    initialisation) and ``steps`` (the end) are the bounds. A loop that stores its kernels
    only at its snapshots needs them at the ends too (seed 000's Adam runs pass
    ``required=(0, steps)``); seed 001's gradient descent records Theta_0 and the end
    itself and requires nothing. A ValueError starting with ``where`` names what is wrong.
    """
    given = list(snapshot_steps)
    if not all(_is_integer(s) for s in given):
        raise ValueError(f"{where}: snapshot steps must be integers, got {given!r}")
    if len(set(given)) != len(given) or any(s < 0 or s > steps for s in given):
        raise ValueError(f"{where}: snapshot steps must be distinct integers in [0, {steps}], got {given!r}")
    missing = [s for s in required if s not in given]
    if missing:
        needed = " and ".join(str(s) for s in required)
        raise ValueError(f"{where}: snapshot steps must include step {needed}, got {given!r}")
    return sorted(int(s) for s in given)
