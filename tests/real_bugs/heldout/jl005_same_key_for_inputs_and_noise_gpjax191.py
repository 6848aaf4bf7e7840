# Source: https://github.com/thomaspinder/GPJax/pull/191
# "In some of the examples, the same PRNGKey is used to generate both x and the noise in y, and x is sorted to avoid the correlation resulting by using the same key."
import jax.numpy as jnp
import jax.random as jr


def f(x):
    return jnp.sin(4 * x) + jnp.cos(2 * x)


def make_data(n=100, noise=0.3):
    key = jr.PRNGKey(123)
    x = jr.uniform(key=key, minval=-3.0, maxval=3.0, shape=(n,)).sort().reshape(-1, 1)
    signal = f(x)
    y = signal + jr.normal(key, shape=signal.shape) * noise  # expect: JL005
    return x, y


# The fix: split the key and use two separate keys for x and for the noise in y.
def make_data_fixed(n=100, noise=0.3):
    key = jr.PRNGKey(123)
    key, subkey = jr.split(key)
    x = jr.uniform(key=key, minval=-3.0, maxval=3.0, shape=(n,)).reshape(-1, 1)
    signal = f(x)
    y = signal + jr.normal(subkey, shape=signal.shape) * noise  # trap: JL005
    return x, y


print(make_data()[1][:3])
print(make_data_fixed()[1][:3])
