# Source: https://github.com/jax-ml/jax/issues/1141
# "One example is `rng = random.PRNGKey(int(time.time()))`, which will freeze the RNG key at compile time and produce the same random numbers at every step."
import time

import jax
import jax.numpy as jnp
from jax import random


@jax.jit
def noisy_step(x):
    rng = random.PRNGKey(int(time.time()))  # expect: JL004
    return x + 0.1 * random.normal(rng, x.shape)


# The fix: keep the key state explicit; pass a fresh key on every call.
@jax.jit
def noisy_step_fixed(x, rng):
    return x + 0.1 * random.normal(rng, x.shape)  # trap: JL004


x = jnp.zeros(3)
for _ in range(3):
    x = noisy_step(x)
key = random.PRNGKey(0)
y = jnp.zeros(3)
for _ in range(3):
    key, subkey = random.split(key)
    y = noisy_step_fixed(y, subkey)
print(x, y)
