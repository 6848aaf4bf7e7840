# Source: https://github.com/pyro-ppl/numpyro/issues/1763
# "I'm trying to implement this Pyro model in NumPyro, and I'm running into issues with the conditional feeling_lazy."
import jax
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import cond
from numpyro import handlers


def sleep_model(data):
    feeling_lazy = numpyro.sample("feeling_lazy", dist.Bernoulli(probs=0.9))
    if feeling_lazy:  # expect: JL006
        ignore_alarm = numpyro.sample("ignore_alarm", dist.Bernoulli(0.8))
        amount_slept = numpyro.sample("amount_slept", dist.Normal(8 + 2 * ignore_alarm, 1), obs=data)
    else:
        amount_slept = numpyro.sample("amount_slept", dist.Normal(6, 1), obs=data)
    return amount_slept


def sleep_model_fixed(data):
    feeling_lazy = numpyro.sample("feeling_lazy", dist.Bernoulli(probs=0.9))
    loc = cond(feeling_lazy == 1, lambda _: 8.0, lambda _: 6.0, None)  # trap: JL006
    return numpyro.sample("amount_slept", dist.Normal(loc, 1), obs=data)


jax.jit(lambda key: handlers.seed(sleep_model, key)(7.0))(jax.random.PRNGKey(0))
jax.jit(lambda key: handlers.seed(sleep_model_fixed, key)(7.0))(jax.random.PRNGKey(0))
