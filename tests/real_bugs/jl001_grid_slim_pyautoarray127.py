# Source: https://github.com/PyAutoLabs/PyAutoArray/pull/127
# A masked-grid builder ported to jax.numpy by swapping the import: the index writes remain.
import jax.numpy as jnp
import numpy as np


def grid_2d_slim_via_mask_from(mask_2d, pixel_scales, centres_scaled):
    total = int(np.sum(~mask_2d))
    grid_slim = jnp.zeros((total, 2))
    index = 0
    for y in range(mask_2d.shape[0]):
        for x in range(mask_2d.shape[1]):
            if not mask_2d[y, x]:
                grid_slim[index, 0] = -(y - centres_scaled[0]) * pixel_scales[0]  # expect: JL001
                grid_slim[index, 1] = (x - centres_scaled[1]) * pixel_scales[1]  # expect: JL001
                index += 1
    return grid_slim


def grid_2d_slim_via_mask_from_fixed(mask_2d, pixel_scales, centres_scaled):
    total = int(np.sum(~mask_2d))
    grid_slim = jnp.zeros((total, 2))
    index = 0
    for y in range(mask_2d.shape[0]):
        for x in range(mask_2d.shape[1]):
            if not mask_2d[y, x]:
                grid_slim = grid_slim.at[index, 0].set(-(y - centres_scaled[0]) * pixel_scales[0])  # trap: JL001
                grid_slim = grid_slim.at[index, 1].set((x - centres_scaled[1]) * pixel_scales[1])
                index += 1
    return grid_slim
