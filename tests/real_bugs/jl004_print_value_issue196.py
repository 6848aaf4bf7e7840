# Source: https://github.com/jax-ml/jax/issues/196
# "How to print values inside a @jit-compiled function?": print shows a tracer, once.
import jax
import jax.numpy as jnp


@jax.jit
def step(x):
    y = jnp.tanh(x) * 2
    print(y)  # expect: JL004
    return y


@jax.jit
def step_fixed(x):
    y = jnp.tanh(x) * 2
    jax.debug.print("y = {y}", y=y)  # trap: JL004
    return y
