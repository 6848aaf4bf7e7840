# Source: https://github.com/jax-ml/jax/issues/10231
# "NonConcreteBooleanIndexError: Array boolean indices must be concrete; got ShapedArray(bool[4897])"
import jax
import jax.numpy as jnp


@jax.jit
def stuff_proj(age_idx, stuff):
    ages_pred = jnp.unique(age_idx)  # expect: JL011
    return stuff[ages_pred]


@jax.jit
def stuff_proj_fixed(age_idx, stuff, n_ages: int = 30):
    ages_pred = jnp.unique(age_idx, size=n_ages, fill_value=0)  # trap: JL011
    return stuff[ages_pred]
