# Source: https://github.com/jax-ml/jax/issues/12331
# "`jnp.squeeze` will fail unexpectedly with `jit` compilation but direct invocation will succeed."
import jax


def fn(inp):
    axis = jax.numpy.array(1, dtype=jax.numpy.int32)
    return jax.numpy.squeeze(inp, axis)  # expect: JL011


def fn_expand(inp):
    axis = jax.numpy.array(0, dtype=jax.numpy.int32)
    return jax.numpy.expand_dims(inp, axis)  # expect: JL011


# The fix: an axis is static; give it as a Python int.
def fn_fixed(inp):
    axis = 1
    return jax.numpy.squeeze(inp, axis)  # trap: JL011


def fn_expand_fixed(inp):
    return jax.numpy.expand_dims(inp, 0)  # trap: JL011


mykey = jax.random.PRNGKey(0)
inp = jax.random.uniform(mykey, [3, 1], jax.numpy.float32, minval=0, maxval=1)
print(jax.jit(fn)(inp))
print(jax.jit(fn_expand)(jax.numpy.array(128, dtype=jax.numpy.float32)))
print(jax.jit(fn_fixed)(inp))
print(jax.jit(fn_expand_fixed)(jax.numpy.array(128, dtype=jax.numpy.float32)))
