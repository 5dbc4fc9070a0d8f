"""Running a vmapped sampler over replicate keys in fixed blocks (shared by every sampler)."""

from __future__ import annotations

import time
from typing import Callable

import jax
import numpy as np

from finite_ntk.samplers.setup import SAMPLE_VARIABLES

# A sampling job reports its progress at most this often (and when a configuration is done).
PROGRESS_SECONDS = 5.0


def run_in_batches(
    batch_fn: Callable[[jax.Array], dict[str, jax.Array]],
    keys: jax.Array,
    batch_size: int,
    progress: Callable[[str], None] | None = None,
    label: str = "",
) -> dict[str, np.ndarray]:
    """``batch_fn`` (a sampler vmapped over keys, returning SAMPLE_VARIABLES) on consecutive
    blocks of ``batch_size`` keys; arrays of shape (replicates, ...). ``progress`` gets a
    line at most every PROGRESS_SECONDS, and after the last block.

    With the 'rbg' generator (the dense sampler) a vmapped draw depends on the first key
    of its batch and on its position in the batch, so the blocks are always the same:
    replicate i is the same draw whatever the number of replicates. A vmapped draw does
    not depend on the batch's length (checked for both samplers: a block's first m
    replicates are the same numbers whether the block is run whole or cut to m), so a last
    partial block is padded with copies of its last key only up to the size actually run,
    which is ``batch_size`` or, when fewer keys are asked for, the key count: 100
    replicates never compute a block of 256, and one compiled program serves every block.
    """
    replicates = keys.shape[0]
    size = min(batch_size, replicates)
    batches = -(-replicates // batch_size)
    # Blocks are cut from a host copy of the key data: slicing a device array costs a
    # dispatch (60 us against 12 us, measured), paid once per block of often one replicate.
    impl = jax.random.key_impl(keys)
    key_data = np.asarray(jax.random.key_data(keys))
    chunks: list[dict[str, np.ndarray]] = []
    start = reported = time.perf_counter()
    for b in range(batches):
        block = key_data[b * batch_size : (b + 1) * batch_size]
        if block.shape[0] < size:
            block = np.concatenate([block, np.repeat(block[-1:], size - block.shape[0], axis=0)])
        out = batch_fn(jax.random.wrap_key_data(block, impl=impl))
        chunks.append({k: np.asarray(v) for k, v in out.items()})
        now = time.perf_counter()
        if progress is not None and (now - reported >= PROGRESS_SECONDS or b == batches - 1):
            reported = now
            done = min((b + 1) * batch_size, replicates)
            progress(f"replicates {done}/{replicates} ({now - start:.1f} s{label})")
    return {k: np.concatenate([c[k] for c in chunks])[:replicates] for k in SAMPLE_VARIABLES}
