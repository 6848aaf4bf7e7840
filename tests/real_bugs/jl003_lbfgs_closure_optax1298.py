# Source: https://github.com/google-deepmind/optax/issues/1298
# "The closures you're creating aren't compilation cache friendly": a new objective per run.
import jax
import jax.numpy as jnp


def objective(params, data):
    return jnp.sum((params - data) ** 2)


def benchmark_runs(datasets, params0):
    results = []
    for data in datasets:
        value_and_grad = jax.jit(jax.value_and_grad(lambda p: objective(p, data)))  # expect: JL003
        results.append(value_and_grad(params0))
    return results


value_and_grad_fixed = jax.jit(jax.value_and_grad(objective))


def benchmark_runs_fixed(datasets, params0):
    return [value_and_grad_fixed(params0, data) for data in datasets]  # trap: JL003
