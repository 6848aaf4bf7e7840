# Source: https://github.com/choderalab/pymbar/issues/557
# "When calling pymbar with both nbootstraps  and initialize='BAR' set ... Then with jax enabled, we got an error"
import jax.numpy as jnp
import numpy as np


def solve_mbar(u_kn, N_k, f_k):
    # The JAX solver: what it returns is a JAX array.
    log_w = jnp.log(N_k)[:, None] + f_k[:, None] - u_kn
    return -jnp.log(jnp.exp(-u_kn - jnp.max(log_w, axis=0)).sum(axis=1))


def bar(w_F, w_R):
    return float(np.mean(w_F) - np.mean(w_R)) / 2


def initialize_with_bar(u_kn, N_k, x_kindices, f_k_init):
    initialization_order = np.where(N_k > 0)[0]
    for index in range(0, np.size(initialization_order) - 1):
        k = initialization_order[index]
        l = initialization_order[index + 1]
        w_F = u_kn[l, x_kindices == k] - u_kn[k, x_kindices == k]
        w_R = u_kn[k, x_kindices == l] - u_kn[l, x_kindices == l]
        if len(w_F) > 0 and len(w_R) > 0:
            f_k_init[l] = f_k_init[k] + bar(w_F, w_R)  # expect: JL001
        else:
            f_k_init[l] = 0  # expect: JL001
    return f_k_init


# The fix: take a NumPy copy before writing into it.
def initialize_with_bar_fixed(u_kn, N_k, x_kindices, f_k_init):
    f_k_init = np.array(f_k_init)
    initialization_order = np.where(N_k > 0)[0]
    for index in range(0, np.size(initialization_order) - 1):
        k = initialization_order[index]
        l = initialization_order[index + 1]
        w_F = u_kn[l, x_kindices == k] - u_kn[k, x_kindices == k]
        w_R = u_kn[k, x_kindices == l] - u_kn[l, x_kindices == l]
        if len(w_F) > 0 and len(w_R) > 0:
            f_k_init[l] = f_k_init[k] + bar(w_F, w_R)  # trap: JL001
        else:
            f_k_init[l] = 0  # trap: JL001
    return f_k_init


u_kn = np.random.rand(3, 30)
N_k = np.array([10, 10, 10])
x_kindices = np.repeat(np.arange(3), 10)
f_k = solve_mbar(u_kn, N_k, jnp.zeros(3))
for b in range(2):
    rints = np.random.randint(30, size=30)
    print(initialize_with_bar(u_kn[:, rints], N_k, x_kindices[rints], f_k_init=f_k))
    print(initialize_with_bar_fixed(u_kn[:, rints], N_k, x_kindices[rints], f_k_init=f_k))
