# Source: https://github.com/jax-ml/jax/issues/5595
# "TypeError: Argument '<__main__.A1 object at 0x7fabf5a8d400>' of type <class '__main__.A1'> is not a valid JAX type."
from functools import partial

from jax import jit


class A1:
    def __init__(self):
        pass

    @jit  # expect: JL013
    def f(self, x):
        return x


class A1Fixed:
    @partial(jit, static_argnums=0)  # trap: JL013
    def f(self, x):
        return x


a = A1()
print(a.f(5))
print(A1Fixed().f(5))
