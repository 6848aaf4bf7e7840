# Source: https://github.com/jax-ml/jax/issues/17158
# "ValueError: Non-hashable static arguments are not supported, as this can lead to unexpected cache-misses. Static argument (index 1) of type <class 'jaxlib.xla_extension.ArrayImpl'> for function f is non-hashable."
from functools import partial

import jax
import jax.numpy as jnp


class Test:
    @partial(jax.jit, static_argnums=(1,))  # expect: JL013
    def f(self, x, neg):
        return -x if neg else x  # expect: JL006


arr = jnp.array([1, 2])


# The fix: on a method, `self` is argument 0, so `neg` is argument 2 (and `self` is
# static too).
class TestFixed:
    @partial(jax.jit, static_argnums=(0, 2))  # trap: JL013
    def f(self, x, neg):
        return -x if neg else x


t_fixed = TestFixed()
result_fixed = t_fixed.f(arr, True)  # trap: JL014
print(result_fixed)

t = Test()
result = t.f(arr, True)  # expect: JL014
