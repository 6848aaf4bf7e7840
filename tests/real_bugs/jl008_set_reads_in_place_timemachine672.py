# Source: https://github.com/proteneer/timemachine/pull/672
# "It's a little annoying that .set() returns an object as semantically it seems to mean set in
# place": a half-migrated helper halves the charges in place and forgets the result.
import jax.numpy as jnp


def halve_charges(qlj_params):
    qlj_params = jnp.asarray(qlj_params)
    qlj_params.at[:, 0].multiply(0.5)  # expect: JL008
    return qlj_params


def halve_charges_fixed(qlj_params):
    src = jnp.asarray(qlj_params).at[:, 0].set(qlj_params[:, 0] * 0.5)  # trap: JL008
    src = jnp.asarray(src).at[:, 2].set(src[:, 2] * 0.5)
    return src
