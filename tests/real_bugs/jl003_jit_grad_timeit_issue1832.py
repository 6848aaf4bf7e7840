# Source: https://github.com/jax-ml/jax/issues/1832
# "when you write %timeit jit(grad(...)) you're probably doing a lot of recompilation".
import time

import jax.numpy as np
from jax import grad, jit, lax


def func_jax(x):
    def body(f_prev, x_i):
        return f_prev + x_i, f_prev + x_i

    _, f = lax.scan(body, 0.0, x)
    return np.sum(f)


def benchmark(x, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        jit(grad(func_jax))(x).block_until_ready()  # expect: JL003
        times.append(time.perf_counter() - t0)
    return times


def benchmark_fixed(x, repeats):
    g = jit(grad(func_jax))
    g(x).block_until_ready()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        g(x).block_until_ready()  # trap: JL003
        times.append(time.perf_counter() - t0)
    return times
