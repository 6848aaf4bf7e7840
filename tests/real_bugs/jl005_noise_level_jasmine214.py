# Source: https://github.com/p-doom/jasmine/pull/214
# Review comment "Do not reuse rng keys": one subkey feeds both the noise level and the noise.
import jax


def add_noise(rng, video, max_noise_level):
    batch = video.shape[0]
    rng, _rng_noise = jax.random.split(rng)
    noise_level = jax.random.uniform(_rng_noise, shape=(batch,), minval=0.0, maxval=max_noise_level)
    noise = jax.random.normal(_rng_noise, shape=video.shape)  # expect: JL005
    return video + noise_level[:, None, None, None] * noise, rng


def add_noise_fixed(rng, video, max_noise_level):
    batch = video.shape[0]
    rng, level_key, noise_key = jax.random.split(rng, 3)
    noise_level = jax.random.uniform(level_key, shape=(batch,), minval=0.0, maxval=max_noise_level)
    noise = jax.random.normal(noise_key, shape=video.shape)  # trap: JL005
    return video + noise_level[:, None, None, None] * noise, rng
