# Source: https://github.com/jax-ml/jax/issues/8962
# "array.item() not defined on ShapedArray (defined on jnp.array) ... This also does not work under `jax.grad` and other transformations."
import jax


def test(x):
    return x.item()  # expect: JL006


def test_fixed(x):
    return x.reshape(())  # trap: JL006


test(jax.numpy.ones(1))
jax.jit(test)(jax.numpy.ones(1))
jax.jit(test_fixed)(jax.numpy.ones(1))
