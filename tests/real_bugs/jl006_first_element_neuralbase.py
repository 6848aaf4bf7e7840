# Source: https://theneuralbase.com/jax/learn/beginner/tracer-errors-dynamic-control-flow/
import jax
from jax import lax


@jax.jit
def bad_control_flow(arr):
    if arr[0] > 5:  # expect: JL006
        return arr * 2
    else:
        return arr + 1


@jax.jit
def good_control_flow(arr):
    return lax.cond(arr[0] > 5, lambda x: x * 2, lambda x: x + 1, arr)  # trap: JL006
