# Source: https://github.com/QuantEcon/lecture-jax/issues/95
# "If readers hope to increase the number of iterations or the seed using this function, they will run into TracerIntegerConversionError."
import jax
import jax.numpy as jnp


def power_iteration_sr(A, num_iterations=15, seed=1234):
    key = jax.random.PRNGKey(seed)
    b_k = jax.random.normal(key, (A.shape[1],))
    sr = 0.0
    for _ in range(num_iterations):  # expect: JL006
        b_k1 = jnp.dot(A, b_k)
        b_k1_norm = jnp.linalg.norm(b_k1)
        sr = jnp.dot(b_k1, b_k) / jnp.dot(b_k, b_k)
        b_k = b_k1 / b_k1_norm
    return sr


power_iteration_sr_jit = jax.jit(power_iteration_sr)
power_iteration_sr_jit(jnp.eye(3), 50)
power_iteration_sr_fixed = jax.jit(power_iteration_sr, static_argnums=(1, 2))
power_iteration_sr_fixed(jnp.eye(3), 50)
