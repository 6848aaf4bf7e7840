# Source: https://github.com/mlysy/pfjax/issues/3
# "In mwg_adapt, we get an error that traced values cannot be used in Boolean functions"
import jax
import jax.numpy as jnp


def mwg_adapt(rw_sd, accept_rate, n_iter, targ_acc=0.44):
    delta = jnp.power(n_iter, -0.5)
    if targ_acc > accept_rate:  # expect: JL006
        return jnp.exp(jnp.log(rw_sd) - delta)
    return jnp.exp(jnp.log(rw_sd) + delta)


def mwg_adapt_fixed(rw_sd, accept_rate, n_iter, targ_acc=0.44):
    delta = jnp.power(n_iter, -0.5)
    low_acc = jnp.sign(targ_acc - accept_rate)  # trap: JL006
    return jnp.exp(jnp.log(rw_sd) - delta * low_acc)


@jax.jit
def mcmc_step(rw_sd, accept_rate, n_iter):
    return mwg_adapt(rw_sd, accept_rate, n_iter), mwg_adapt_fixed(rw_sd, accept_rate, n_iter)
