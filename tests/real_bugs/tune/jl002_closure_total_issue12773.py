# Source: https://github.com/jax-ml/jax/issues/12773
# "I suspect the attributes of a closed-over instance are being mutated, and using mutating side-effects voids the jax.jit warranty."
import jax


def foo(tot):
    @jax.jit
    def increment(x):
        tot[0] += x  # expect: JL002
        return tot[0]

    return increment


def foo_fixed():
    @jax.jit
    def increment(tot, x):
        return tot + x  # trap: JL002

    return increment


incrementer = foo([0.0])
incrementer(1.0)
incrementer(1.0)
