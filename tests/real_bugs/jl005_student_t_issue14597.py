# Source: https://github.com/jax-ml/jax/issues/14597
# Student's t sampler: the normal key is also given to the gamma draw.
import jax
import jax.numpy as jnp


def student_t(key, df, shape):
    key_n, key_g = jax.random.split(key)
    n = jax.random.normal(key_n, shape)
    half_df = df / 2.0
    g = jax.random.gamma(key_n, half_df, shape)  # expect: JL005
    return n * jnp.sqrt(half_df / g)


def student_t_fixed(key, df, shape):
    key_n, key_g = jax.random.split(key)
    n = jax.random.normal(key_n, shape)
    half_df = df / 2.0
    g = jax.random.gamma(key_g, half_df, shape)  # trap: JL005
    return n * jnp.sqrt(half_df / g)
