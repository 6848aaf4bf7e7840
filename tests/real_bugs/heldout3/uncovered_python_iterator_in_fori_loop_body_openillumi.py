# Source: https://openillumi.com/en/en-jax-jit-iterator-vs-lax-foriloop
# "When using an iterator (discouraged in JAX documentation) inside a @jit function, a function with a standard Python for loop worked as expected. However, using JAX's native control flow, lax.fori_loop, produced an unexpected result (0)."
import jax.lax as lax
import jax.numpy as jnp

array = jnp.arange(10)
print(lax.fori_loop(0, 10, lambda i, x: x + array[i], 0))

iterator = iter(range(10))
print(lax.fori_loop(0, 10, lambda i, x: x + next(iterator), 0))  # uncovered: Python iterator consumed inside a traced loop body (read once at trace time)
