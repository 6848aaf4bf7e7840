# Source: https://github.com/jax-ml/jax/issues/5684
# "Providing a list of int to jax.ops.index_add provides in a very slow jit performance."
import jax.numpy as jnp
from jax import jit


def f(x, indices, y):
    return x.at[(indices,)].add(y)


x = jnp.ones(10000)
y = jnp.ones(3000)
indices = list(range(3000))
f_jit = jit(f)
f_jit(x, indices, y)  # uncovered: large Python list passed to jit
f_jit(x, jnp.array(indices), y)
