# Source: https://github.com/jlin816/dynalang/issues/10
# "ValueError: Non-hashable static arguments are not supported. An error occurred during a call to '_one_hot' while trying to hash an object of type <class 'numpy.ndarray'>, 32100."
import jax
import numpy as np


class Agent:
    def __init__(self):
        self.obs_space = {"token": np.array(32100)}

    def preprocess(self, obs):
        out = {}
        for key, value in obs.items():
            out[key] = jax.nn.one_hot(value, self.obs_space[key])  # uncovered: static parameter given an array

        return out

    def preprocess_fixed(self, obs):
        return {key: jax.nn.one_hot(value, int(self.obs_space[key])) for key, value in obs.items()}
