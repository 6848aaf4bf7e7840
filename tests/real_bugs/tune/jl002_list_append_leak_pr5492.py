# Source: https://github.com/jax-ml/jax/pull/5492
# "raising an error as soon as a trace finishes where one of its corresponding tracers was stashed in global context by a user side-effect"
from jax import jit

lst = []


@jit
def f(x):
    lst.append(x)  # expect: JL002
    return x


@jit
def f_fixed(x):
    seen = []
    seen.append(x)  # trap: JL002
    return seen[0]


f(3.0)
