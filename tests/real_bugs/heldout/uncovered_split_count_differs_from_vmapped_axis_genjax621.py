# Source: https://github.com/genjax-community/genjax/issues/621
# "I believe it should be. ``` sub_keys = jax.random.split(key, n_particles) ``` so that the shapes in the vmap function on line 46 are the same between the first two parameters."
import jax
import jax.numpy as jnp


def rejuvenate_one(key, particle):
    return particle + 0.1 * jax.random.normal(key, particle.shape)


def rejuvenate(key, particles):
    sub_keys = jax.random.split(key)
    return jax.vmap(rejuvenate_one)(sub_keys, particles)  # uncovered: split count (2) differs from the vmapped axis size


def rejuvenate_fixed(key, particles):
    n_particles = particles.shape[0]
    sub_keys = jax.random.split(key, n_particles)
    return jax.vmap(rejuvenate_one)(sub_keys, particles)


particles = jnp.zeros((5, 3))
print(rejuvenate_fixed(jax.random.PRNGKey(0), particles).shape)
print(rejuvenate(jax.random.PRNGKey(0), particles).shape)
