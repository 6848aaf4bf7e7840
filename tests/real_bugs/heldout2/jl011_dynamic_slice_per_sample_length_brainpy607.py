# Source: https://github.com/brainpy/BrainPy/issues/607
# "I tried `jax.lax.dynamic_slice`, but still struggling in the index."
import jax
import jax.numpy as jnp


@jax.jit
def loss(out, gt):
    batch_size = gt.shape[0]
    total = 0.0
    for i in range(batch_size):
        idx = jax.lax.dynamic_index_in_dim(gt, i)
        l1 = jax.lax.dynamic_slice(out, (0, i), (idx, 1))  # expect: JL011
        total = total + jnp.sum(l1)
    return total


@jax.jit
def loss_fixed(out, gt):
    steps = jnp.arange(out.shape[0])[:, None]
    mask = steps < gt[None, :]
    return jnp.sum(jnp.where(mask, out, 0.0))  # trap: JL011


out = jnp.ones((50, 4))
gt = jnp.array([10, 20, 30, 40])
loss(out, gt)
loss_fixed(out, gt)
