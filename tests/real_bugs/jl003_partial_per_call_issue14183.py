# Source: https://github.com/jax-ml/jax/issues/14183
# A new Partial / lambda around the function for every parameter value triggers compilation.
from functools import partial

import jax


def some_function(x, parameter):
    return x + parameter


def sweep(xs, parameters):
    out = []
    for p in parameters:
        fn = jax.jit(partial(some_function, parameter=p))  # expect: JL003
        out.append(fn(xs))
    return out


def sweep_lambda(xs, parameters):
    return [jax.jit(lambda x: some_function(x, p))(xs) for p in parameters]  # expect: JL003


some_function_jit = jax.jit(some_function)


def sweep_fixed(xs, parameters):
    return [some_function_jit(xs, p) for p in parameters]  # trap: JL003


def compiled_table(parameters):
    # A table of compiled functions, each called later many times: compiles once per entry.
    return {p: jax.jit(partial(some_function, parameter=p)) for p in parameters}  # trap: JL003
