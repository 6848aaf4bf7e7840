# Source: https://github.com/jax-ml/jax/issues/4474
# "From the large difference on CPU I suspect you did not use `.block_until_ready()` on the result array when measuring the time? JAX normally computes asynchronously"
import time

import jax.numpy as jnp
import numpy as np

a = jnp.asarray(np.random.rand(2000, 2000).astype(np.float32))
b = jnp.asarray(np.random.rand(2000, 2000).astype(np.float32))

start = time.time()
c = jnp.matmul(a, b)
print("Jax took", time.time() - start)  # expect: JL019

# The fix: wait for the result before reading the clock.
start = time.time()
c = jnp.matmul(a, b).block_until_ready()
print("Jax took", time.time() - start)  # trap: JL019
