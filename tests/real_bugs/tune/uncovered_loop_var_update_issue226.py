# Source: https://github.com/jax-ml/jax/issues/226
# "This came up when looping over lists of jax.numpy.ndarrays ... params does not get updated"
import jax.numpy as np


def sgd_step(params, grads, learning_rate=0.1):
    for param, gradient in zip(params, grads):
        param -= learning_rate * gradient  # expect: JL008
    return params


def sgd_step_fixed(params, grads, learning_rate=0.1):
    return [param - learning_rate * gradient for param, gradient in zip(params, grads)]


params = [np.ones(3), np.ones(2)]
grads = [np.ones(3), np.ones(2)]
params = sgd_step(params, grads)
