# Source: https://github.com/gchq/coreax/issues/375
# The loop body perturbs the inputs with the same random numbers on every pass.
import jax
import jax.numpy as jnp


def noise_conditional_loss(key, x, sigmas, score_fn):
    total = 0.0
    for sigma in sigmas:
        perturbed = x + sigma * jax.random.normal(key, x.shape)  # expect: JL005
        total = total + jnp.mean((score_fn(perturbed, sigma) + (perturbed - x) / sigma**2) ** 2)
    return total


def noise_conditional_loss_fixed(key, x, sigmas, score_fn):
    total = 0.0
    for i, sigma in enumerate(sigmas):
        step_key = jax.random.fold_in(key, i)
        perturbed = x + sigma * jax.random.normal(step_key, x.shape)  # trap: JL005
        total = total + jnp.mean((score_fn(perturbed, sigma) + (perturbed - x) / sigma**2) ** 2)
    return total
