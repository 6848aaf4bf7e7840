# Source: https://github.com/pyro-ppl/numpyro/pull/842
# "Here if we run `jit(compute)` multiple times, I guess the same subset will be selected while if we run `compute` multiple times, different subsets will be selected each time."
import jax
import jax.numpy as jnp
import numpy.random as npr


class RandomFeatureKernel:
    def __init__(self, bandwidth_subset=None, num_features=16):
        self.bandwidth_subset = bandwidth_subset
        self.num_features = num_features

    def compute(self, particles):
        if self.bandwidth_subset is not None:
            particles = particles[npr.choice(particles.shape[0], self.bandwidth_subset)]  # expect: JL004
        dim = particles.shape[1]
        random_weights = npr.randn(self.num_features, dim)  # expect: JL004
        random_biases = npr.rand(self.num_features) * 2 * jnp.pi  # expect: JL004
        return jnp.cos(particles @ random_weights.T + random_biases)


class RandomFeatureKernelFixed:
    def __init__(self, bandwidth_subset=None, num_features=16):
        self.bandwidth_subset = bandwidth_subset
        self.num_features = num_features

    def compute(self, rng_key, particles):
        key_subset, key_w, key_b = jax.random.split(rng_key, 3)
        if self.bandwidth_subset is not None:
            idx = jax.random.choice(key_subset, particles.shape[0], (self.bandwidth_subset,))
            particles = particles[idx]
        dim = particles.shape[1]
        random_weights = jax.random.normal(key_w, (self.num_features, dim))  # trap: JL004
        random_biases = jax.random.uniform(key_b, (self.num_features,)) * 2 * jnp.pi
        return jnp.cos(particles @ random_weights.T + random_biases)


kernel = RandomFeatureKernel(bandwidth_subset=8)
kernel_fixed = RandomFeatureKernelFixed(bandwidth_subset=8)


@jax.jit
def stein_features(particles):
    return kernel.compute(particles)


@jax.jit
def stein_features_fixed(rng_key, particles):
    return kernel_fixed.compute(rng_key, particles)


particles = jnp.ones((32, 3))
stein_features(particles)
stein_features(particles)
stein_features_fixed(jax.random.PRNGKey(0), particles)
