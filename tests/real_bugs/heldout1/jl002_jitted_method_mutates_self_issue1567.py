# Source: https://github.com/jax-ml/jax/issues/1567
# "This prints `Traced<ShapedArray(float32[2]):JaxprTrace(level=-1/1)>` ... this is not inside the function right?"
from functools import partial

import jax.numpy as np
from jax import jit


class World:
    def __init__(self, p, v):
        self.p = p
        self.v = v

    @partial(jit, static_argnums=(0,))
    def step(self, dt):
        a = -9.8
        self.v += a * dt  # expect: JL002
        self.p += self.v * dt  # expect: JL002


@jit
def step_fixed(p, v, dt):
    a = -9.8
    v = v + a * dt
    p = p + v * dt  # trap: JL002
    return p, v


world = World(np.array([0.0, 0.0]), np.array([1.0, 1.0]))
for _ in range(1000):
    world.step(0.01)
print(world.p)

p, v = np.array([0.0, 0.0]), np.array([1.0, 1.0])
for _ in range(1000):
    p, v = step_fixed(p, v, 0.01)
print(p)
