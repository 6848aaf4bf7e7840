# Source: https://github.com/PennyLaneAI/pennylane/issues/6380
# "Pennylane provides incorrect results or non-informative errors depending on the circumstances."
import jax
import pennylane as qml

dev = qml.device("default.qubit")


@jax.jit
@qml.qnode(dev)
def circuit(input_wires):
    qml.Hadamard(input_wires[1])  # uncovered: traced value used as a wire label
    return qml.probs(wires=[0, 1])


print(circuit([0, 1]))


# The fix: wires are static structure; keep them out of the traced arguments.
@qml.qnode(dev)
def circuit_fixed(input_wires):
    qml.Hadamard(input_wires[1])
    return qml.probs(wires=[0, 1])


print(jax.jit(circuit_fixed, static_argnums=0)((0, 1)))
