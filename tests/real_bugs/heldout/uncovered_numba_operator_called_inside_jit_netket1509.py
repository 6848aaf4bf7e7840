# Source: https://github.com/netket/netket/pull/1509
# "This is a common error I've seen several people make, especially when trying to use operators from netket."
import jax
import netket as nk

g = nk.graph.Square(4)
hi = nk.hilbert.Spin(0.5, g.n_nodes)
ha = nk.operator.Ising(hi, graph=g, h=0.5)

# Numba-based operators run on concrete NumPy arrays; under jit they get tracers.
xp, mels = jax.jit(lambda x: ha.get_conn_padded(x))(ha.hilbert.all_states())  # uncovered: numba-based operator called on a tracer inside jit

# The fix: convert the operator to its JAX version before using it in a transformation.
ha_jax = ha.to_jax_operator()
xp, mels = jax.jit(lambda x: ha_jax.get_conn_padded(x))(ha.hilbert.all_states())
