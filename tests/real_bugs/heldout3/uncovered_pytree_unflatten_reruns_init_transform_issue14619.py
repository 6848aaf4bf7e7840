# Source: https://github.com/jax-ml/jax/issues/14619
# "Seems that jitting method inside Class does operation in __init__() one more time."
import jax


class A:
    def __init__(self, theta=0.0):
        self.theta = theta // 2

    def _tree_flatten(self):
        children = (self.theta,)
        aux_data = {}
        return children, aux_data

    @classmethod
    def _tree_unflatten(cls, aux_data, children):
        return cls(*children, **aux_data)  # uncovered: pytree unflatten re-runs __init__ argument transforms

    @jax.jit
    def solve_jit(self):
        return self.theta


class AFixed:
    def __init__(self, theta=0.0):
        self.theta = theta // 2

    def _tree_flatten(self):
        return (self.theta,), {}

    @classmethod
    def _tree_unflatten(cls, aux_data, children):
        obj = object.__new__(cls)
        (obj.theta,) = children
        return obj

    @jax.jit
    def solve_jit(self):
        return self.theta


jax.tree_util.register_pytree_node(A, A._tree_flatten, A._tree_unflatten)
jax.tree_util.register_pytree_node(AFixed, AFixed._tree_flatten, AFixed._tree_unflatten)

print(A(theta=4).solve_jit())
print(AFixed(theta=4).solve_jit())
