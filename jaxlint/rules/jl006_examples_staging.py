"""JL006's examples of what staging reaches: loops that surely run, functions run in
place under jit, MCMC kernels, flags that change a result's kind (kept apart so the
examples module stays under 600 lines)."""

from __future__ import annotations

from jaxlint.rules.base import Invalid, Valid
from jaxlint.rules.jl006_examples_calls import CALL_INVALID, CALL_VALID

STAGING_VALID = (
    # A numpyro model run eagerly by its seed handler draws concrete values.
    Valid("""
        import numpyro
        import numpyro.distributions as dist
        from numpyro import handlers
        def model():
            rate = numpyro.sample("rate", dist.Exponential(1.0))
            if rate > 2.0:
                return rate
            return 2.0
        draw = handlers.seed(model, rng_seed=0)()
        """),
)

STAGING_INVALID = (
    # A loop over a literal range runs its body: `hits` after it is the traced sum.
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        @jax.jit
        def flip_if_hit(xs):
            hits = 0
            for row in range(4):
                hits = hits + jnp.sum(xs[row] > 0)
            if hits:
                return -xs
            return xs
        """,
        line=8,
    ),
    # vmap inside jit: the vmapped function runs in the jit's trace, constants staged.
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        LIMITS = (1.0, 4.0)
        def clip_row(row):
            upper = jnp.max(jnp.asarray(LIMITS))
            if upper > 2.0:
                return jnp.minimum(row, upper)
            return row
        @jax.jit
        def clip_rows(rows):
            return jax.vmap(clip_row)(rows)
        """,
        line=6,
    ),
    # An MCMC kernel stages the model: its sample sites are tracers.
    Invalid(
        """
        import numpyro
        import numpyro.distributions as dist
        from numpyro.infer import HMC, MCMC
        def model(y):
            scale = numpyro.sample("scale", dist.HalfNormal(1.0))
            while scale > 3.0:
                scale = scale / 2
            numpyro.sample("y", dist.Normal(0.0, scale), obs=y)
        def fit(key, y):
            MCMC(HMC(model), num_warmup=10, num_samples=10).run(key, y)
        """,
        line=6,
    ),
    # A flag that changes what comes back (one array, not a tuple) keeps it traced.
    Invalid(
        """
        import jax
        from jax.scipy.linalg import eigh
        @jax.jit
        def rank(m):
            count = 0
            for value in eigh(m, eigvals_only=True):
                if value > 1e-6:
                    count += 1
            return count
        """,
        line=7,
    ),
)

#: Every example kept apart from jl006_examples.py: those about calls, and these.
# A chained comparison is an `and`: every link but the last is asked for its truth.
CHAIN_VALID = (
    Valid("""
        import jax
        import jax.numpy as jnp
        @jax.jit
        def clipped(x):
            inside = (0.0 < x) & (x < 1.0)  # elementwise, no bool asked
            small = 0 < x.shape[0] < 10  # static links
            return jnp.where(inside, x, 0.0) if small else x * (0 < 1 < x)  # the last is kept
        """),
)
CHAIN_INVALID = (
    Invalid(
        """
        import jax.numpy as jnp
        from jax import grad
        from jax.lax import switch
        func_0 = lambda x: jnp.where(0.0 < x < 1.0, x, 0.0)
        func_1 = lambda x: jnp.where(0.0 < x < 1.0, x, 1.0)
        func_list = [func_0, func_1]
        func = lambda index, x: switch(index, func_list, x)  # stages both branches
        df = grad(func, argnums=1)(1, 0.5)
        """,
        count=2,
        line=4,
        message="Python chained comparison `0.0 < x < 1.0` on traced value `0.0 < x`",
    ),
)

MORE_VALID = CALL_VALID + STAGING_VALID + CHAIN_VALID
MORE_INVALID = CALL_INVALID + STAGING_INVALID + CHAIN_INVALID
