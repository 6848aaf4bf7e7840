# Source: https://github.com/jax-ml/jax/issues/34127
# "This does not raise any errors but the output is simply `x`, completely unaffected."
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


@partial(jax.jit, static_argnums=(1,))
def fn(x, problem):
    x = x.at[problem].set(0.0)  # uncovered: tuple-of-bools-index-is-not-a-mask
    return x


# The fix: turn the (hashable, static) tuple into a NumPy mask inside the function.
@partial(jax.jit, static_argnums=(1,))
def fn_fixed(x, problem):
    x = x.at[np.array(problem)].set(0.0)
    return x


x = jnp.array([1.0, 2.0, 3.0, 4.0])
problem = (True, False, True, False)
print(fn(x, problem))  # [1. 2. 3. 4.]
print(fn_fixed(x, problem))  # [0. 2. 0. 4.]
