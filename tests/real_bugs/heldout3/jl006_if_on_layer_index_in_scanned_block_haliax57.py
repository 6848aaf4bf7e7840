# Source: https://github.com/marin-community/haliax/issues/57
# "if jnp.equal(layer_idx.array, 4):"
import jax
import jax.numpy as jnp


def block(x, layer_idx):
    x = x + jnp.tanh(x)
    if jnp.equal(layer_idx, 4):  # expect: JL006
        x = x + 0.01 * jnp.sin(x * 1e2)
    return x, None


def block_fixed(x, layer_idx):
    x = x + jnp.tanh(x)
    x = jnp.where(jnp.equal(layer_idx, 4), x + 0.01 * jnp.sin(x * 1e2), x)  # trap: JL006
    return x, None


x0 = jnp.ones(8)
jax.lax.scan(block, x0, jnp.arange(12))
jax.lax.scan(block_fixed, x0, jnp.arange(12))
