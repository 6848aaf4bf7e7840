# Source: https://github.com/jax-ml/jax/issues/9023
# "I am having trouble when updating a jitted function within a class. The function is not updated and my guess that is not being recompiled by jit after the update."
from functools import partial

from jax import jit


class test:
    def __init__(self) -> None:
        pass

    @partial(jit, static_argnums=(0,))  # expect: JL013
    def wrapper(self, x):
        return self.fn(x)

    def assign_fn(self, fn):
        self.fn = fn


# The fix: set the function once, at construction; a new function means a new object.
class test_fixed:
    def __init__(self, fn) -> None:
        self.fn = fn

    @partial(jit, static_argnums=(0,))  # trap: JL013
    def wrapper(self, x):
        return self.fn(x)


t = test()
fn = lambda x: x + 1
t.assign_fn(fn)
print(t.wrapper(1))
fn = lambda x: x + 2
t.assign_fn(fn)
print(t.wrapper(1))

u = test_fixed(lambda x: x + 1)
print(u.wrapper(1))
u = test_fixed(lambda x: x + 2)
print(u.wrapper(1))
