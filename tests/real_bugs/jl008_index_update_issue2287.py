# Source: https://github.com/jax-ml/jax/issues/2287
# "index_update does not update": the functional update's result is thrown away each step
# (written here with today's .at[] spelling of the same call).
import jax.numpy as np


def pendulum(n, dt=1e-3, x0=1.5, v0=0.0):
    tab_x = np.zeros(n)
    tab_v = np.zeros(n)
    c = 4 * np.pi**2
    x, v = x0, v0
    for i in range(n):
        x = x + v * dt
        v = v - c * np.sin(x) * dt
        tab_x.at[i].set(x)  # expect: JL008
        tab_v.at[i].set(v)  # expect: JL008
    return tab_x, tab_v


def pendulum_fixed(n, dt=1e-3, x0=1.5, v0=0.0):
    tab_x = np.zeros(n)
    tab_v = np.zeros(n)
    c = 4 * np.pi**2
    x, v = x0, v0
    for i in range(n):
        x = x + v * dt
        v = v - c * np.sin(x) * dt
        tab_x = tab_x.at[i].set(x)  # trap: JL008
        tab_v = tab_v.at[i].set(v)
    return tab_x, tab_v
