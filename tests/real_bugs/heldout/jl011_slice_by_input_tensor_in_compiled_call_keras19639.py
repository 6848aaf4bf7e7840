# Source: https://github.com/keras-team/keras/issues/19639
# "Oh, that flexibility exists. All you have to do is turn `jit_compile` off in `model.compile()` and then jit the parts that you can."
import os

os.environ["KERAS_BACKEND"] = "jax"

from functools import partial

import jax
import jax.numpy as jnp
import keras
import numpy as np


class CustomModel(keras.Model):
    def call(self, inputs, training=True):
        x, pos = inputs
        x_slice = x[:, :pos, :, :]  # expect: JL011
        return jnp.repeat(x_slice, 2, axis=2)


x = np.random.rand(1, 5, 4, 3)
pos = jnp.array([2])
model = CustomModel()
model.compile(jit_compile=True)
model.predict((x, pos))


# The fix: no whole-model jit; jit the part that can be, with the position static.
class CustomModelFixed(keras.Model):
    @partial(jax.jit, static_argnums=(0, 2, 3))
    def jitted_call(self, x, pos, num_repeats):
        x_slice = x[:, :pos, :, :]  # trap: JL011
        return jnp.repeat(x_slice, num_repeats, axis=2)

    def call(self, inputs, training=True):
        x, pos = inputs
        return self.jitted_call(x, pos.item(), 2)


model_fixed = CustomModelFixed()
model_fixed.compile(jit_compile=False)
model_fixed.predict((x, pos))
