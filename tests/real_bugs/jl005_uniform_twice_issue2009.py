# Source: https://github.com/jax-ml/jax/issues/2009
# "Almost every single new user will incorrectly reuse the PRNG key in this way."
import jax


def init_weights(seed):
    key = jax.random.PRNGKey(seed)
    a = jax.random.uniform(key, (10, 10))
    b = jax.random.uniform(key, (10, 10))  # expect: JL005
    return a, b


class KeyGenerator:
    """The proposal in the thread: a generator that splits on every draw."""

    def __init__(self, seed):
        self._key = jax.random.PRNGKey(seed)

    def next(self):
        self._key, new_key = jax.random.split(self._key)
        return new_key


def init_weights_fixed(seed):
    keygen = KeyGenerator(seed)
    a = jax.random.uniform(keygen.next(), (10, 10))
    b = jax.random.uniform(keygen.next(), (10, 10))  # trap: JL005
    return a, b
