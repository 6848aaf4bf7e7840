# Source: https://github.com/patrick-kidger/diffrax/issues/379
# "this is probably because I'm passing in max steps as an argument and it's tripping up the tracer"
import jax
import jax.numpy as jnp


def checkpointed_loop(body, init, max_steps):
    if max_steps == 1:  # expect: JL006
        return body(init)
    return jax.lax.fori_loop(0, max_steps, lambda i, y: body(y), init)


@jax.jit
def count_flops(y0, max_steps):
    return checkpointed_loop(lambda y: y * 0.5, y0, max_steps)


def count_flops_fixed(y0):
    # The user stopped passing max_steps through the traced arguments.
    return jax.jit(lambda y: checkpointed_loop(lambda v: v * 0.5, y, 16))(y0)  # trap: JL006


count_flops(jnp.ones(3), 4)
