# Source: https://github.com/google/flax/issues/5461
# "combining this with jax.jit's donate_argnums option on the module state causes errors related to donating the same buffer twice"
import functools

import jax
from flax import nnx


class TestModule(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.linear = nnx.Linear(in_features=4, out_features=2, rngs=rngs)
        self.linear_copy = nnx.clone(self.linear)


class TestModuleFixed(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.linear = nnx.Linear(in_features=4, out_features=2, rngs=rngs)
        self.linear_copy = nnx.clone(self.linear, arrays=True)


@functools.partial(jax.jit, donate_argnums=(0,))
def update(state_pytree):
    return jax.tree.map(lambda x: x + 1, state_pytree)


state = nnx.state(TestModule(nnx.Rngs(0)))
state = update(state)  # uncovered: donated pytree whose leaves share one buffer (a clone that aliases)

state_fixed = nnx.state(TestModuleFixed(nnx.Rngs(0)))
state_fixed = update(state_fixed)
