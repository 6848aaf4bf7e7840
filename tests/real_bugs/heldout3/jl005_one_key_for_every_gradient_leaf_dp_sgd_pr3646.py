# Source: https://github.com/jax-ml/jax/pull/3646
# "the differential privacy example was accidentally reusing the same PRNG key when adding noise to different components of the gradient (i.e. corresponding to different parameters)"
from functools import partial

import jax.numpy as jnp
from jax import grad, jit, random, tree_util, vmap


def loss(params, batch):
    inputs, targets = batch
    preds = inputs @ params["w"] + params["b"]
    return jnp.mean((preds - targets) ** 2)


def clipped_grad(params, l2_norm_clip, single_example_batch):
    grads = grad(loss)(params, single_example_batch)
    nonempty_grads, tree_def = tree_util.tree_flatten(grads)
    total_grad_norm = jnp.linalg.norm(jnp.array([jnp.linalg.norm(g.ravel()) for g in nonempty_grads]))
    divisor = jnp.maximum(total_grad_norm / l2_norm_clip, 1.0)
    return tree_util.tree_unflatten(tree_def, [g / divisor for g in nonempty_grads])


@partial(jit, static_argnums=(3,))
def private_grad(params, batch, rng, batch_size, l2_norm_clip=1.5, noise_multiplier=1.1):
    clipped_grads = vmap(clipped_grad, (None, None, 0))(params, l2_norm_clip, batch)
    std_dev = l2_norm_clip * noise_multiplier
    noise_ = lambda n: n + std_dev * random.normal(rng, n.shape)  # expect: JL005
    summed = tree_util.tree_map(lambda g: jnp.sum(g, 0), clipped_grads)
    noised = tree_util.tree_map(noise_, summed)
    return tree_util.tree_map(lambda g: g / batch_size, noised)


@partial(jit, static_argnums=(3,))
def private_grad_fixed(params, batch, rng, batch_size, l2_norm_clip=1.5, noise_multiplier=1.1):
    clipped_grads = vmap(clipped_grad, (None, None, 0))(params, l2_norm_clip, batch)
    summed, tree_def = tree_util.tree_flatten(tree_util.tree_map(lambda g: jnp.sum(g, 0), clipped_grads))
    rngs = random.split(rng, len(summed))
    noised = [
        g + l2_norm_clip * noise_multiplier * random.normal(r, g.shape)  # trap: JL005
        for r, g in zip(rngs, summed)
    ]
    return tree_util.tree_map(lambda g: g / batch_size, tree_util.tree_unflatten(tree_def, noised))


key = random.PRNGKey(0)
k_params, k_x, k_step, k_step_fixed = random.split(key, 4)
params = {"w": random.normal(k_params, (3,)), "b": jnp.zeros(())}
batch = (random.normal(k_x, (8, 1, 3)), jnp.zeros((8, 1)))
private_grad(params, batch, k_step, 8)
private_grad_fixed(params, batch, k_step_fixed, 8)
