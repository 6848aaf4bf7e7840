# Source: https://github.com/google/jaxopt/issues/214
# "Below I give a snippet that crashes when jit is activated on a function that use ScipyBoundedMinimize"
import jax.numpy as jnp
import jaxopt
import numpy as np
from jax import jit

t = np.array([-1.26027397, -0.79178082, -0.21643836, 0.13424658, 0.4, 0.63013699])
R = np.array([17.69069002, 17.89783266, 18.03628099, 17.32367147, 16.54036741, 15.60960639])


@jit
def func(p, t):
    return jnp.where(t <= 0, p[0] + p[1] * t, p[0] + p[1] * t - p[2] * (1 - jnp.exp(-t / p[3])))


@jit
def lik(p, t, R):
    resid = func(p, t) - R
    return 0.5 * jnp.sum(resid**2)


@jit
def test():
    lbfgsb = jaxopt.ScipyBoundedMinimize(fun=lik, method="SLSQP")
    init_params = jnp.array([18.0, 2.0, 10.0, 1.0])
    res = lbfgsb.run(  # uncovered: scipy-backed solver run inside jit
        init_params,
        bounds=([-jnp.inf, 0, -jnp.inf, -jnp.inf], [jnp.inf] * 4),
        t=t,
        R=R,
    )
    return res.params


def test_fixed():
    lbfgsb = jaxopt.ScipyBoundedMinimize(fun=lik, method="SLSQP")
    init_params = jnp.array([18.0, 2.0, 10.0, 1.0])
    res = lbfgsb.run(
        init_params,
        bounds=([-jnp.inf, 0, -jnp.inf, -jnp.inf], [jnp.inf] * 4),
        t=t,
        R=R,
    )
    return res.params


test()
test_fixed()
