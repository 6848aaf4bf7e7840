# Source: https://github.com/jax-ml/jax/issues/7032
# Bounding-box warp ported from NumPy: two in-place writes on jnp arrays.
import jax
import jax.numpy as jnp


def jx_warp(boxes, m, width, height):
    n = boxes.shape[0]
    xy = jnp.ones((n * 4, 3))
    xy[:, :2] = boxes[:, [0, 1, 2, 3, 0, 3, 2, 1]].reshape(n * 4, 2)  # expect: JL001
    xy = xy @ m.T
    xy = (xy[:, :2] / xy[:, 2:3]).reshape(n, 8)
    x = xy[:, [0, 2, 4, 6]]
    y = xy[:, [1, 3, 5, 7]]
    xy = jnp.concatenate((x.min(1), y.min(1), x.max(1), y.max(1))).reshape(4, n).T
    xy[:, [0, 2]] = xy[:, [0, 2]].clip(0, width)  # expect: JL001
    xy[:, [1, 3]] = xy[:, [1, 3]].clip(0, height)  # expect: JL001
    return xy.astype(jnp.float32)


warp = jax.jit(jx_warp)


def jx_warp_fixed(boxes, m, width, height):
    n = boxes.shape[0]
    xy = jnp.ones((n * 4, 3))
    xy = xy.at[:, :2].set(boxes[:, [0, 1, 2, 3, 0, 3, 2, 1]].reshape(n * 4, 2))  # trap: JL001
    xy = xy @ m.T
    xy = (xy[:, :2] / xy[:, 2:3]).reshape(n, 8)
    x = xy[:, [0, 2, 4, 6]]
    y = xy[:, [1, 3, 5, 7]]
    xy = jnp.concatenate((x.min(1), y.min(1), x.max(1), y.max(1))).reshape(4, n).T
    xy = xy.at[:, [0, 2]].set(xy[:, [0, 2]].clip(0, width))
    xy = xy.at[:, [1, 3]].set(xy[:, [1, 3]].clip(0, height))
    return xy.astype(jnp.float32)
