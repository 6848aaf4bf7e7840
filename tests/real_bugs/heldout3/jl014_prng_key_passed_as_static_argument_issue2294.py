# Source: https://github.com/jax-ml/jax/issues/2294
# "I've run into a problem with Jax using device arrays as the random number generator ... An RNG passed to a jitted function will not induce recompilation of that jitted function"
from functools import partial

from jax import jit
from jax.random import PRNGKey, normal


@partial(jit, static_argnums=(0,))
def f(rng):
    print("JIT", rng)
    return normal(rng, ())


@jit
def f_fixed(rng):
    return normal(rng, ())


a = PRNGKey(10)
b = PRNGKey(10)
print(f(a))  # expect: JL014
print(f(b))  # expect: JL014

# The fix: a key is an array; pass it traced, not static (fresh keys: a and b are spent).
c = PRNGKey(11)
d = PRNGKey(12)
print(f_fixed(c))  # trap: JL014
print(f_fixed(d))  # trap: JL014
