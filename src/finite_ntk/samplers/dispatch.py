"""The Monte-Carlo samplers behind one dispatch table (as neural-tangents dispatches its
empirical-NTK implementations): a new sampler is one entry of ``SAMPLERS``.

Every sampler has the same contract: ``sample(setup, keys, plan, progress)`` returns the
arrays ``k_init``, ``k_step`` and ``delta_k`` of shape ``(replicates, len(operators))``,
one row per key, and ``plan(setups, replicates, quick_compile=True)`` chooses, for the setups of one
sampling job, what each runs on (the matrix-free sampler's compiled programs; nothing for
the dense one; ``quick_compile=False`` when the job runs each program many times). Samplers may differ draw by draw, never in law (tests/test_matrix_free.py).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence

import jax
import numpy as np

import finite_ntk.samplers.dense as dense
import finite_ntk.samplers.matrix_free as matrix_free
from finite_ntk.samplers.setup import MonteCarloSetup

Progress = Callable[[str], None]


class Sampler(NamedTuple):
    """One sampler: its draw and its per-job plan (one entry per setup, passed back to
    ``sample``; ``None`` where the sampler plans nothing)."""

    sample: Callable[[MonteCarloSetup, jax.Array, Any, Progress | None], dict[str, np.ndarray]]
    plan: Callable[..., list[Any]]  # (setups, replicates, quick_compile=True)


def _no_plan(setups: Sequence[MonteCarloSetup], replicates: int, quick_compile: bool = True) -> list[None]:
    return [None] * len(setups)


SAMPLERS: dict[str, Sampler] = {
    # Full weight matrices (neural-tangents stax), as the authors sampled.
    "dense": Sampler(
        sample=lambda setup, keys, plan, progress: dense.sample_dense(setup, keys, progress=progress),
        plan=_no_plan,
    ),
    # The exact lazy-Gaussian sampler: same law, no hidden weight matrix formed.
    "matrix_free": Sampler(
        sample=lambda setup, keys, plan, progress: matrix_free.sample_matrix_free(
            setup, keys, progress=progress, program=plan
        ),
        plan=matrix_free.program_plan,
    ),
}


def get_sampler(name: str) -> Sampler:
    """The sampler called ``name``; a clear error naming the allowed ones otherwise."""
    try:
        return SAMPLERS[name]
    except KeyError:
        raise ValueError(f"sampler: {name!r} is not supported; allowed: {', '.join(SAMPLERS)}") from None


def sample(
    setup: MonteCarloSetup,
    keys: jax.Array,
    sampler: str = "dense",
    progress: Progress | None = None,
    plan: Any = None,
) -> dict[str, np.ndarray]:
    """Samples of every replicate key with the sampler called ``sampler``. ``plan``: this
    setup's entry of the sampler's job plan (default: the setup planned on its own)."""
    implementation = get_sampler(sampler)
    if plan is None:
        plan = implementation.plan([setup], keys.shape[0])[0]
    return implementation.sample(setup, keys, plan, progress)
