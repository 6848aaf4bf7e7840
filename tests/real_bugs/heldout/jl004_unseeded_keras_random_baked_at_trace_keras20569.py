# Source: https://github.com/keras-team/keras/issues/20569
# "when you compile, the int seed generated at function tracing time gets baked into the compiled graph, and so your compiled function will output the same value"
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax
import keras


@jax.jit
def noise():
    return keras.random.uniform(shape=(), seed=None)  # expect: JL004


print([float(noise()) for _ in range(3)])


# The fix: make the randomness an input, a seed (key) passed on every call.
@jax.jit
def noise_fixed(seed):
    return keras.random.uniform(shape=(), seed=seed)  # trap: JL004


key = jax.random.PRNGKey(0)
values = []
for _ in range(3):
    key, subkey = jax.random.split(key)
    values.append(float(noise_fixed(subkey)))
print(values)
