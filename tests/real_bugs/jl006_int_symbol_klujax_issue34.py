# Source: https://github.com/gdsfactory/klujax/issues/34
# int() on a value that is a tracer under jit; the fix guards with isinstance(Tracer).
import jax
import jax.numpy as jnp


def analyze_handle(pattern):
    raw_symbol = jnp.sum(pattern).astype(jnp.uint32)
    return int(raw_symbol)  # expect: JL006


@jax.jit
def solve_circuit(pattern, rhs):
    handle = analyze_handle(pattern)
    return rhs * handle


def analyze_handle_guarded(pattern):
    raw_symbol = jnp.sum(pattern).astype(jnp.uint32)
    if isinstance(raw_symbol, jax.core.Tracer):
        return raw_symbol
    return int(raw_symbol)  # trap: JL006


@jax.jit
def solve_circuit_guarded(pattern, rhs):
    handle = analyze_handle_guarded(pattern)
    return rhs * handle
