# Source: https://github.com/jax-ml/jax/issues/2813
# "the following function recompiles every time it is called because lists are not hashable types in Python"
import jax


def g(x, y):
    print("recompiling")
    return x + y[0]


f = jax.jit(g, static_argnums=(1,))
f(1, [2, 3])  # expect: JL014
f(1, (2, 3))  # trap: JL014
