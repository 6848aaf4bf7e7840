# Source: https://github.com/EiffL/Quarks2CosmosDataChallenge/pull/6
# "replacing JAX array with numpy array, so that it is explicitely not something to be traced"
import haiku as hk
import jax
import jax.numpy as jnp
import numpy as onp


class Decoder(hk.Module):
    def __init__(self, channels_per_group=(8, 16, 32, 64, 128), name=None):
        super().__init__(name=name)
        self.channels_per_group = channels_per_group

    def __call__(self, z):
        net = hk.Linear(3 * 3 * 32)(z)
        net = net.reshape([-1, 3, 3, 32])
        strides = (1, 2, 2, 2, 2)
        for i in jnp.arange(5)[::-1]:
            net = hk.Conv2DTranspose(
                output_channels=self.channels_per_group[i],  # expect: JL006
                kernel_shape=3,
                stride=strides[i],  # expect: JL006
            )(net)
        return net


class DecoderFixed(hk.Module):
    def __init__(self, channels_per_group=(8, 16, 32, 64, 128), name=None):
        super().__init__(name=name)
        self.channels_per_group = channels_per_group

    def __call__(self, z):
        net = hk.Linear(3 * 3 * 32)(z)
        net = net.reshape([-1, 3, 3, 32])
        strides = (1, 2, 2, 2, 2)
        for i in onp.arange(5)[::-1]:
            net = hk.Conv2DTranspose(
                output_channels=self.channels_per_group[i],  # trap: JL006
                kernel_shape=3,
                stride=strides[i],  # trap: JL006
            )(net)
        return net


decode = hk.transform(lambda z: Decoder()(z))
decode_fixed = hk.transform(lambda z: DecoderFixed()(z))
key_a, key_b = jax.random.split(jax.random.PRNGKey(0))
z = jnp.ones((1, 16))
params = jax.jit(decode.init)(key_a, z)
params_fixed = jax.jit(decode_fixed.init)(key_b, z)
