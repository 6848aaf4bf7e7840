# Source: https://github.com/data-apis/array-api/pull/999
# "But jax jitting this iterative function with data-dependent control flow doesn't work!"
import jax
import jax.numpy as xp


def is_converged(xprev, x, N, tol):
    err = xp.sum(xp.abs(x - xprev))
    return err < xp.asarray(N * tol)


def hits(A, max_iter=100, tol=1.0e-8):
    N = A.shape[0]
    h = xp.full(N, 1.0 / N)
    for _i in range(max_iter):
        hprev = h
        a = hprev @ A
        h = A @ a
        h = h / xp.max(h)
        if is_converged(hprev, h, N, tol):  # expect: JL006
            break
    return h


def hits_fixed(A, max_iter=100, tol=1.0e-8):
    N = A.shape[0]

    def cond(state):
        i, hprev, h = state
        return (i < max_iter) & ~is_converged(hprev, h, N, tol)  # trap: JL006

    def body(state):
        i, _, h = state
        h_new = A @ (h @ A)
        return i + 1, h, h_new / xp.max(h_new)

    h0 = xp.full(N, 1.0 / N)
    first = A @ (h0 @ A)
    _, _, h = jax.lax.while_loop(cond, body, (1, h0, first / xp.max(first)))
    return h


A = xp.ones((4, 4))
jax.jit(hits)(A)
jax.jit(hits_fixed)(A)
