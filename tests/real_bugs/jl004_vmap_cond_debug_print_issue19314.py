# Source: https://github.com/jax-ml/jax/issues/19314
# jax.debug.print inside a vmapped cond is staged correctly (it prints for every element
# because a batched cond becomes a select): not a trace-time side effect.
import jax


def f(x):
    key = jax.random.PRNGKey(123)  # expect: JL016 (every call, every element: one key)
    u = jax.random.uniform(key)
    jax.lax.cond(u > x, lambda w, z: jax.debug.print("selecting u: {w}>{z}", w=w, z=z), lambda w, z: None, u, x)  # trap: JL004
    return jax.lax.select(u > x, u, x)


vmapped = jax.vmap(f, in_axes=(0,))
