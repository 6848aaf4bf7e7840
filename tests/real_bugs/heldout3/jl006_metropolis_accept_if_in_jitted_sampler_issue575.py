# Source: https://github.com/jax-ml/jax/issues/575
# "I'm trying to sample from an exponential distribution using Metropolis-Hasting sampling, and I'm getting the error above when I'm trying to jit the sampling function."
import itertools as it
from functools import partial

import jax.numpy as np
from jax import jit, lax, random

N = 10

marg_1 = lambda i, x: x[i]
marg_2 = lambda i, j, x: x[i] * x[j]

marg_1s = [jit(partial(marg_1, i)) for i in range(N)]
marg_2s = [jit(partial(marg_2, i, j)) for i, j in list(it.combinations(range(N), r=2))]
funcs = marg_1s + marg_2s


@jit
def calc_e(factors, word):
    return np.sum([factor * func(word) for factor, func in zip(factors, funcs)])  # expect: JL012


@jit
def calc_e_fixed(factors, word):
    return np.sum(np.stack([factor * func(word) for factor, func in zip(factors, funcs)]))  # trap: JL012


@jit
def sample(factors, N=10, seed=0, n_samps=100):
    key = random.PRNGKey(seed)
    key, subkey = random.split(key)
    state = random.randint(subkey, minval=0, maxval=2, shape=(N,))
    all_states = []
    for _ in range(n_samps):
        all_states.append(state)
        for i in range(N):  # expect: JL018 (unrolled 10 x 100 times with the loop around it)
            state_flipped = state.at[i].set(1 - state[i])
            dE = calc_e(factors, state_flipped) - calc_e(factors, state)
            if dE < 0:  # expect: JL006
                state = state_flipped
            else:
                key, subkey = random.split(key)
                rand = random.uniform(subkey, shape=(1,))
                if rand < np.exp(-dE):  # expect: JL006
                    state = state_flipped
    return all_states


@partial(jit, static_argnums=(1, 3))
def sample_fixed(factors, N=10, key=None, n_samps=100):
    key, subkey = random.split(key)
    state = random.randint(subkey, minval=0, maxval=2, shape=(N,))

    def flip(carry, i):
        state, key = carry
        state_flipped = state.at[i].set(1 - state[i])
        dE = calc_e_fixed(factors, state_flipped) - calc_e_fixed(factors, state)
        key, subkey = random.split(key)
        rand = random.uniform(subkey)
        accept = (dE < 0) | (rand < np.exp(-dE))
        return (np.where(accept, state_flipped, state), key), None  # trap: JL006

    def sweep(carry, _):
        carry, _ = lax.scan(flip, carry, np.arange(N))
        return carry, carry[0]

    _, all_states = lax.scan(sweep, (state, key), None, length=n_samps)
    return all_states


factors = np.ones(N + N * (N - 1) // 2) * 0.1
sample(factors)
sample_fixed(factors, 10, random.PRNGKey(0), 100)
