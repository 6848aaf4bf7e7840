# Source: https://github.com/jax-ml/jax/issues/518
# `import jax.numpy as np`: np.linalg.inv here is JAX's and differentiates fine.
import jax.numpy as np
import jax.random as random
from jax import grad


def some_func(w):
    return np.linalg.inv(w)[0][0]  # trap: JL007


def weights():
    key = random.PRNGKey(0)
    return random.uniform(key, (10, 10), minval=-1, maxval=1)


d_some_func = grad(some_func)
