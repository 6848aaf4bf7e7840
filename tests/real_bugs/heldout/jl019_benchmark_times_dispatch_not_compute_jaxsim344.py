# Source: https://github.com/gbionics/jaxsim/pull/344
# "Use `jax.block_until_ready` to measure the time of the full computation and not only the asynchronous dispatch"
import time

import jax
import jax.numpy as jnp


@jax.jit
def forward_dynamics(joint_positions, joint_velocities):
    mass_matrix = jnp.eye(joint_positions.shape[-1]) * (1.0 + jnp.sum(joint_positions**2))
    return jnp.linalg.solve(mass_matrix, -joint_velocities)


def benchmark(batch_size, n_dofs=12):
    key_q, key_v = jax.random.split(jax.random.PRNGKey(0))
    q = jax.random.uniform(key_q, (batch_size, n_dofs))
    v = jax.random.uniform(key_v, (batch_size, n_dofs))
    batched = jax.vmap(forward_dynamics)
    batched(q, v)  # compile
    start = time.perf_counter()
    batched(q, v)
    elapsed = time.perf_counter() - start  # expect: JL019
    return elapsed


# The fix: wait for the result before reading the clock.
def benchmark_fixed(batch_size, n_dofs=12):
    key_q, key_v = jax.random.split(jax.random.PRNGKey(0))
    q = jax.random.uniform(key_q, (batch_size, n_dofs))
    v = jax.random.uniform(key_v, (batch_size, n_dofs))
    batched = jax.vmap(forward_dynamics)
    jax.block_until_ready(batched(q, v))  # compile
    start = time.perf_counter()
    jax.block_until_ready(batched(q, v))
    elapsed = time.perf_counter() - start  # trap: JL019
    return elapsed


print(benchmark(128))
print(benchmark_fixed(128))
