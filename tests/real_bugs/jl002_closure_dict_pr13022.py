# Source: https://github.com/jax-ml/jax/pull/13022
# A vmapped function stashes a closure over its tracer in an object's dict.
import jax


class A:
    def __init__(self, dct):
        self.dct = dct


a = A({})


def sketch(x):
    a.dct["hi"] = [lambda: x]  # expect: JL002
    return x


def run():
    return jax.vmap(sketch)(jax.numpy.arange(3))


def sketch_fixed(x):
    local = {"hi": [lambda: x]}  # trap: JL002
    return x + len(local)
