"""The one rule that turns the root seed into every job's PRNG keys.

    job key       = fold_in(key(root_seed), identity_hash(job identity))
    replicate key = fold_in(job key, replicate index)

The job identity is the text ``"<experiment>/model=<m>/activation=<a>/width=<n>/depth=<d>"``
and ``identity_hash`` is the first four bytes of its SHA-256 as an unsigned integer, so a
job's samples depend only on the root seed and on what the job is: adding, removing or
reordering configurations never changes the samples of another, and replicate ``i`` is the
same whatever the number of replicates (see the note on batches below).

Keys use JAX's 'rbg' generator: on these CPUs ``jax.random`` draws normals with it about
5x faster than with threefry, and drawing full weight matrices is what the dense sampler
spends its time on. An rbg key holds the threefry key of the same seed and fold-ins twice,
and the matrix-free sampler draws with that threefry key (``finite_ntk.samplers.threefry``, which
computes jax.random's threefry numbers as fused array code, faster still).

One consequence for the dense sampler, by JAX's batching rule for 'rbg': under ``vmap`` a
whole batch of replicates is drawn from the key of the batch's first replicate, so
replicate i is fixed by that key and by i's position in its batch. The dense sampler
chooses batch sizes from the network's size only (never from the replicate count), so
replicate i is still the same whatever the number of replicates, and the law is exact;
but changing its batch size constants changes the draws. The matrix-free sampler's draws
depend on each replicate's own key only.

NumPy generators (bootstraps, seed 002's data draws) follow the same rule with numpy's own
seeding: ``numpy_generator(root_seed, identity)`` is ``default_rng([root_seed,
identity_hash(identity)])``, so they too depend only on the root seed and on what is drawn.
"""

from __future__ import annotations

import hashlib
import numbers
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # JAX is imported where a key is made, so numpy-only users stay light
    import jax

PRNG_IMPL = "rbg"


def identity_string(experiment: str, **fields: object) -> str:
    """Canonical identity text of a job, fields in the given order."""
    return "/".join([experiment] + [f"{name}={value}" for name, value in fields.items()])


def identity_hash(identity: str) -> int:
    """Stable 32-bit hash of a job identity (SHA-256, first four bytes, big endian)."""
    return int.from_bytes(hashlib.sha256(identity.encode("utf-8")).digest()[:4], "big")


def root_key(root_seed: int) -> jax.Array:
    if isinstance(root_seed, bool) or not isinstance(root_seed, int) or not 0 <= root_seed < 2**32:
        raise ValueError(f"root_seed: must be an integer in [0, 2**32), got {root_seed!r}")
    import jax

    return jax.random.key(root_seed, impl=PRNG_IMPL)


def job_key(root_seed: int, experiment: str, **fields: object) -> jax.Array:
    """Key of one job, e.g. ``job_key(seed, 'monte_carlo', model='fnn', activation='relu',
    width=16, depth=4)``."""
    import jax

    return jax.random.fold_in(root_key(root_seed), identity_hash(identity_string(experiment, **fields)))


def replicate_keys(key: jax.Array, replicates: int) -> jax.Array:
    """Keys of replicates ``0 .. replicates-1`` of a job: ``fold_in(key, i)``."""
    import jax
    import jax.numpy as jnp

    return jax.vmap(lambda i: jax.random.fold_in(key, i))(jnp.arange(replicates, dtype=jnp.uint32))


def monte_carlo_key(root_seed: int, model: str, activation: str, width: int, depth: int) -> jax.Array:
    return job_key(root_seed, "monte_carlo", model=model, activation=activation, width=width, depth=depth)


def numpy_generator(root_seed: int, identity: str) -> np.random.Generator:
    """The numpy generator of one draw: ``default_rng([root_seed, identity_hash(identity)])``.

    The numpy side of the rule above, for statistics and data drawn in numpy: the stream
    depends only on the root seed and on the draw's identity text, so adding or reordering
    draws never changes another's numbers. ``root_seed``: an integer in [0, 2**32), as for
    :func:`root_key` (numpy integers too: attributes read back from netCDF are numpy's)."""
    integer = isinstance(root_seed, numbers.Integral) and not isinstance(root_seed, (bool, np.bool_))
    if not integer or not 0 <= root_seed < 2**32:
        raise ValueError(f"root_seed: must be an integer in [0, 2**32), got {root_seed!r}")
    return np.random.default_rng([int(root_seed), identity_hash(identity)])
