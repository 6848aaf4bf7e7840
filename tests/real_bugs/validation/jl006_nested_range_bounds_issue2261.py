# Source: https://github.com/jax-ml/jax/issues/2261
# "As-is, a function like this is not jit-compilable, since I cannot pass abstract arguments to Python's range."
import jax
from jax import lax


def f(a, b):
    quantity = 0
    for i in range(a):  # expect: JL006
        for j in range(b):  # expect: JL006
            quantity += i + j
    return quantity


def f_fixed(a, b):
    def outer(i, q):
        return lax.fori_loop(0, b, lambda j, q2: q2 + i + j, q)  # trap: JL006

    return lax.fori_loop(0, a, outer, 0)


jax.jit(f)(3, 2)
jax.jit(f_fixed)(3, 2)
