# Source: https://github.com/BasisResearch/effectful/issues/267
# The program in the issue assigns every .at[] update; the variant below drops one.
import jax.numpy as jnp


def program():
    a = jnp.ones((5, 4, 3))
    a = a.at[1].set(0)  # trap: JL008
    b = jnp.array([0, 1])
    a = a.at[b].set(0)
    return a


def program_dropped():
    a = jnp.ones((5, 4, 3))
    a = a.at[1].set(0)
    b = jnp.array([0, 1])
    a.at[b].add(1)  # expect: JL008
    return a
