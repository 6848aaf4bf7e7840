# Source: https://github.com/google/flax/issues/587
# "In file flax/examples/wmt/train.py function create_model marks arg "model_kwargs" as a static arg but static args must be immutable and hashable"
import functools

import jax
import jax.numpy as jnp


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def create_model(key, input_shape, target_shape, model_kwargs):
    emb = jax.random.normal(key, (model_kwargs["vocab_size"], model_kwargs["emb_dim"]))
    return emb * jnp.ones(input_shape[-1:] + (1,)).sum() + jnp.ones(target_shape).sum()


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def create_model_fixed(key, input_shape, target_shape, model_kwargs):
    model_kwargs = dict(model_kwargs)
    emb = jax.random.normal(key, (model_kwargs["vocab_size"], model_kwargs["emb_dim"]))
    return emb * jnp.ones(input_shape[-1:] + (1,)).sum() + jnp.ones(target_shape).sum()


model_kwargs = {
    "vocab_size": 32000,
    "output_vocab_size": 32000,
    "emb_dim": 1024,
    "num_heads": 16,
    "num_layers": 6,
}
input_shape = (8, 256)
target_shape = (8, 256)
key, key_fixed = jax.random.split(jax.random.PRNGKey(0))
model = create_model(key, input_shape, target_shape, model_kwargs)  # expect: JL014
model = create_model_fixed(key_fixed, input_shape, target_shape, tuple(model_kwargs.items()))  # trap: JL014
