# Source: https://github.com/ayaka14732/llama-2-jax/issues/14
# TracerIntegerConversionError inside a while_loop body of top-p generation.
import jax
import jax.numpy as jnp
from jax.lax import while_loop


def loop_body(state):
    seq, pos, finished = state
    next_token = jnp.argmax(seq[:, int(pos) - 1], axis=-1)  # expect: JL006
    seq = seq.at[:, pos].set(next_token)
    return seq, pos + 1, finished | (next_token == 2)


def generate(seq, start):
    state = (seq, start, jnp.zeros(seq.shape[0], dtype=bool))
    return while_loop(lambda s: ~jnp.all(s[2]), loop_body, state)


def loop_body_fixed(state):
    seq, pos, finished = state
    prev = jax.lax.dynamic_index_in_dim(seq, pos - 1, axis=1, keepdims=False)  # trap: JL006
    next_token = jnp.argmax(prev, axis=-1)
    seq = seq.at[:, pos].set(next_token)
    return seq, pos + 1, finished | (next_token == 2)


def generate_fixed(seq, start):
    state = (seq, start, jnp.zeros(seq.shape[0], dtype=bool))
    return while_loop(lambda s: ~jnp.all(s[2]), loop_body_fixed, state)
