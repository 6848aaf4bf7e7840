# Source: https://github.com/jax-ml/jax/pull/3656
# "Abstract tracer value encountered where concrete value is expected (in jax.nn.one_hot argument `num_classes`)."
from functools import partial

import jax
from jax.nn import one_hot


def encode(labels, num_classes):
    return jax.jit(one_hot)(labels, num_classes)  # expect: JL011


def encode_fixed(labels, num_classes):
    return jax.jit(partial(one_hot, num_classes=num_classes))(labels)


encode(3, 5)
