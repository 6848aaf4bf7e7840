# Source: https://github.com/jax-ml/jax/issues/192
# The example that jax_debug_key_reuse catches.
import jax


def draw_pair():
    key = jax.random.key(0)
    vals1 = jax.random.uniform(key)
    vals2 = jax.random.uniform(key)  # expect: JL005
    return vals1, vals2


def draw_pair_fixed():
    key1, key2 = jax.random.split(jax.random.key(0))
    vals1 = jax.random.uniform(key1)
    vals2 = jax.random.uniform(key2)  # trap: JL005
    return vals1, vals2
