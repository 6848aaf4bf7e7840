# Source: https://github.com/huggingface/diffusers/issues/5277
# "I don't think it's the numpy conversion what's taking time, I believe what you are seeing is because of the asynchronous dispatch of JAX operations. When you log your `finished` time, the operation is actually not finished."
import time

import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def generate(params, latents):
    for _ in range(4):
        latents = jnp.tanh(latents @ params)
    return latents


params = jnp.eye(64) * 0.5
latents = jax.random.normal(jax.random.PRNGKey(0), (8, 64))
generate(params, latents)

start = time.time()
images = generate(params, latents)
finished = time.time()  # expect: JL019
print("Inference time:", finished - start)
images = np.asarray(images)
print("Numpy conversion time:", time.time() - finished)

# The fix: wait for the images before logging the time.
start = time.time()
images = generate(params, latents)
images.block_until_ready()
finished = time.time()  # trap: JL019
print("Inference time:", finished - start)
