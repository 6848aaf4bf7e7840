# Source: https://github.com/eelregit/pmwd/issues/9
# "IO is side effect": saving an N-body snapshot from inside a jitted step happens once.
import jax
import jax.numpy as jnp
import numpy as np


@jax.jit
def nbody_step(pos, vel, dt):
    acc = -pos / (jnp.sum(pos**2, axis=-1, keepdims=True) + 1.0) ** 1.5
    vel = vel + acc * dt
    pos = pos + vel * dt
    np.save("snapshot.npy", pos)  # expect: JL004
    return pos, vel


def run(pos, vel, dt, n_steps):
    step = jax.jit(lambda p, v: (p + v * dt, v))
    for i in range(n_steps):
        pos, vel = step(pos, vel)
        np.save(f"snapshot_{i}.npy", np.asarray(pos))  # trap: JL004
    return pos, vel
