# Source: https://github.com/jax-ml/jax/issues/28225
# "there is a deviation between the result of the mock_fn_vec_jit and mock_fn_vec if there has been a previous JIT compilation of the mock_fn_vec function before"
import jax
import jax.numpy as jnp

vec_input = jnp.array([1, 1])


def mock_fn_vec(x):
    return jax.vmap(mock_fn)(x)  # expect: JL010


def mock_fn_vec_fixed(fn, x):
    return jax.vmap(fn)(x)  # trap: JL010


mock_fn = lambda x: x  # noqa: E731
mock_fn_vec_jit = jax.jit(mock_fn_vec)
print(mock_fn_vec_jit(vec_input))

mock_fn = lambda x: -x  # noqa: E731
mock_fn_vec_jit = jax.jit(mock_fn_vec)
print(mock_fn_vec_jit(vec_input))

fixed_jit = jax.jit(mock_fn_vec_fixed, static_argnums=0)
print(fixed_jit(lambda x: -x, vec_input))
