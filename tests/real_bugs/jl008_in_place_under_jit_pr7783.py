# Source: https://github.com/jax-ml/jax/pull/7783
# A reader took "applied in-place under jit" literally: the update is a bare statement.
import jax
import jax.numpy as jnp
from jax import jit


@jit
def f(a, idx, b):
    a.at[idx].set(b)  # expect: JL008


@jit
def f_fixed(a, idx, b):
    return a.at[idx].set(b)  # trap: JL008


def demo():
    a = jnp.ones((3, 3))
    idx = ((1, 1, 2, 2), (1, 2, 1, 2))
    return f_fixed(a, idx, -1), jax.device_get(a)
