# Source: https://github.com/secretflow/secretflow/issues/406
# "the jax jit requires array boolean indices must be concrete, so I tried two methods, both failed"
import jax
import jax.numpy as jnp


@jax.jit
def update_centroids(X, labels, centroids):
    for j in range(centroids.shape[0]):
        centroids = centroids.at[j].set(X[labels == j].mean(axis=0))  # expect: JL011
    return centroids


@jax.jit
def update_centroids_where(X, labels, n_clusters=3):
    return jnp.array([jnp.mean(X[jnp.where(labels == j)], axis=0) for j in range(n_clusters)])  # expect: JL011


@jax.jit
def update_centroids_fixed(X, labels, centroids):
    for j in range(centroids.shape[0]):
        member = (labels == j)[:, None]
        total = jnp.where(member, X, 0.0).sum(axis=0)  # trap: JL011
        centroids = centroids.at[j].set(total / member.sum())
    return centroids
