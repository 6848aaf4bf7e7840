# Source: https://github.com/jax-ml/jax/pull/4618
# print(x) and print(repr(x)) under jit: "Traced<float32[]>".
from jax import jit


def f(x):
    print(x)  # expect: JL004
    print(repr(x))  # expect: JL004
    return x


f_jit = jit(f)
