# Source: https://github.com/google-research/long-range-arena/issues/7
# "I am trying to train the Transformer on the listops task using the command from the readme, but I get the following error: ValueError: Non-hashable static arguments are not supported"
import functools

import jax
import jax.numpy as jnp
from flax import nn


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def create_model(key, flax_module, input_shape, model_kwargs):
    module = flax_module.partial(**model_kwargs)
    with nn.stochastic(key):
        _, initial_params = module.init_by_shape(key, [(input_shape, jnp.float32)])
        model = nn.Model(module, initial_params)
    return model


def create_model_fixed(key, flax_module, input_shape, model_kwargs):
    @functools.partial(jax.jit, backend="cpu")
    def _create_model(key):
        module = flax_module.partial(**model_kwargs)
        with nn.stochastic(key):
            _, initial_params = module.init_by_shape(key, [(input_shape, jnp.float32)])
            model = nn.Model(module, initial_params)
        return model

    return _create_model(key)


class Classifier(nn.Module):
    def apply(self, inputs, vocab_size=14, emb_dim=64, num_classes=10):
        x = nn.Embed(inputs.astype(jnp.int32), num_embeddings=vocab_size, features=emb_dim)
        return nn.Dense(x.mean(axis=1), num_classes)


rng = jax.random.PRNGKey(0)
init_rng, fixed_rng = jax.random.split(rng)
input_shape = (32, 2000)
model_kwargs = {"vocab_size": 14, "emb_dim": 64, "num_classes": 10}
model = create_model(init_rng, Classifier, input_shape, model_kwargs)  # expect: JL014
model_fixed = create_model_fixed(fixed_rng, Classifier, input_shape, model_kwargs)  # trap: JL014
