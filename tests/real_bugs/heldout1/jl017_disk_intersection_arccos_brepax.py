# Source: https://lv416e.github.io/brepax/explanation/jax_where_gradient_pitfall/
# "When disks are disjoint (d >> r1 + r2), the forward pass correctly returns 0.0. But the backward pass computes d(lens)/d(r1) anyway ... producing NaN."
import jax
import jax.numpy as jnp


def intersection_area(d, r1, r2):
    cos_alpha = (d**2 + r1**2 - r2**2) / (2 * d * r1)
    cos_beta = (d**2 + r2**2 - r1**2) / (2 * d * r2)
    alpha = jnp.arccos(jnp.clip(cos_alpha, -1.0, 1.0))
    beta = jnp.arccos(jnp.clip(cos_beta, -1.0, 1.0))
    lens = r1**2 * (alpha - jnp.sin(2 * alpha) / 2) + r2**2 * (beta - jnp.sin(2 * beta) / 2)
    disjoint = d >= r1 + r2
    contained = d <= jnp.abs(r1 - r2)
    contained_area = jnp.pi * jnp.minimum(r1, r2) ** 2
    return jnp.where(disjoint, 0.0, jnp.where(contained, contained_area, lens))  # expect: JL017


def intersection_area_fixed(d, r1, r2, eps=1e-6):
    safe_d = jnp.maximum(d, 1e-10)
    cos_alpha = jnp.clip((safe_d**2 + r1**2 - r2**2) / (2 * safe_d * r1), -1.0 + eps, 1.0 - eps)
    cos_beta = jnp.clip((safe_d**2 + r2**2 - r1**2) / (2 * safe_d * r2), -1.0 + eps, 1.0 - eps)
    alpha = jnp.arccos(cos_alpha)
    beta = jnp.arccos(cos_beta)
    lens = r1**2 * (alpha - jnp.sin(2 * alpha) / 2) + r2**2 * (beta - jnp.sin(2 * beta) / 2)
    disjoint = d >= r1 + r2
    contained = d <= jnp.abs(r1 - r2)
    contained_area = jnp.pi * jnp.minimum(r1, r2) ** 2
    return jnp.where(disjoint, 0.0, jnp.where(contained, contained_area, lens))  # trap: JL017


jax.grad(intersection_area, argnums=1)(5.0, 1.0, 1.0)
jax.grad(intersection_area_fixed, argnums=1)(5.0, 1.0, 1.0)
