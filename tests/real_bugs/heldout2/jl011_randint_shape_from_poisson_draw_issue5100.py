# Source: https://github.com/jax-ml/jax/issues/5100
# "How can I treat an array's shape as a random variable when JIT compiling a function in Jax?"
import jax
import jax.numpy as jnp

MAX_ROWS = 16


@jax.jit
def f(data, rng_key):
    n, m = data.shape
    shape_key, sub_key = jax.random.split(rng_key)
    rand_shape = jax.random.poisson(shape_key, 1, (2,))
    sub_indices = jax.random.randint(sub_key, (rand_shape.sum(), 3), 0, n)  # expect: JL011
    subsamples = data[sub_indices, :]
    return subsamples


# The fix: draw a fixed maximum number of rows and mask the ones beyond the random count.
@jax.jit
def f_fixed(data, rng_key):
    n, m = data.shape
    shape_key, sub_key = jax.random.split(rng_key)
    rand_shape = jax.random.poisson(shape_key, 1, (2,))
    sub_indices = jax.random.randint(sub_key, (MAX_ROWS, 3), 0, n)  # trap: JL011
    valid = jnp.arange(MAX_ROWS) < rand_shape.sum()
    return data[sub_indices, :], valid


rng_key = jax.random.PRNGKey(0)
key_a, key_b = jax.random.split(rng_key)
f(jax.numpy.arange(10 * 5).reshape((10, 5)), key_a)
f_fixed(jax.numpy.arange(10 * 5).reshape((10, 5)), key_b)
