# Source: https://github.com/jax-ml/jax/issues/15727
# "I got TypeError: Cannot interpret value of type <class 'type'> as an abstract array; it does not have a dtype attribute"
from functools import partial

import jax
import jax.numpy as jnp


class A:
    def __init__(self):
        pass

    @classmethod
    @jax.jit  # expect: JL013
    def zeros(shape):
        return jnp.zeros(shape)


class AFixed:
    @classmethod
    @partial(jax.jit, static_argnums=(0, 1))  # trap: JL013
    def zeros(cls, shape):
        return jnp.zeros(shape)


print(A.zeros((2, 3)))
print(AFixed.zeros((2, 3)))
