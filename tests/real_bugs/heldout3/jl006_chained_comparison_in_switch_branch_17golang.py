# Source: https://m.17golang.com/article/456939.html
# "当代码中出现类似 0. < x < 1. 的链式比较时,Python会将其解析为 (0. < x) and (x < 1.) ... 触发 TracerBoolConversionError"
import jax.numpy as jnp
from jax import grad
from jax.lax import switch

func_0 = lambda x: jnp.where(0.0 < x < 1.0, x, 0.0)  # expect: JL006
func_1 = lambda x: jnp.where(0.0 < x < 1.0, x, 1.0)  # expect: JL006

func_list = [func_0, func_1]
func = lambda index, x: switch(index, func_list, x)

fixed_0 = lambda x: jnp.where((0.0 < x) & (x < 1.0), x, 0.0)  # trap: JL006
fixed_1 = lambda x: jnp.where((0.0 < x) & (x < 1.0), x, 1.0)  # trap: JL006

fixed_func = lambda index, x: switch(index, [fixed_0, fixed_1], x)

df = grad(func, argnums=1)(1, 0.5)
df_fixed = grad(fixed_func, argnums=1)(1, 0.5)
print(df, df_fixed)
