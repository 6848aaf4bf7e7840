# Source: https://github.com/FhG-IISB/jNO/pull/115
# "optax carries its step count inside the optimizer state, and that state was re-initialised on every `solve()` ... A training loop that calls `solve()` in chunks ... therefore restarted every optax schedule on each call and never left the first few steps of it."
import jax
import jax.numpy as jnp
import optax


def loss(params):
    return jnp.sum((params - 3.0) ** 2)


class Solver:
    def __init__(self, params):
        schedule = optax.exponential_decay(1e-1, transition_steps=10, decay_rate=0.5)
        self.optimizer = optax.adam(schedule)
        self.params = params

    def solve(self, epochs):
        opt_state = self.optimizer.init(self.params)  # uncovered: optimizer state (and its schedule count) re-initialised on every call
        for _ in range(epochs):
            grads = jax.grad(loss)(self.params)
            updates, opt_state = self.optimizer.update(grads, opt_state)
            self.params = optax.apply_updates(self.params, updates)
        return self.params


# The fix: keep the optimizer state across calls.
class SolverFixed(Solver):
    def __init__(self, params):
        super().__init__(params)
        self.opt_state = self.optimizer.init(params)

    def solve(self, epochs):
        for _ in range(epochs):
            grads = jax.grad(loss)(self.params)
            updates, self.opt_state = self.optimizer.update(grads, self.opt_state)
            self.params = optax.apply_updates(self.params, updates)
        return self.params


s = Solver(jnp.zeros(2))
for _ in range(5):
    s.solve(40)
f = SolverFixed(jnp.zeros(2))
for _ in range(5):
    f.solve(40)
print(s.params, f.params)
