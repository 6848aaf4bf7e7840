# Source: https://github.com/google/dopamine/issues/189
# "The same rng_key is used each time noise is generated meaning that no 'new' noise is generated each time an input is passed to the layer."
import jax
import jax.numpy as jnp
from flax import linen as nn


class NoisyNetwork(nn.Module):
    rng_key: jax.Array
    eval_mode: bool = False

    @staticmethod
    def sample_noise(key, shape):
        return jax.random.normal(key, shape)

    @staticmethod
    def f(x):
        return jnp.multiply(jnp.sign(x), jnp.power(jnp.abs(x), 0.5))

    @nn.compact
    def __call__(self, x, features):
        p = NoisyNetwork.sample_noise(self.rng_key, [x.shape[0], 1])
        q = NoisyNetwork.sample_noise(self.rng_key, [1, features])  # expect: JL005
        w_epsilon = NoisyNetwork.f(p) * NoisyNetwork.f(q)
        b_epsilon = jnp.squeeze(NoisyNetwork.f(q))
        w_mu = self.param("kernel_mu", nn.initializers.lecun_normal(), (x.shape[0], features))
        b_mu = self.param("bias_mu", nn.initializers.zeros, (features,))
        return jnp.matmul(x, w_mu + 0.1 * w_epsilon) + b_mu + 0.1 * b_epsilon


class NoisyNetworkFixed(nn.Module):
    rng_key: jax.Array
    eval_mode: bool = False

    @staticmethod
    def sample_noise(key, shape):
        return jax.random.normal(key, shape)

    @staticmethod
    def f(x):
        return jnp.multiply(jnp.sign(x), jnp.power(jnp.abs(x), 0.5))

    @nn.compact
    def __call__(self, x, features):
        rng_p, rng_q = jax.random.split(self.rng_key, num=2)
        p = NoisyNetworkFixed.sample_noise(rng_p, [x.shape[0], 1])
        q = NoisyNetworkFixed.sample_noise(rng_q, [1, features])  # trap: JL005
        w_epsilon = NoisyNetworkFixed.f(p) * NoisyNetworkFixed.f(q)
        b_epsilon = jnp.squeeze(NoisyNetworkFixed.f(q))
        w_mu = self.param("kernel_mu", nn.initializers.lecun_normal(), (x.shape[0], features))
        b_mu = self.param("bias_mu", nn.initializers.zeros, (features,))
        return jnp.matmul(x, w_mu + 0.1 * w_epsilon) + b_mu + 0.1 * b_epsilon


rng = jax.random.PRNGKey(1)
rng, rng_net_def, rng_net_param, rng_fixed_def, rng_fixed_param = jax.random.split(rng, num=5)
net_def = NoisyNetwork(rng_key=rng_net_def)
net_params = net_def.init(rng_net_param, x=jnp.zeros(10), features=3)
print(net_def.apply(net_params, x=jnp.ones(10), features=3))
fixed_def = NoisyNetworkFixed(rng_key=rng_fixed_def)
fixed_params = fixed_def.init(rng_fixed_param, x=jnp.zeros(10), features=3)
print(fixed_def.apply(fixed_params, x=jnp.ones(10), features=3))
