# Source: https://github.com/jax-ml/jax/issues/16906
# "print(y) # y was donated (as expected) -> RuntimeError: Array has been deleted."
import jax


def fn(x, y):
    return x, y


fn = jax.jit(fn, donate_argnums=1)


def run(x, y):
    fn(x, y)
    print(y)  # expect: JL015


def run_fixed(x, y):
    x, y = fn(x, y)
    print(y)  # trap: JL015
