# Source: https://github.com/kokabsc/gwkokab/issues/371
# "Random keys are getting fixed by `jax.jit` transform."
import jax
import jax.numpy as jnp
import numpy as np
from jax import random as jrd


def exp_rate_integral(log_scale):
    n = 1 << 13
    key = jrd.PRNGKey(np.random.randint(1, 2**31 - 1))  # expect: JL004
    samples = jrd.uniform(key, (n,))
    return jnp.exp(log_scale) * jnp.mean(samples)


def exp_rate_integral_fixed(log_scale, key):
    n = 1 << 13
    samples = jrd.uniform(key, (n,))  # trap: JL004
    return jnp.exp(log_scale) * jnp.mean(samples)


def log_posterior(x):
    return -x**2 - exp_rate_integral(x)


def log_posterior_fixed(x, key):
    return -x**2 - exp_rate_integral_fixed(x, key)


print(jax.jit(log_posterior)(0.5))
print(jax.jit(log_posterior_fixed)(0.5, jrd.PRNGKey(0)))
