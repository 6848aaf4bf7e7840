# Source: https://github.com/google/flax/issues/2410
# "This error happens when you are passing a JAX array as an argument to a jitted function, but you have specified that this argument is static. JAX arrays should not be passed as compile-time constants since they cannot be hashed."
import jax
import jax.numpy as jnp


def train_step(params, rng, batch):
    noise = 0.01 * jax.random.normal(rng, params.shape)
    grads = jax.grad(lambda p: jnp.mean((batch @ p) ** 2))(params)
    return params - 0.1 * grads + noise


p_train_step = jax.jit(train_step, static_argnums=(1,))

params = jnp.ones(3)
batch = jnp.ones((4, 3))
rng = jax.random.PRNGKey(42)
params = p_train_step(params, rng, batch)  # expect: JL014


# The fix: the key is data, not a compile-time constant; do not mark it static.
train_step_fixed = jax.jit(train_step)


rng, step_rng = jax.random.split(rng)
params = train_step_fixed(params, step_rng, batch)  # trap: JL014
