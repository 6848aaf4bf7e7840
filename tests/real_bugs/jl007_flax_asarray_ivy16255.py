# Source: https://github.com/unifyai/ivy/pull/16255
# A Flax layer converts its input with np.asarray; under apply/jit the input is a tracer.
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np


class TestFlaxLinear(nn.Module):
    out_size: int

    def setup(self):
        self._linear = nn.Dense(self.out_size)

    def __call__(self, x):
        x = np.asarray(x)  # expect: JL007
        return self._linear(x)


class TestFlaxLinearFixed(nn.Module):
    out_size: int

    def setup(self):
        self._linear = nn.Dense(self.out_size)

    def __call__(self, x):
        x = jnp.asarray(x)  # trap: JL007
        return self._linear(x)


def loss(params, model, x):
    return jnp.sum(model.apply(params, x) ** 2)


grad_loss = jax.jit(jax.grad(loss), static_argnums=1)
