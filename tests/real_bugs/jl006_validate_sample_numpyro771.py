# Source: https://github.com/pyro-ppl/numpyro/issues/771
# Distribution validation calls bool() on a reduce_and of traced samples inside a jitted body.
import jax
import jax.numpy as jnp


def validate_sample(value, support_min):
    if not jnp.all(value >= support_min):  # expect: JL006
        raise ValueError("sample outside the support")
    return value


@jax.jit
def body_fn(value, support_min):
    value = validate_sample(value, support_min)
    return jnp.log(value - support_min + 1.0)


@jax.jit
def body_fn_fixed(value, support_min):
    # Mask invalid values instead of raising at trace time.
    ok = jnp.all(value >= support_min)
    return jnp.where(ok, jnp.log(value - support_min + 1.0), -jnp.inf)  # trap: JL006
