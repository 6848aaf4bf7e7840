# Source: https://github.com/patrick-kidger/equinox/issues/498
# "That's probably not what you want. It means you'll get the exact same dropout mask every time."
import equinox as eqx
import jax
import jax.numpy as jnp


class Block(eqx.Module):
    linear: eqx.nn.Linear
    dropout: eqx.nn.Dropout
    key: jax.Array

    def __init__(self, key):
        lkey, self.key = jax.random.split(key)
        self.linear = eqx.nn.Linear(8, 8, key=lkey)
        self.dropout = eqx.nn.Dropout(0.1)

    def __call__(self, x):
        return self.dropout(self.linear(x), key=self.key)  # uncovered: key stored on a module


class BlockFixed(eqx.Module):
    linear: eqx.nn.Linear
    dropout: eqx.nn.Dropout

    def __init__(self, key):
        self.linear = eqx.nn.Linear(8, 8, key=key)
        self.dropout = eqx.nn.Dropout(0.1)

    def __call__(self, x, key):
        return self.dropout(self.linear(x), key=key)


@eqx.filter_jit
def step(model, x):
    return model(x)


@eqx.filter_jit
def step_fixed(model, x, key):
    return model(x, key)


model = Block(jax.random.PRNGKey(0))
model_fixed = BlockFixed(jax.random.PRNGKey(0))
key = jax.random.PRNGKey(1)
for _ in range(3):
    step(model, jnp.ones(8))
    key, sub = jax.random.split(key)
    step_fixed(model_fixed, jnp.ones(8), sub)
