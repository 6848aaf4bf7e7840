# Source: https://github.com/paninski-lab/eks/pull/80
# "The sequential per-keypoint Adam loop recreated `@jit`-decorated functions on every iteration, each closing over different concrete JAX arrays"
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import jit, lax, value_and_grad


def optimize_smooth_param(ys, blocks, s_finals, lr=0.25, tol=1e-3, safety_cap=300):
    ys_np = np.asarray(ys)
    for block in blocks:
        B_idx = np.asarray(block, dtype=int)
        yB = jnp.asarray(np.stack([ys_np[k] for k in B_idx], axis=0))
        s_log0 = jnp.asarray(0.0, dtype=jnp.float32)

        def block_loss(s_log):
            s = jnp.exp(s_log)
            return jnp.sum(yB**2) / s + yB.size * jnp.log(s)

        loss_and_grad = value_and_grad(block_loss)

        @jit  # expect: JL003
        def _scaled_loss_and_grad(s_log):
            loss, g = loss_and_grad(s_log)
            return loss, g * lr

        @jit  # expect: JL003
        def _run_tol_loop_local(s_log_init):
            opt_state = optax.adam(1.0).init(s_log_init)

            def cond(carry):
                _, _, prev_loss, iters, done = carry
                return jnp.logical_and(~done, iters < safety_cap)

            def body(carry):
                s_log, opt_state, prev_loss, iters, _ = carry
                loss, grad = _scaled_loss_and_grad(s_log)
                updates, opt_state = optax.adam(1.0).update(grad, opt_state)
                s_log = optax.apply_updates(s_log, updates)
                stop = jnp.abs(loss - prev_loss) < tol
                return (s_log, opt_state, loss, iters + 1, stop)

            init = (s_log_init, opt_state, jnp.inf, jnp.array(0), jnp.array(False))
            s_log_f, _, last_loss, iters_f, _ = lax.while_loop(cond, body, init)
            return s_log_f, last_loss, iters_f

        s_log_f, last_loss, iters_f = _run_tol_loop_local(s_log0)
        for k in B_idx:
            s_finals[k] = float(jnp.exp(s_log_f))


# The fix: one function of the arrays, vmapped over keypoints and jitted once.
def _optimize_one(y, s_log_init, lr, tol, safety_cap):
    def block_loss(s_log):
        s = jnp.exp(s_log)
        return jnp.sum(y**2) / s + y.size * jnp.log(s)

    def cond(carry):
        _, _, prev_loss, iters, done = carry
        return jnp.logical_and(~done, iters < safety_cap)

    def body(carry):
        s_log, opt_state, prev_loss, iters, _ = carry
        loss, grad = value_and_grad(block_loss)(s_log)
        updates, opt_state = optax.adam(1.0).update(grad * lr, opt_state)
        s_log = optax.apply_updates(s_log, updates)
        return (s_log, opt_state, loss, iters + 1, jnp.abs(loss - prev_loss) < tol)

    opt_state = optax.adam(1.0).init(s_log_init)
    init = (s_log_init, opt_state, jnp.inf, jnp.array(0), jnp.array(False))
    s_log_f, _, last_loss, iters_f, _ = lax.while_loop(cond, body, init)
    return s_log_f


_optimize_all = jit(jax.vmap(_optimize_one, in_axes=(0, 0, None, None, None)), static_argnums=(4,))


def optimize_smooth_param_fixed(ys, s_finals, lr=0.25, tol=1e-3, safety_cap=300):
    s_log0 = jnp.zeros(ys.shape[0], dtype=jnp.float32)
    s_log_f = _optimize_all(ys, s_log0, lr, tol, safety_cap)  # trap: JL003
    s_finals[:] = np.asarray(jnp.exp(s_log_f))


ys = jnp.ones((28, 100, 2))
s_finals = np.zeros(28)
optimize_smooth_param(ys, [[k] for k in range(28)], s_finals)
optimize_smooth_param_fixed(ys, s_finals)
