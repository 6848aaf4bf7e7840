# Source: https://github.com/pyro-ppl/numpyro/issues/1570
# "when I run the nuts algorithm, the samples are turned into tracers ... I need to check the samples values inside my forward function"
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from jax import random
from numpyro.infer import MCMC, NUTS


def forward(x, a, b):
    y = b + a * x
    if a < 5:  # expect: JL006
        y = y + 1.0
    return y


def forward_fixed(x, a, b):
    y = b + a * x
    return jnp.where(a < 5, y + 1.0, y)  # trap: JL006


def model(x, obs=None):
    a = numpyro.sample("a", dist.Normal(10.0, 5.0))
    b = numpyro.sample("b", dist.Normal(150.0, 20.0))
    numpyro.sample("obs", dist.Normal(forward(x, a, b), 200.0), obs=obs)


def model_fixed(x, obs=None):
    a = numpyro.sample("a", dist.Normal(10.0, 5.0))
    b = numpyro.sample("b", dist.Normal(150.0, 20.0))
    numpyro.sample("obs", dist.Normal(forward_fixed(x, a, b), 200.0), obs=obs)


x_values = np.arange(0, 1e2, dtype=float)
y_obs = 150 + 10 * x_values + 200 * np.random.randn(len(x_values))
mcmc = MCMC(NUTS(model), num_warmup=500, num_samples=1000)
mcmc.run(random.PRNGKey(0), x_values, obs=y_obs)
mcmc_fixed = MCMC(NUTS(model_fixed), num_warmup=500, num_samples=1000)
mcmc_fixed.run(random.PRNGKey(0), x_values, obs=y_obs)
