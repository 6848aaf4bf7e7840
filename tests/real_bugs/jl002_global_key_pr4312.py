# Source: https://github.com/jax-ml/jax/pull/4312
# A global PRNG key advanced inside a jitted init: repeated randomness and an escaped tracer.
from jax import jit, random

key = random.PRNGKey(0)


def init():
    global key
    key, subkey = random.split(key)  # expect: JL002
    return random.normal(subkey, ())


init_jit = jit(init)


@jit
def init_fixed(key):
    key, subkey = random.split(key)  # trap: JL002
    return key, random.normal(subkey, ())
