# Source: https://apxml.com/courses/getting-started-with-jax/chapter-2-accelerating-functions-jit/jit-control-flow
import jax
import jax.numpy as jnp


def conditional_func_py(x):
    if x > 0:  # expect: JL006
        return x * 2
    else:
        return x / 2


jitted_conditional_py = jax.jit(conditional_func_py)


def conditional_func_cond(x):
    return jax.lax.cond(x > 0, lambda v: v * 2, lambda v: v / 2, x)  # trap: JL006


jitted_conditional_cond = jax.jit(conditional_func_cond)
