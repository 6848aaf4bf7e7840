# Source: https://github.com/jax-ml/jax/issues/15817
# "The class method set_subsystem in the following does not change the attribute x after jitted."
import jax
import jax.numpy as jnp


class A:
    def __init__(self, x):
        self.x = x

    def _tree_flatten(self):
        return (self.x,), {}

    @classmethod
    def _tree_unflatten(cls, static, dynamic):
        return cls(*dynamic)

    @jax.jit
    def set_subsystem(self, index, sub):
        self.x = self.x.at[index].set(sub.x)  # expect: JL002

    @jax.jit
    def with_subsystem(self, index, sub):
        return A(self.x.at[index].set(sub.x))  # trap: JL002


jax.tree_util.register_pytree_node(A, A._tree_flatten, A._tree_unflatten)

a = A(jnp.zeros(3))
a.set_subsystem(jnp.arange(2), A(jnp.ones(2)))
a = a.with_subsystem(jnp.arange(2), A(jnp.ones(2)))
