# Source: https://github.com/patrick-kidger/equinox/issues/1062
# "when we changed the variables we were attempting to change as part of the operation from single integers into arrays, the compilation behaved as expected and ran at high speeds"
import equinox as eqx
import jax
import jax.numpy as jnp


class MyModule(eqx.Module):
    x: int
    data: jax.Array


class MyModuleFixed(eqx.Module):
    x: jax.Array
    data: jax.Array


@eqx.filter_jit
def _step(module):
    return MyModule(x=module.x + 1, data=module.data * 0.5)


@eqx.filter_jit
def _step_fixed(module):
    return MyModuleFixed(x=module.x + 1, data=module.data * 0.5)


module = MyModule(x=0, data=jnp.ones(10))
for _ in range(100):
    module = _step(module)  # uncovered: changing Python int field of an equinox module under filter_jit (recompiles every step)

module_fixed = MyModuleFixed(x=jnp.array(0), data=jnp.ones(10))
for _ in range(100):
    module_fixed = _step_fixed(module_fixed)
