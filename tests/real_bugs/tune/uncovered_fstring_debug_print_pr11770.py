# Source: https://github.com/jax-ml/jax/pull/11770
# "If you do something like this: jax.debug.print(f\"{x}\", x=x) i.e use an f-string, you'll print out a traced x inside of the JIT instead of the actual value."
import jax


@jax.jit
def f(x):
    jax.debug.print(f"{x}", x=x)  # uncovered: f-string formats the tracer at trace time
    return x + 1


@jax.jit
def f_fixed(x):
    jax.debug.print("{x}", x=x)
    return x + 1
