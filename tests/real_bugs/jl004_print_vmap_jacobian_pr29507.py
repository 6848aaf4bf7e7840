# Source: https://github.com/jax-ml/jax/pull/29507
# print inside vmap(jacobian(f)) shows a nested tracer repr.
import jax
import numpy as np


def f(x):
    print(x)  # expect: JL004
    return x


def run():
    x = np.random.randn(5, 8).round(2)
    return jax.vmap(jax.jacobian(f))(x)
