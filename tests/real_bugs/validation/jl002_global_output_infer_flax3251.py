# Source: https://github.com/google/flax/issues/3251
# "I was a bit skeptical and tried another snippet where the output wont be returned by the infer fn but stored in a global variable"
import time

import jax
import jax.numpy as jnp

output = None


def apply(params, x):
    return jnp.tanh(x * params)


@jax.jit
def infer(params, x):
    global output
    output = apply(params, x)  # expect: JL002


@jax.jit
def infer_fixed(params, x):
    return apply(params, x)  # trap: JL002


def benchmark(params, input_shape=(1, 512, 512, 3)):
    s = time.time()
    for _ in range(1000):
        out = infer_fixed(params, jnp.ones(input_shape))
    e = time.time()  # expect: JL019
    return 1000 / (e - s), out


def benchmark_fixed(params, input_shape=(1, 512, 512, 3)):
    s = time.time()
    for _ in range(1000):
        out = infer_fixed(params, jnp.ones(input_shape))
    out.block_until_ready()
    e = time.time()
    return 1000 / (e - s), out
