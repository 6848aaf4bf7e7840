# Source: https://github.com/jax-ml/jax/issues/1120
# "I would like to write functions that take static options (associated with branching within the function) that are compatible with both vmap and jit"
from functools import partial

import jax.numpy as np
from jax import jit


def python_control_flow(x, option=False):
    return x**2 if option else x**3  # expect: JL006


def python_control_flow_static(x, option=False):
    return x**2 if option else x**3  # trap: JL006


jit(python_control_flow)(np.arange(3), True)
jit(python_control_flow_static, static_argnums=1)(np.arange(3), True)
jit(partial(python_control_flow_static, option=True))(np.arange(3))
