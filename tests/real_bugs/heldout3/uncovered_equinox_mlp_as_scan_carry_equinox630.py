# Source: https://github.com/patrick-kidger/equinox/issues/630
# "not sure if this is really a bug or intended, but it's not possible to pass an `eqx.Module` as carry in a `jax.lax.scan`."
import equinox as eqx
import jax


class SimpleMLP(eqx.Module):
    mlp: eqx.nn.MLP

    def __init__(self, *, key) -> None:
        self.mlp = eqx.nn.MLP(in_size=3, out_size=1, width_size=32, depth=2, key=key)

    def __call__(self, x):
        return self.mlp(x)


def rollout(mlp, xs):
    def step(carry, x):
        mlp = carry
        val = mlp(x)
        carry = mlp
        return carry, [val]

    _, scan_out = jax.lax.scan(step, [mlp], xs)  # uncovered: equinox module with non-array fields passed as a scan carry
    return scan_out


def rollout_fixed(mlp, xs):
    params, static = eqx.partition(mlp, eqx.is_array)

    def step(carry, x):
        model = eqx.combine(carry, static)
        return carry, [model(x)]

    _, scan_out = jax.lax.scan(step, params, xs)
    return scan_out


key = jax.random.PRNGKey(42)
key, subkey = jax.random.split(key)
mlp = SimpleMLP(key=key)
xs = jax.random.normal(key=subkey, shape=(200, 3))
vals = rollout(mlp, xs)
vals_fixed = rollout_fixed(mlp, xs)
