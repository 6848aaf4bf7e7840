# Source: https://github.com/jax-ml/jax/issues/3761
# "it seems like logical operators might be the problem, b/c things work fine with a predicate like e.g. `x<0`, but not with `x<0 and y<0` or `not x<0`."
import jax
from jax import jit


@jit
def true_fn(x):
    return x - 5000.0


@jit
def false_fn(x):
    return x + 100.0


@jit
def cond_test_1(x, y):
    return jax.lax.cond(x < 0, true_fn, false_fn, x)


@jit
def cond_test_2(x, y):
    return jax.lax.cond(x < 0 and y < 0, true_fn, false_fn, x)  # expect: JL006


@jit
def cond_test_2_fixed(x, y):
    return jax.lax.cond((x < 0) & (y < 0), true_fn, false_fn, x)  # trap: JL006


print(cond_test_1(0.3, 0.1))
print(cond_test_2(0.3, 0.1))
print(cond_test_2_fixed(0.3, 0.1))
