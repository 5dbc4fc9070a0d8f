"""finite_ntk.samplers.threefry against jax.random: the same numbers, bit for bit."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.experimental import enable_x64

import finite_ntk.samplers.threefry as threefry
import finite_ntk.seeding as seeding

SEEDS_AND_DATA = [(0, 0), (20250613, 7), (2**32 - 1, 2**32 - 1)]
SHAPES = [(), (5,), (3, 7), (2, 4, 2048)]


def threefry_key(seed: int) -> jax.Array:
    return jax.random.key(seed, impl="threefry2x32")


@pytest.mark.parametrize("seed,data", SEEDS_AND_DATA)
def test_fold_in_and_key_data_match_jax_random(seed: int, data: int) -> None:
    key = threefry_key(seed)
    expected = jax.random.key_data(jax.random.fold_in(key, data))
    np.testing.assert_array_equal(threefry.fold_in(jax.random.key_data(key), data), expected)
    np.testing.assert_array_equal(jax.jit(threefry.fold_in)(jax.random.key_data(key), np.uint32(data)), expected)
    # An rbg key holds the threefry key of the same seed and fold-ins (seeding's keys).
    rbg = jax.random.fold_in(jax.random.key(seed, impl=seeding.PRNG_IMPL), data)
    np.testing.assert_array_equal(threefry.key_data(rbg), expected)
    np.testing.assert_array_equal(threefry.key_data(jax.random.fold_in(key, data)), expected)


def test_key_data_of_replicate_keys_under_vmap() -> None:
    keys = seeding.replicate_keys(seeding.monte_carlo_key(1, "fnn", "gelu", 16, 4), 5)
    data = jax.vmap(threefry.key_data)(keys)
    assert data.shape == (5, 2) and data.dtype == jnp.uint32
    job = threefry_key(1)
    job = jax.random.fold_in(
        job,
        seeding.identity_hash(
            seeding.identity_string("monte_carlo", model="fnn", activation="gelu", width=16, depth=4)
        ),
    )
    for i in range(5):
        np.testing.assert_array_equal(data[i], jax.random.key_data(jax.random.fold_in(job, i)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 12345])
def test_bits_and_normals_match_jax_random_float32(seed: int, shape: tuple[int, ...]) -> None:
    key = threefry_key(seed)
    data = jax.random.key_data(key)
    np.testing.assert_array_equal(threefry.bits(data, shape), jax.random.bits(key, shape))
    ours = jax.jit(threefry.normal, static_argnums=(1, 2))(data, shape, jnp.float32)
    theirs = jax.jit(lambda k: jax.random.normal(k, shape, jnp.float32))(key)
    assert ours.dtype == jnp.float32 and ours.shape == shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("shape", [(5,), (3, 700)])
def test_bits_and_normals_match_jax_random_float64(shape: tuple[int, ...]) -> None:
    with enable_x64():
        key = threefry_key(99)
        data = jax.random.key_data(key)
        np.testing.assert_array_equal(threefry.bits(data, shape, 64), jax.random.bits(key, shape, jnp.uint64))
        ours = threefry.normal(data, shape, jnp.float64)
        assert ours.dtype == jnp.float64
        np.testing.assert_array_equal(ours, jax.random.normal(key, shape, jnp.float64))


def test_normals_look_standard() -> None:
    """Not a proof of quality (threefry's is established): mean, variance and tails of
    a million draws, so that a broken transform cannot pass."""
    z = np.asarray(threefry.normal(jax.random.key_data(threefry_key(5)), (1_000_000,)), np.float64)
    assert abs(z.mean()) < 5 / 1000
    assert abs(z.var() - 1) < 5 * np.sqrt(2) / 1000
    assert abs(np.mean(np.abs(z) > 3) - 0.0026998) < 5 * np.sqrt(0.0027 / 1e6)


def test_bad_input_raises() -> None:
    data = jax.random.key_data(threefry_key(0))
    with pytest.raises(ValueError, match="dtype"):
        threefry.normal(data, (3,), jnp.float16)
    with pytest.raises(ValueError, match="width"):
        threefry.bits(data, (3,), 16)
    with pytest.raises(ValueError, match="key"):
        threefry.key_data(jax.random.key(0, impl="unsafe_rbg"))
