# Source: https://github.com/jax-ml/jax/issues/3103
# "Does lax cond short circuit?": both branches are traced, so a print in the expensive branch
# appears even when the cheap branch is taken.
import jax
import jax.numpy as jnp
from jax import lax


def expensive(x):
    print("running the expensive branch")  # expect: JL004
    return jnp.sin(x) ** 10


def cheap(x):
    return x


@jax.jit
def f(flag, x):
    return lax.cond(flag, expensive, cheap, x)


@jax.jit
def f_fixed(x):
    return lax.cond(x > 0, lambda x: jnp.sin(x), lambda x: jnp.cos(x), x)  # trap: JL004
