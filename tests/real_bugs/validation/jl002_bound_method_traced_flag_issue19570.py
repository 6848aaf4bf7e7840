# Source: https://github.com/jax-ml/jax/issues/19570
# "The root cause of the issue is that the bound method instance changes between invocations of foo.f, and JAX's jit cache relies on object identity."
import jax


class Foo:
    def __init__(self):
        self.f_traced = False

    def f(self):
        print("f")
        assert not self.f_traced
        self.f_traced = True  # expect: JL002


class FooFixed:
    def __init__(self):
        self.f = jax.jit(self._f)

    def _f(self):
        return 1.0  # trap: JL002


foo = Foo()
jax.jit(foo.f).lower()
jax.jit(foo.f).lower()
