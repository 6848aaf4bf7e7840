# Source: https://github.com/jax-ml/jax/issues/4309
# "I'm running into an error stating list indices must be integers or slices, not BatchTracer."
import jax
import jax.numpy as jnp


def get_feature(x, rows, cols):
    new_map = []
    for j in range(rows):
        for i in range(cols):
            new_map.append([j, i])

    def inner_loop(n):
        j, i = new_map[n]  # expect: JL006
        return x[j, i]

    return jax.vmap(inner_loop)(jnp.arange(len(new_map)))


def get_feature_fixed(x, rows, cols):
    new_map = jnp.array([[j, i] for j in range(rows) for i in range(cols)])

    def inner_loop(n):
        j, i = new_map[n]
        return x[j, i]

    return jax.vmap(inner_loop)(jnp.arange(new_map.shape[0]))
