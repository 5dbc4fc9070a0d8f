"""Threefry-2x32 random numbers written as plain array code: bit for bit the numbers of
``jax.random`` with its ``threefry2x32`` implementation, about three times faster on CPU.

Why: on CPU, jax 0.5.3 lowers its threefry hash as a rolled loop and its 'rbg' generator
as an out-of-line Philox computation; neither fuses with the code around it, and drawing
the fresh Gaussian rows was about half of the matrix-free sampler's time. The same hash
written as unrolled uint32 arithmetic fuses into one elementwise loop (measured on the
2-core machine, one core: 5 ns per float32 normal against 17 ns for ``jax.random.normal``
with either implementation).

Keys here are raw key data, ``uint32[2]`` (``jax.random.key_data`` of a threefry key);
:func:`key_data` also takes the 'rbg' keys of :mod:`finite_ntk.seeding`, whose data is a
threefry key repeated twice (``seed`` and ``fold_in`` act on each half alike), so that
``key_data(rbg_key)`` is exactly the threefry key with the same seed and fold-ins.

Checked against ``jax.random`` bit for bit (``fold_in``, ``bits``, ``normal`` in float32
and float64) in ``tests/test_threefry.py``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# Threefry-2x32, 20 rounds (Salmon et al. 2011), the constants of jax._src.prng.
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def _rotate_left(x: jax.Array, distance: int) -> jax.Array:
    return (x << np.uint32(distance)) | (x >> np.uint32(32 - distance))


@jax.jit
def hash_2x32(key: jax.Array, x0: jax.Array, x1: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Threefry-2x32 of the counter pairs ``(x0, x1)`` (uint32 arrays of one shape) under
    ``key`` (uint32[2]); the unrolled form of ``jax._src.prng._threefry2x32_lowering``."""
    k0, k1 = key[0], key[1]
    schedule = (k0, k1, k0 ^ k1 ^ _PARITY)
    x0 = x0 + schedule[0]
    x1 = x1 + schedule[1]
    for block in range(5):
        for distance in _ROTATIONS[block % 2]:
            x0 = x0 + x1
            x1 = _rotate_left(x1, distance)
            x1 = x0 ^ x1
        x0 = x0 + schedule[(block + 1) % 3]
        x1 = x1 + schedule[(block + 2) % 3] + np.uint32(block + 1)
    return x0, x1


def fold_in(key: jax.Array, data: int | jax.Array) -> jax.Array:
    """``jax.random.fold_in`` for threefry key data: the hash of the counter (0, data)."""
    data = jnp.asarray(data, jnp.uint32)
    y0, y1 = hash_2x32(key, jnp.zeros((), jnp.uint32), data)
    return jnp.stack([y0, y1])


def bits(key: jax.Array, shape: tuple[int, ...], width: int = 32) -> jax.Array:
    """``jax.random.bits(key, shape)`` for a threefry key (the partitionable counter layout,
    jax's default): the hash of the 64-bit element index, split into two uint32 words."""
    size = int(np.prod(shape, dtype=np.int64))
    if size >= 2**32:
        raise ValueError(f"shape: {shape} has {size} elements; at most 2**32 - 1 are supported")
    low = lax.iota(jnp.uint32, size).reshape(shape) if size else jnp.zeros(shape, jnp.uint32)
    y0, y1 = hash_2x32(key, jnp.zeros_like(low), low)
    if width == 32:
        return y0 ^ y1
    if width == 64:
        return (y0.astype(jnp.uint64) << np.uint64(32)) | y1.astype(jnp.uint64)
    raise ValueError(f"width: {width} is not supported; allowed: 32, 64")


def normal(key: jax.Array, shape: tuple[int, ...], dtype: jnp.dtype | type = jnp.float32) -> jax.Array:
    """``jax.random.normal(key, shape, dtype)`` for a threefry key: a uniform number in
    (-1, 1) from the mantissa bits, then sqrt(2) erfinv, exactly as jax.random does it."""
    dtype = jnp.dtype(dtype)
    finfo = jnp.finfo(dtype)
    if finfo.bits not in (32, 64):
        raise ValueError(f"dtype: {dtype} is not supported; allowed: float32, float64")
    unsigned = jnp.uint32 if finfo.bits == 32 else jnp.uint64
    raw = bits(key, shape, finfo.bits)
    one = np.array(1.0, dtype).view(unsigned)
    mantissa = (raw >> np.array(finfo.bits - finfo.nmant, unsigned)) | one
    floats = lax.bitcast_convert_type(mantissa, dtype) - np.array(1.0, dtype)
    low = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype))
    high = np.array(1.0, dtype)
    uniform = lax.max(low, floats * (high - low) + low)
    return np.array(np.sqrt(2), dtype) * lax.erf_inv(uniform)


def key_data(key: jax.Array) -> jax.Array:
    """Threefry key data (uint32[..., 2]) of a typed 'threefry2x32' or 'rbg' key array:
    an rbg key holds the threefry key of the same seed and fold-ins twice."""
    impl = str(jax.random.key_impl(key))
    data = jax.random.key_data(key)
    if "threefry" in impl:
        return data
    if "rbg" in impl and "unsafe" not in impl:
        return data[..., :2]
    raise ValueError(f"key: a {impl} key is not supported; allowed: threefry2x32, rbg")
