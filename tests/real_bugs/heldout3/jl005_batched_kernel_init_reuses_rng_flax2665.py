# Source: https://github.com/google/flax/pull/2665
# "different elements of the batch of params in a batched DenseGeneral were initializing to the same value, because a JAX rng was being reused, without doing `jax.random.split`."
import jax
import jax.numpy as jnp
import numpy as np
from flax import linen as nn


class DenseGeneral(nn.Module):
    features: tuple
    batch_dims: tuple = (0,)
    kernel_init: callable = nn.initializers.lecun_normal()

    @nn.compact
    def __call__(self, inputs):
        n_batch_dims = len(self.batch_dims)
        axis = (inputs.ndim - 1,)
        n_axis, n_features = len(axis), len(self.features)

        def kernel_init_wrap(rng, shape, dtype=jnp.float32):
            size_batch_dims = np.prod(shape[:n_batch_dims], dtype=np.int32)
            flat_shape = (
                np.prod(shape[n_batch_dims : n_axis + n_batch_dims]),
                np.prod(shape[-n_features:]),
            )
            kernel = jnp.concatenate(
                [self.kernel_init(rng, flat_shape, dtype) for _ in range(size_batch_dims)],  # expect: JL005
                axis=0,
            )
            return jnp.reshape(kernel, shape)

        def kernel_init_wrap_fixed(rng, shape, dtype=jnp.float32):
            size_batch_dims = np.prod(shape[:n_batch_dims], dtype=np.int32)
            flat_shape = (
                np.prod(shape[n_batch_dims : n_axis + n_batch_dims]),
                np.prod(shape[-n_features:]),
            )
            rngs = jax.random.split(rng, size_batch_dims)
            kernel = jnp.concatenate(
                [self.kernel_init(r, flat_shape, dtype) for r in rngs],  # trap: JL005
                axis=0,
            )
            return jnp.reshape(kernel, shape)

        batch_shape = tuple(inputs.shape[ax] for ax in self.batch_dims)
        kernel_shape = tuple(inputs.shape[ax] for ax in axis) + tuple(self.features)
        kernel = self.param("kernel", kernel_init_wrap, batch_shape + kernel_shape)
        kernel_fixed = self.param("kernel_fixed", kernel_init_wrap_fixed, batch_shape + kernel_shape)
        return jnp.einsum("bi,bio->bo", inputs, kernel + kernel_fixed)


x = jnp.ones((4, 3))
params = DenseGeneral(features=(5,)).init(jax.random.PRNGKey(0), x)
