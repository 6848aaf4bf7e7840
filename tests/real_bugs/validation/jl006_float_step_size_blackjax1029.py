# Source: https://github.com/blackjax-devs/blackjax/issues/1029
# "chees_adaptation(...).run raises ConcretizationTypeError under jax.jit whenever mass_matrix_estimation is set, because _apply_length_floor is called with float(step_size_ma) on a traced array."
import jax
import jax.numpy as jnp


def _apply_length_floor(trajectory_length, lambda_max, step_size):
    return jnp.maximum(trajectory_length, step_size * jnp.sqrt(lambda_max))


@jax.jit
def run(log_step_size_moving_average, trajectory_length, lambda_max):
    step_size_ma = jnp.exp(log_step_size_moving_average)
    return _apply_length_floor(trajectory_length, lambda_max, float(step_size_ma))  # expect: JL006


@jax.jit
def run_fixed(log_step_size_moving_average, trajectory_length, lambda_max):
    step_size_ma = jnp.exp(log_step_size_moving_average)
    return _apply_length_floor(trajectory_length, lambda_max, step_size_ma)  # trap: JL006
