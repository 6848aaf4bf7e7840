# Source: https://github.com/jax-ml/jax/issues/13769
# "If I apply `jnp.array` to the list, I get a runtime error: jax._src.errors.ConcretizationTypeError ... in jax.numpy.split argument 1"
import jax
import jax.numpy as jnp


def section_sizes():
    return [2, 5]


@jax.jit
def chunks(x):
    return jnp.split(x, jnp.array(section_sizes()))  # expect: JL011


@jax.jit
def chunks_fixed(x):
    return jnp.split(x, section_sizes())  # trap: JL011


chunks(jnp.arange(8.0))
chunks_fixed(jnp.arange(8.0))
