# Source: https://github.com/jax-ml/jax/issues/3696
# "in_axes=None works exactly like jit's static_argnums": under vmap alone an unbatched
# argument keeps its Python value.
import jax
import jax.numpy as jnp
from jax.nn import one_hot


def encode(idx, num_classes):
    if num_classes > 10:  # trap: JL006
        raise ValueError("too many classes")
    return one_hot(idx, num_classes)


encode_batch = jax.vmap(encode, in_axes=(0, None))


def encode_mapped(idx, num_classes):
    # Mapping the class count too makes it a batched tracer.
    if num_classes > 10:  # expect: JL006
        raise ValueError("too many classes")
    return one_hot(idx, 10)


encode_both = jax.vmap(encode_mapped, in_axes=(0, 0))


def run():
    return encode_batch(jnp.array([0, 1, 2]), 3)
