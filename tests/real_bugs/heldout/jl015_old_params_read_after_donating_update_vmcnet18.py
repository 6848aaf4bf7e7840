# Source: https://github.com/jeffminlin/vmcnet/pull/18
# "Tests were failing on GPU because we forgot to remove the `donate_argnums` argument to our pmap calls when we switched to saving old params."
import jax
import jax.numpy as jnp


def update_fn(params, grads):
    return jax.tree_util.tree_map(lambda p, g: p - 0.01 * g, params, grads)


update = jax.pmap(update_fn, donate_argnums=(0,))

n = jax.local_device_count()
params = {"w": jnp.ones((n, 4))}
grads = {"w": jnp.ones((n, 4))}

old_params = params
params = update(params, grads)
step_norm = jnp.linalg.norm(old_params["w"] - params["w"])  # expect: JL015


# The fix: the old params are still needed after the step, so do not donate them.
update_fixed = jax.pmap(update_fn)

params = {"w": jnp.ones((n, 4))}
old_params = params
params = update_fixed(params, grads)
step_norm = jnp.linalg.norm(old_params["w"] - params["w"])  # trap: JL015
print(step_norm)
