# Source: https://github.com/jax-ml/jax/issues/999
# "I was hoping to get actual values out but instead I get Traced<ShapedArray(int32[]):JaxprTrace(level=0/0)>"
import jax
from jax import lax


def run(init_val, episode_length):
    def step(i, loop_state):
        print(i, loop_state)  # expect: JL004
        return loop_state * 0.9

    return lax.fori_loop(0, episode_length, step, init_val)


def run_fixed(init_val, episode_length):
    def step(i, loop_state):
        jax.debug.print("{} {}", i, loop_state)  # trap: JL004
        return loop_state * 0.9

    return lax.fori_loop(0, episode_length, step, init_val)
