"""More of JL011's examples, kept apart so the rule module stays under 600 lines."""

from __future__ import annotations

from jaxlint.rules.base import Invalid, Valid

VALID_MORE = (
    Valid("""
        from functools import partial
        import jax
        import jax.numpy as jnp
        from jax.scipy.special import multigammaln
        def rows(x):
            return jnp.apply_along_axis(jnp.sum, 1, x, 0)  # only the row is traced
        def log_gamma(a, d):
            return jax.jit(partial(multigammaln, d=d))(a) + jax.jit(jnp.sum)(a, None)
        """),
    # An axis given as a Python int is static.
    Valid("""
        import jax
        import jax.numpy as jnp
        @jax.jit
        def drop_unit(x):
            axis = 1
            return jnp.squeeze(x, axis) + jax.lax.squeeze(x, (axis,)).sum()
        """),
)

INVALID_MORE = (
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        import numpy as np
        CLASSES = np.array([3, 1, 3, 2])
        @jax.jit
        def n_classes(x):
            return x.size + jnp.unique(CLASSES).size  # the constant is staged
        """,
        line=7,
    ),
    # `squeeze`'s axis must be static, as `expand_dims`'s: an array there is staged.
    Invalid(
        """
        import jax
        import jax.numpy as jnp
        @jax.jit
        def drop_unit(x):
            axis = jnp.array(1, dtype=jnp.int32)
            return jnp.squeeze(x, axis) + jax.lax.squeeze(x, (axis,)).sum()
        """,
        count=2,
        message="`jnp.squeeze` gets traced `axis` for `axis`",
    ),
)
