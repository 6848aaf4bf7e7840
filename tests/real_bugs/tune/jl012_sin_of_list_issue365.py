# Source: https://github.com/jax-ml/jax/issues/365
# "We've chosen to instead ban list arguments, and at least for the example in this bug we correctly report an error"
import jax.numpy as jnp

jnp.sin([0.2, 0.4])  # expect: JL012
jnp.sin(jnp.array([0.2, 0.4]))  # trap: JL012
