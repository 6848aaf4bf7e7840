# Source: https://github.com/jax-ml/jax/issues/9024
# "If you create a custom pytree and pass it as a static argument to a JIT-compiled function, it will be treated as static based on the hash of the wrapper class, meaning that changes to underlying data do not lead to recompilation."
import jax.numpy as jnp
from jax import jit
from jax.tree_util import register_pytree_node


class MyClass:
    def __init__(self, data):
        self.data = data


register_pytree_node(MyClass, lambda v: ((v.data,), None), lambda _, data: MyClass(*data))


def get_data(x):
    return x.data


jit_get_data = jit(get_data, static_argnums=0)

m = MyClass(jnp.arange(4))
print(jit_get_data(m))
m.data += 1  # expect: JL013
print(jit_get_data(m))  # still [0 1 2 3]

# The fix: it is a pytree, so pass it as a traced argument; new data, new values.
jit_get_data_fixed = jit(get_data)

n = MyClass(jnp.arange(4))
print(jit_get_data_fixed(n))
n.data += 1  # trap: JL013
print(jit_get_data_fixed(n))
