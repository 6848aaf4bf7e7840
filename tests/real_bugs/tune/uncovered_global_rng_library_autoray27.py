# Source: https://github.com/jcmgray/autoray/issues/27
# "Noticed that the outputs were not random, and I believe it is due to jit tracing out the global key in autoray."
import autoray as ar
import jax


@jax.jit
def sampler():
    return ar.do("random.normal", like="jax")  # uncovered: hidden global RNG state under jit


@jax.jit
def sampler_fixed(key):
    return jax.random.normal(key)


for _ in range(10):
    print(sampler())

key = jax.random.PRNGKey(0)
for _ in range(10):
    key, subkey = jax.random.split(key)
    print(sampler_fixed(subkey))
