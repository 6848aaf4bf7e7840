# Source: https://github.com/jaxleyverse/jaxley/issues/218
# "The caveat is that stimulate modifies the module's state, so complications might arise when simulations are jitted, particularly if the modification to the global state is not retained."
import jax
import jax.numpy as jnp
import jaxley as jx

comp = jx.Compartment()
branch = jx.Branch(comp, ncomp=4)
cell = jx.Cell(branch, parents=[-1, 0, 0])
cell.branch(0).comp(0).record()


def simulate(i_amp):
    current = jx.step_current(1.0, 1.0, i_amp, 0.025, 5.0)
    cell.branch(1).comp(1).stimulate(current)  # expect: JL002
    return jx.integrate(cell)


v = jax.jit(simulate)(0.01)


# The fix (data_stimulate, jaxley#219): build the stimuli as data and pass them in;
# the cell is not modified inside the jitted function.
cell_fixed = jx.Cell(branch, parents=[-1, 0, 0])
cell_fixed.branch(0).comp(0).record()


def simulate_fixed(i_amp):
    current = jx.step_current(1.0, 1.0, i_amp, 0.025, 5.0)
    data_stimuli = cell_fixed.branch(1).comp(1).data_stimulate(current, None)  # trap: JL002
    return jx.integrate(cell_fixed, data_stimuli=data_stimuli)


v_fixed = jax.jit(simulate_fixed)(jnp.asarray(0.01))
