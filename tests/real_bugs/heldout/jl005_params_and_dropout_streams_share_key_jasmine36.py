# Source: https://github.com/p-doom/jasmine/pull/36
# "We now also pass the `'params'` PRNG key to `module.apply` via `state.apply_fn`. Thus, `dropout` and `params` don't use the same key any more (which was unwanted behaviour)."
import flax.linen as nn
import jax
import jax.numpy as jnp


class MaskedDynamics(nn.Module):
    @nn.compact
    def __call__(self, x, training=True):
        mask_rng = self.make_rng("params")
        mask = jax.random.bernoulli(mask_rng, 0.5, x.shape)
        x = jnp.where(mask, 0.0, x)
        x = nn.Dense(8)(x)
        return nn.Dropout(0.1, deterministic=not training)(x)


model = MaskedDynamics()
variables = model.init(jax.random.PRNGKey(0), jnp.ones((2, 8)))


def train_step(variables, x, rng):
    rng, _rng = jax.random.split(rng)
    out = model.apply(variables, x, rngs={"params": _rng, "dropout": _rng})  # expect: JL005
    return out, rng


# The fix: separate keys for the two streams.
def train_step_fixed(variables, x, rng):
    rng, _rng_params, _rng_dropout = jax.random.split(rng, 3)
    out = model.apply(variables, x, rngs={"params": _rng_params, "dropout": _rng_dropout})  # trap: JL005
    return out, rng


out, rng = train_step(variables, jnp.ones((2, 8)), jax.random.PRNGKey(1))
out, rng = train_step_fixed(variables, jnp.ones((2, 8)), rng)
