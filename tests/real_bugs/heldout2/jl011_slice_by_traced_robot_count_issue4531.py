# Source: https://github.com/jax-ml/jax/issues/4531
# "I was trying to jit compile the following function but i'm running into index dynamic array error."

import jax.numpy as jnp
from jax import jit


def compute_x(n_rob, P, cost_mat_inv_x, lincost_mat):
    nvar = jnp.shape(P)[1]
    sol_x = jnp.dot(cost_mat_inv_x, lincost_mat[0])
    primal_sol_x = sol_x[0 : n_rob * nvar]  # expect: JL011
    cx = primal_sol_x.reshape(n_rob, nvar)  # expect: JL011
    x = jnp.dot(P, cx.T).T
    return x


def compute_x_fixed(n_rob, P, cost_mat_inv_x, lincost_mat):
    nvar = jnp.shape(P)[1]
    sol_x = jnp.dot(cost_mat_inv_x, lincost_mat[0])
    primal_sol_x = sol_x[0 : n_rob * nvar]  # trap: JL011
    cx = primal_sol_x.reshape(n_rob, nvar)  # trap: JL011
    x = jnp.dot(P, cx.T).T
    return x


n_rob, nvar, num = 4, 11, 100
P = jnp.ones((num, nvar))
cost_mat_inv_x = jnp.eye(n_rob * nvar + 5)
lincost_mat = jnp.ones((3, n_rob * nvar + 5))
jit(compute_x)(n_rob, P, cost_mat_inv_x, lincost_mat)
jit(compute_x_fixed, static_argnums=(0,))(n_rob, P, cost_mat_inv_x, lincost_mat)
