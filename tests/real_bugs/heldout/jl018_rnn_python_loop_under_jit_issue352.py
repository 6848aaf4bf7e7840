# Source: https://github.com/jax-ml/jax/issues/352
# "I'm writing some RNN code in JAX, currently using for loops. The code executes really quickly, but I notice the jit compile times can be of the order of minutes."
import jax
import jax.numpy as jnp

T = 1000


@jax.jit
def run_rnn(params, inputs):
    h = jnp.zeros(params["W"].shape[0])
    for t in range(T):  # expect: JL018
        h = jnp.tanh(params["W"] @ h + params["U"] @ inputs[t])
    return h


# The fix: a loop primitive is traced once, whatever the length.
@jax.jit
def run_rnn_fixed(params, inputs):
    def step(h, x_t):
        h = jnp.tanh(params["W"] @ h + params["U"] @ x_t)
        return h, None

    h, _ = jax.lax.scan(step, jnp.zeros(params["W"].shape[0]), inputs)
    return h


params = {"W": 0.1 * jnp.eye(16), "U": 0.1 * jnp.ones((16, 8))}
inputs = jnp.ones((T, 8))
print(run_rnn_fixed(params, inputs)[:3])
print(run_rnn(params, inputs)[:3])
