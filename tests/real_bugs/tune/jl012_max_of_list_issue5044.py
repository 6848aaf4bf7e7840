# Source: https://github.com/jax-ml/jax/issues/5044
# "TypeError: max requires ndarray or scalar arguments, got <class 'list'> at position 0."
import jax.numpy as jnp

jnp.max([1, 2])  # expect: JL012
jnp.max(jnp.array([1, 2]))  # trap: JL012
