# Source: https://github.com/google-deepmind/chex/issues/387
# "Chex assertion detected `ConcretizationTypeError`: it is very likely that it tried to access tensors' values during tracing."
import chex
import jax


@jax.jit
def f(x):
    chex.assert_equal(x, 0)  # uncovered: host-side assertion on traced value
    return x


@jax.jit
def f_fixed(x):
    chex.assert_shape(x, ())
    return x
