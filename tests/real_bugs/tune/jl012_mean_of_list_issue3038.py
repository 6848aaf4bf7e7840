# Source: https://github.com/jax-ml/jax/issues/3038
# "jax.numpy.sum and jax.numpy.mean inconsistency on python lists"
import jax.numpy as jnp

x = [jnp.ones((), dtype=jnp.float32), jnp.ones((), dtype=jnp.float32)]
jnp.sum(x)  # expect: JL012
jnp.mean(x)  # expect: JL012
y = jnp.array([jnp.ones(()), jnp.ones(())])
jnp.mean(y)  # trap: JL012
