# Source: https://github.com/Physical-Intelligence/openpi/pull/550
# A sampling temperature passed to the jitted sampler is traced; the loop step branches on it.
import jax
import jax.numpy as jnp


@jax.jit
def sample_actions(rng, logits, temperature):
    def step(carry):
        rng, tokens, i = carry
        rng, key = jax.random.split(rng)
        if temperature > 0.0:  # expect: JL006
            token = jax.random.categorical(key, logits[i] / temperature)
        else:
            token = jnp.argmax(logits[i])
        return rng, tokens.at[i].set(token), i + 1

    init = (rng, jnp.zeros(logits.shape[0], dtype=jnp.int32), 0)
    return jax.lax.while_loop(lambda c: c[2] < logits.shape[0], step, init)[1]


@jax.jit
def sample_actions_fixed(rng, logits, temperature):
    def step(carry):
        rng, tokens, i = carry
        rng, key = jax.random.split(rng)
        sampled = jax.random.categorical(key, logits[i] / jnp.maximum(temperature, 1e-6))
        token = jnp.where(temperature > 0.0, sampled, jnp.argmax(logits[i]))  # trap: JL006
        return rng, tokens.at[i].set(token), i + 1

    init = (rng, jnp.zeros(logits.shape[0], dtype=jnp.int32), 0)
    return jax.lax.while_loop(lambda c: c[2] < logits.shape[0], step, init)[1]
