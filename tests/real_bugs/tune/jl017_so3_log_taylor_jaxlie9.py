# Source: https://github.com/brentyi/jaxlie/issues/9
# "I think the reason might be that jnp.where actually does not block any unsafe gradients (e.g. x/0)"
import jax
import jax.numpy as jnp


def so3_log(wxyz):
    w = wxyz[0]
    xyz = wxyz[1:]
    norm_sq = jnp.sum(xyz**2)
    use_taylor = norm_sq < 1e-6
    norm_safe = jnp.sqrt(jnp.where(use_taylor, 1.0, norm_sq))
    atan_n_over_w = jnp.arctan2(jnp.where(w < 0, -norm_safe, norm_safe), jnp.abs(w))
    atan_factor = jnp.where(
        use_taylor,
        2.0 / w - 2.0 / 3.0 * norm_sq / w**3,  # expect: JL017
        2.0 * atan_n_over_w / norm_safe,
    )
    return atan_factor * xyz


def so3_log_fixed(wxyz):
    w = wxyz[0]
    xyz = wxyz[1:]
    norm_sq = jnp.sum(xyz**2)
    use_taylor = norm_sq < 1e-6
    norm_safe = jnp.sqrt(jnp.where(use_taylor, 1.0, norm_sq))
    safe_w = jnp.where(use_taylor, w, 1.0)
    atan_n_over_w = jnp.arctan2(jnp.where(w < 0, -norm_safe, norm_safe), jnp.abs(w))
    atan_factor = jnp.where(
        use_taylor,
        2.0 / safe_w - 2.0 / 3.0 * norm_sq / safe_w**3,  # trap: JL017
        2.0 * atan_n_over_w / norm_safe,
    )
    return atan_factor * xyz


jax.grad(lambda q: so3_log(q).sum())(jnp.array([0.0, 1.0, 0.0, 0.0]))
