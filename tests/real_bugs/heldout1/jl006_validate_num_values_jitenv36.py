# Source: https://github.com/joeryjoery/jit_env/issues/36
# "specs.DiscreteArray uses non-jit compatible construction"
import jax
import jax.numpy as jnp


class DiscreteArray:
    def __init__(self, num_values, dtype=jnp.int32):
        num_values = jnp.asarray(num_values, dtype)
        if not (num_values > 0).all():  # expect: JL006
            raise ValueError(f"`num_values` may only contain positive integers, got {num_values}.")
        self.num_values = num_values


class DiscreteArrayFixed:
    def __init__(self, num_values, dtype=jnp.int32):
        self.num_values = jnp.asarray(num_values, dtype)  # trap: JL006


@jax.jit
def make_spec(n):
    return DiscreteArray(n).num_values


@jax.jit
def make_spec_fixed(n):
    return DiscreteArrayFixed(n).num_values


make_spec(jnp.array([3, 4]))
make_spec_fixed(jnp.array([3, 4]))
