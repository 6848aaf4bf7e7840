# Source: https://github.com/marin-community/haliax/issues/28
# "This one was solved by using jax.ensure_compile_time_eval(), but sometimes the answer is to not use a static field."
import equinox as eqx
import jax
import jax.numpy as jnp


class RotaryEmbedding(eqx.Module):
    inv_freq: jax.Array = eqx.field(static=True)
    scale: jax.Array

    def __init__(self, dim, *, key):
        self.inv_freq = 1.0 / (10000 ** (jnp.arange(0, dim, 2) / dim))  # uncovered: array computed while filter_eval_shape traces, stored in a static field (leaked tracer)
        self.scale = jax.random.normal(key, (dim,))


model_shape = eqx.filter_eval_shape(RotaryEmbedding, 128, key=jax.random.PRNGKey(0))


# The fix: compute the constant eagerly even while being traced.
class RotaryEmbeddingFixed(eqx.Module):
    inv_freq: jax.Array = eqx.field(static=True)
    scale: jax.Array

    def __init__(self, dim, *, key):
        with jax.ensure_compile_time_eval():
            self.inv_freq = 1.0 / (10000 ** (jnp.arange(0, dim, 2) / dim))
        self.scale = jax.random.normal(key, (dim,))


model_shape_fixed = eqx.filter_eval_shape(RotaryEmbeddingFixed, 128, key=jax.random.PRNGKey(0))
