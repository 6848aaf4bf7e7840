# Source: https://github.com/exoplanet-dev/celerite2/issues/46
# "jax.jit decorator breaks example"
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from jax import random
from numpyro.infer import MCMC, NUTS

prior_sigma = 2.0
t = np.sort(np.random.uniform(0, 10, 125))
yerr = np.random.uniform(0.08, 0.22, len(t))
y = 0.2 * (t - 5) + np.sin(3 * t) + yerr * np.random.randn(len(t))


@jax.jit
def numpyro_model(t, yerr, y=None):
    mean = numpyro.sample("mean", dist.Normal(0.0, prior_sigma))  # uncovered: jax.jit on a numpyro model (effect handlers need the Python body)
    log_jitter = numpyro.sample("log_jitter", dist.Normal(0.0, prior_sigma))
    sigma = jnp.sqrt(yerr**2 + jnp.exp(2 * log_jitter))
    numpyro.sample("obs", dist.Normal(mean, sigma), obs=y)


def numpyro_model_fixed(t, yerr, y=None):
    mean = numpyro.sample("mean", dist.Normal(0.0, prior_sigma))
    log_jitter = numpyro.sample("log_jitter", dist.Normal(0.0, prior_sigma))
    sigma = jnp.sqrt(yerr**2 + jnp.exp(2 * log_jitter))
    numpyro.sample("obs", dist.Normal(mean, sigma), obs=y)


key_a, key_b = random.split(random.PRNGKey(0))
mcmc = MCMC(NUTS(numpyro_model), num_warmup=100, num_samples=100)
mcmc.run(key_a, t, yerr, y=y)
mcmc_fixed = MCMC(NUTS(numpyro_model_fixed), num_warmup=100, num_samples=100)
mcmc_fixed.run(key_b, t, yerr, y=y)
