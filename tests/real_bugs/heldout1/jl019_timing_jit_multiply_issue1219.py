# Source: https://github.com/jax-ml/jax/issues/1219
# "It is much more faster than numpy, I want to know how it achieve this."
import time

from jax import jit, numpy

a = numpy.ones((1000000,)) * 3
b = numpy.ones((1000000,)) * 5
f = jit(numpy.multiply)

for _ in range(10):
    start = time.time()
    f(a, b)
    print(time.time() - start)  # expect: JL019

for _ in range(10):
    start = time.time()
    f(a, b).block_until_ready()
    print(time.time() - start)  # trap: JL019
