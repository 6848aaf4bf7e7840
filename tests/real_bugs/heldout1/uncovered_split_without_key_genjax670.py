# Source: https://github.com/genjax-community/genjax/issues/670
# "`jax.random.split` is missing the key as the first argument"
import jax


class ImportanceSampling:
    def __init__(self, num_particles):
        self.num_particles = num_particles

    def random_weighted(self, key, log_weight_fn):
        sub_keys = jax.random.split(self.num_particles)  # uncovered: split without key
        return jax.vmap(log_weight_fn)(sub_keys)

    def random_weighted_fixed(self, key, log_weight_fn):
        sub_keys = jax.random.split(key, self.num_particles)
        return jax.vmap(log_weight_fn)(sub_keys)


sampler = ImportanceSampling(16)
key = jax.random.PRNGKey(0)
sampler.random_weighted_fixed(key, lambda k: jax.random.normal(k))
sampler.random_weighted(key, lambda k: jax.random.normal(k))
