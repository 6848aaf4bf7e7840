# Source: https://github.com/nglaze00/SCoNe_GCN/issues/3
# "n_nbrs = onp.array([len(nbrhoods_dict[n]) for n in last_nodes]) TypeError: unhashable type: 'DeviceArray'"
import jax.numpy as np
import numpy as onp


def neighbour_counts(nbrhoods_dict, paths):
    last_nodes = np.array([p[-1] for p in paths])
    return onp.array([len(nbrhoods_dict[n]) for n in last_nodes])  # uncovered: JAX array used as a dict key


def neighbour_counts_fixed(nbrhoods_dict, paths):
    last_nodes = onp.array([p[-1] for p in paths])
    return onp.array([len(nbrhoods_dict[n]) for n in last_nodes])
