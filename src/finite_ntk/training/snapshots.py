"""Snapshot steps of a training run: the one check every training loop applies. Plain
Python (no JAX): the workflow reads it when it parses."""

from __future__ import annotations

from typing import Sequence

__all__ = ["check_snapshot_steps"]


def check_snapshot_steps(snapshot_steps: Sequence[int], steps: int, where: str) -> list[int]:
    """Sorted snapshot steps; they must contain 0 and ``steps`` and lie in [0, steps]."""
    chosen = sorted(set(int(s) for s in snapshot_steps))
    if not chosen or chosen[0] != 0 or chosen[-1] != steps or any(s < 0 or s > steps for s in chosen):
        raise ValueError(
            f"{where}: snapshot steps must lie in [0, {steps}] and include 0 and the last step {steps}; got {list(snapshot_steps)}"
        )
    return chosen
