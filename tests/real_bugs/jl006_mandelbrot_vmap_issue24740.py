# Source: https://github.com/jax-ml/jax/issues/24740
# Escape test inside a Python loop, vmapped over points: TracerBoolConversionError.
import jax
import jax.numpy as jnp
from jax import lax, vmap


def escape_count(c, max_iter):
    z = jnp.array([0.0 + 0.0j])
    for i in range(max_iter):
        z = z * z + c
        if jnp.abs(z) > 2.0:  # expect: JL006
            return jnp.array([i])
    return jnp.array([max_iter])


escape_count_batched = vmap(escape_count, in_axes=(0, None))


def escape_count_scan(c, max_iter):
    # The answer in the thread: carry the count through lax.scan with lax.cond.
    iters = jnp.arange(1, max_iter + 1)

    def body(carry, i):
        z, count = carry
        z = z * z + c
        escaped = jnp.abs(z) > 2.0
        count = lax.cond(escaped, lambda _: jnp.minimum(count, i), lambda _: count, None)  # trap: JL006
        return (z, count), count

    _, counts = lax.scan(body, (0.0 + 0.0j, max_iter), iters)
    return jnp.min(counts)


escape_count_scan_batched = jax.vmap(escape_count_scan, in_axes=(0, None))
