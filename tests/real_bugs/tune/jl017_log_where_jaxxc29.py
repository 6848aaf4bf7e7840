# Source: https://github.com/sail-sg/jax_xc/pull/29
# "jnp.where could produce a nan gradient even when the forward computation is correct. And lax.cond has no such issue."
import jax
import jax.numpy as jnp
from jax import lax


def my_log_where(x):
    return jnp.where(x > 0.0, jnp.log(x), 0.0)  # expect: JL017


def my_log_cond(x):
    return lax.cond(x > 0.0, lambda _: jnp.log(x), lambda _: 0.0, None)  # trap: JL017


jax.grad(my_log_where)(0.0)
jax.grad(my_log_cond)(0.0)
