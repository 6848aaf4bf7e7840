# Source: https://github.com/QuantEcon/lecture-jax/issues/33
# "Message: Compiling module jit_wealth_time_series_for_loop_jax] Very slow compile?"
import jax
import jax.numpy as jnp


def wealth_time_series_for_loop_jax(w_0, n, key, size=1):
    w = jnp.zeros(n).at[0].set(w_0)
    for t in range(n - 1):  # expect: JL018
        key, subkey = jax.random.split(key)
        z = jax.random.normal(subkey)
        w = w.at[t + 1].set(1.01 * w[t] + z)
    return w


wealth_time_series_for_loop_jax = jax.jit(wealth_time_series_for_loop_jax, static_argnums=(1, 3))
wealth_time_series_for_loop_jax(1.0, 1_000_000, jax.random.PRNGKey(0))


def wealth_time_series_fixed(w_0, n, key):
    def step(carry, subkey):
        w = 1.01 * carry + jax.random.normal(subkey)
        return w, w

    _, ws = jax.lax.scan(step, w_0, jax.random.split(key, n - 1))
    return jnp.concatenate([jnp.array([w_0]), ws])
