# Source: https://github.com/gchq/coreax/issues/470
# "The `jit_test` method, that is used in many of the tests, does not call `block_until_ready`. Thus, the timings returned by `jit_test` may not account for JAX's asynchronous dispatch and cloud under-report the true time cost."
import time

import jax
import jax.numpy as jnp


def jit_test(fn, *args, **kwargs):
    """Time the first (compiling) and second call of a jitted function."""
    start_time = time.time()
    fn(*args, **kwargs)
    end_time = time.time()  # expect: JL019
    pre_delta = end_time - start_time
    start_time = time.time()
    fn(*args, **kwargs)
    end_time = time.time()  # expect: JL019
    post_delta = end_time - start_time
    return pre_delta, post_delta


# The fix: block until the result is ready before reading the clock.
def jit_test_fixed(fn, *args, **kwargs):
    start_time = time.time()
    jax.block_until_ready(fn(*args, **kwargs))
    end_time = time.time()  # trap: JL019
    pre_delta = end_time - start_time
    start_time = time.time()
    jax.block_until_ready(fn(*args, **kwargs))
    end_time = time.time()  # trap: JL019
    post_delta = end_time - start_time
    return pre_delta, post_delta


@jax.jit
def squared_exponential(x, y):
    return jnp.exp(-jnp.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1))


x = jnp.ones((500, 3))
print(jit_test(squared_exponential, x, x))
print(jit_test_fixed(squared_exponential, x, x))
