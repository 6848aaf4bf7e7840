# Source: https://github.com/blackjax-devs/blackjax/issues/400
# "It was this line ` v_sigma = v_sigma_prior.sample(seed=keys[7])`. I used `keys[6]` repeating it for `u_sigma`."
import jax
import jax.numpy as jnp
import tensorflow_probability.substrates.jax as tfp

tfd = tfp.distributions

u_sigma_prior = tfd.HalfNormal(1.0)
v_sigma_prior = tfd.HalfNormal(1.0)


def initial_position(rng_key):
    keys = jax.random.split(rng_key, 8)
    u_sigma = u_sigma_prior.sample(seed=keys[6])
    v_sigma = v_sigma_prior.sample(seed=keys[6])  # expect: JL005
    return {"u_sigma": jnp.log(u_sigma), "v_sigma": jnp.log(v_sigma)}


def initial_position_fixed(rng_key):
    keys = jax.random.split(rng_key, 8)
    u_sigma = u_sigma_prior.sample(seed=keys[6])
    v_sigma = v_sigma_prior.sample(seed=keys[7])  # trap: JL005
    return {"u_sigma": jnp.log(u_sigma), "v_sigma": jnp.log(v_sigma)}


key_a, key_b = jax.random.split(jax.random.PRNGKey(0))
initial_position(key_a)
initial_position_fixed(key_b)
