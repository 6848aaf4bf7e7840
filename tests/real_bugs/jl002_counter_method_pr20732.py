# Source: https://github.com/jax-ml/jax/pull/20732
# The stateful-computations tutorial: jitting a method that updates self.n.
import jax
import jax.numpy as jnp


class Counter:
    def __init__(self):
        self.n = 0

    def count(self) -> int:
        self.n += 1  # expect: JL002
        return self.n

    def reset(self):
        self.n = 0


counter = Counter()
fast_count = jax.jit(counter.count)


class CounterState:
    @staticmethod
    def count(n):
        return n + 1, n + 1  # trap: JL002


fast_count_pure = jax.jit(CounterState.count)


def demo():
    return jnp.asarray([fast_count_pure(i) for i in range(3)])
