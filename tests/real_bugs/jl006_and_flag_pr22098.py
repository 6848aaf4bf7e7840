# Source: https://github.com/jax-ml/jax/pull/22098
# A flag passed positionally to a jitted function is traced; `and` needs its truth value.
import jax


@jax.jit
def choose(use_bias):
    if True and use_bias:  # expect: JL006
        return 1
    return 0


def choose_static(use_bias: bool) -> int:
    # The maintainers' answer: keep the flag a Python bool outside the traced code.
    if use_bias:  # trap: JL006
        return 1
    return 0


choose_fixed = jax.jit(choose_static, static_argnums=0)  # trap: JL006
