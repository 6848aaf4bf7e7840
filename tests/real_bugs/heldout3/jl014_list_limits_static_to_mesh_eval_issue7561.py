# Source: https://github.com/jax-ml/jax/issues/7561
# "ValueError: Non-hashable static arguments are not supported. An error occured while trying to hash an object of type <class 'list'>, [-2, 2]."
from functools import partial

import jax.numpy as np
from jax import jit, vmap
from jax.scipy.stats import norm


@partial(jit, static_argnums=(0, 1, 2, 4))
def mesh_eval(func, x_limits, y_limits, params, num_ticks=101):
    x = np.linspace(*x_limits, num=num_ticks)
    y = np.linspace(*y_limits, num=num_ticks)
    X, Y = np.meshgrid(x, y)
    xy_vec = np.stack([X.ravel(), Y.ravel()]).T
    zs = vmap(func, in_axes=(0, None))(xy_vec, params)
    return X, Y, zs.reshape(X.shape)


def funnel_log_density(params):
    return norm.logpdf(params[0], 0, np.exp(params[1])) + norm.logpdf(params[1], 0, 1.35)


def target_dist(x, _):
    return np.exp(funnel_log_density(x))


def callback():
    x_limits = [-2, 2]
    y_limits = [-4, 2]
    X, Y, Z = mesh_eval(target_dist, x_limits, y_limits, 1)  # expect: JL014, JL014
    return Z


def callback_fixed():
    x_limits = (-2, 2)
    y_limits = (-4, 2)
    X, Y, Z = mesh_eval(target_dist, x_limits, y_limits, 1)  # trap: JL014
    return Z


callback()
callback_fixed()
