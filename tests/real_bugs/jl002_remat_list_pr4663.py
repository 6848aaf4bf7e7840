# Source: https://github.com/jax-ml/jax/pull/4663
# A remat'd helper increments an element of a list it closes over, twice, under jit.
import jax
import jax.numpy as jnp


def f():
    seq = [jnp.zeros([])]

    def g():
        seq[0] += 1  # expect: JL002
        return seq[0]

    jax.remat(g)()
    jax.remat(g)()
    return seq[0]


f_jit = jax.jit(f)


def f_fixed():
    def g(v):
        return v + 1  # trap: JL002

    v = jnp.zeros([])
    v = jax.remat(g)(v)
    return jax.remat(g)(v)
