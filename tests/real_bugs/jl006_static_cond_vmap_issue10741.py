# Source: https://github.com/jax-ml/jax/issues/10741
# A flag unbatched by vmap (in_axes None) and static under jit is a Python bool: `if` works.
# Jitting the same vmapped function without static_argnames traces the flag.
import jax
import jax.numpy as jnp


def func(cond, data):
    if cond:  # trap: JL006
        return data
    else:
        return -data


func_vmap = jax.vmap(func, in_axes=[None, 0], out_axes=0)
func_vmap_jit = jax.jit(func_vmap, static_argnames=["cond"])


def func_traced(cond, data):
    if cond:  # expect: JL006
        return data
    else:
        return -data


func_traced_jit = jax.jit(jax.vmap(func_traced, in_axes=(None, 0)))


def run():
    return func_vmap_jit(True, jnp.ones(100)), func_traced_jit(True, jnp.ones(100))
