# Source: https://github.com/google/flax/issues/4151
# "`nnx.Dropout` in combination with `jax.lax.scan` returns the following error: TraceContextError: Cannot call RngStream from a different trace level"
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.linear1 = nnx.Linear(10, 256, rngs=rngs)
        self.linear2 = nnx.Linear(256, 10, rngs=rngs)
        self.dropout = nnx.Dropout(rate=0.5, rngs=rngs)

    def __call__(self, x):
        x = nnx.relu(self.dropout(self.linear1(x)))
        x = self.linear2(x)
        return x


model = MLP(rngs=nnx.Rngs(0))


def scan(carry, x):
    model(x)  # uncovered: stateful NNX module (its RNG stream) updated inside a raw jax transform
    return carry, None


jax.lax.scan(scan, None, jnp.ones((10, 10)))


@nnx.scan(in_axes=(nnx.Carry, 0), out_axes=nnx.Carry)
def scan_fixed(m, x):
    m(x)
    return m


scan_fixed(model, jnp.ones((10, 10)))
