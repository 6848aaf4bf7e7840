# Source: https://github.com/PennyLaneAI/pennylane/pull/947
# "While we handle this for you automatically in op-by-op mode, when in a ``jax.jit`` function, each call will return the exact same samples if done incorrectly."
import jax
import pennylane as qml

dev = qml.device("default.qubit", wires=1, shots=10, seed=jax.random.PRNGKey(0))


@jax.jit
@qml.qnode(dev, interface="jax")
def circuit():
    qml.Hadamard(0)
    return qml.sample(qml.PauliZ(wires=0))


a = circuit()
b = circuit()  # uncovered: the device's key is baked into the jitted qnode; b is a replay of a


# The fix: build the device inside the jitted function from a key argument, and pass
# a new key on every call.
@jax.jit
def circuit_fixed(key):
    dev = qml.device("default.qubit", wires=1, shots=10, seed=key)

    @qml.qnode(dev, interface="jax")
    def inner():
        qml.Hadamard(0)
        return qml.sample(qml.PauliZ(wires=0))

    return inner()


key1, key2 = jax.random.split(jax.random.PRNGKey(1))
c = circuit_fixed(key1)
d = circuit_fixed(key2)
print(a, b, c, d)
