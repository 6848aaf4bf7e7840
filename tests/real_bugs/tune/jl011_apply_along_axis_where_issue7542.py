# Source: https://github.com/jax-ml/jax/issues/7542
# "jnp.apply_along_axis errors, but numpy works ... The error arose in jnp.nonzero"
import jax.numpy as jnp
import numpy as np

x = np.array([[0, 0, 1, 1], [1, 1, 0, 0], [0, 1, 1, 0]])
np.apply_along_axis(np.where, 1, x).squeeze()
jnp.apply_along_axis(jnp.where, 1, x).squeeze()  # expect: JL011
jnp.apply_along_axis(lambda row: jnp.where(row, size=2)[0], 1, x)  # trap: JL011
