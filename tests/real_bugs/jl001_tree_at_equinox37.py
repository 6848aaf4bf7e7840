# Source: https://github.com/patrick-kidger/equinox/issues/37
# Equinox modules are frozen; running statistics are updated out of place with eqx.tree_at.
import equinox as eqx
import jax.numpy as jnp


class RunningMean(eqx.Module):
    mean: jnp.ndarray
    count: jnp.ndarray


def update(stats: RunningMean, x):
    count = stats.count + 1
    mean = stats.mean + (x - stats.mean) / count
    return eqx.tree_at(lambda s: (s.mean, s.count), stats, (mean, count))  # trap: JL001


def update_buffer(stats: RunningMean, i, x):
    buf = stats.mean
    buf[i] = x  # expect: JL001
    return stats
