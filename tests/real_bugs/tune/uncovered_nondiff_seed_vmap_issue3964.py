# Source: https://github.com/jax-ml/jax/issues/3964
# "jax.vmap(lambda seed: sample((2,3), 1., seed))(jax.random.split(jax.random.PRNGKey(1), 10)) => UnexpectedTracerError"
import functools

import jax
import jax.numpy as jnp


@functools.partial(jax.custom_jvp, nondiff_argnums=(0, 2))  # uncovered: array-valued nondiff_argnums
def sample(shape, param, seed):
    return jax.random.gamma(key=seed, shape=shape, a=param)


@sample.defjvp
def sample_jvp(shape, seed, primals, tangents):
    (param,) = primals
    (dparam,) = tangents
    samples = sample(shape, param, seed)
    return samples, samples * jnp.broadcast_to(dparam, shape)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def sample_fixed(shape, param, seed):
    return jax.random.gamma(key=seed, shape=shape, a=param)


@sample_fixed.defjvp
def sample_fixed_jvp(shape, primals, tangents):
    param, seed = primals
    dparam, _ = tangents
    samples = sample_fixed(shape, param, seed)
    return samples, samples * jnp.broadcast_to(dparam, shape)


jax.vmap(lambda seed: sample((2, 3), 1.0, seed))(jax.random.split(jax.random.PRNGKey(1), 10))
