"""More of JL005's examples, kept apart so the rule module stays under 600 lines."""

from __future__ import annotations

from jaxlint.rules.base import Invalid, Valid

# Two draws that each element of a result takes one of, and a draw on an arm not taken.
_VALID_PATHS = (
    Valid("""
        import jax
        import jax.numpy as jnp
        def on_triangle(rng, corners):
            return jax.random.uniform(rng, (2,)) * corners[:2]
        def on_square(rng, corners):
            return jax.random.uniform(rng, (2,)) * corners[2:]
        def position(key, corners, n):
            # Each element comes from one draw or the other: the bits never meet.
            return jax.lax.select(n <= 3, on_triangle(key, corners), on_square(key, corners))
        def noise(key, mask):
            return jnp.where(mask, jax.random.normal(key, (4,)), jax.random.uniform(key, (4,)))
        """),
    Valid("""
        import jax
        def make_loader(rng, data, shuffle=True):
            if shuffle:
                order = jax.random.permutation(rng, len(data))
                data = [data[i] for i in order]
            return data
        def run(seed, train, evaluation):
            rng = jax.random.key(seed)
            train_loader = make_loader(rng, train)
            eval_loader = make_loader(rng, evaluation, shuffle=False)  # draws nothing
            return train_loader, eval_loader
        """),
    Valid("""
        import jax
        def policy(params, obs, key, deterministic=False):
            mean = params * obs
            if deterministic:
                return mean  # an evaluation call leaves here, before the draw
            return mean + jax.random.normal(key, mean.shape)
        def evaluate(params, obs, seed):
            key = jax.random.key(seed)
            first = policy(params, obs, key, deterministic=True)
            second = policy(params, obs, key, True)
            return first, second, jax.random.split(key)
        """),
)

_VALID_DEFINITIONS = (
    # A call binds to the definition that reaches it (a notebook redefines a helper in a
    # later cell): the first `compute` takes no key.
    Valid("""
        import jax
        def compute(scale):
            return scale * 2.0
        scale = 10.0
        a = compute(scale)
        b = compute(scale)
        def compute(key, scale=1.0):
            return scale * jax.random.normal(key, (3,))
        c = compute(jax.random.key(0))
        """),
)

_VALID_SPLIT = (
    # Distinct elements of one split are distinct keys; a list of keys may be changed
    # in place (`subkeys[0] = ...`), so its elements are not followed.
    Valid("""
        import jax
        def init(key, prior):
            subkeys = jax.random.split(key, 3)
            w = jax.random.normal(subkeys[0], (4, 4))
            b = jax.random.normal(subkeys[1], (4,))
            scale = prior.sample(seed=subkeys[2])
            return w, b, scale
        def refresh(key):
            pool = list(jax.random.split(key, 2))
            a = jax.random.normal(pool[0], ())
            pool[0] = jax.random.fold_in(key, 7)
            return a, jax.random.normal(pool[0], ())
        def shuffled(key):
            key, *subkeys = jax.random.split(key, 3)  # a list
            a = jax.random.normal(subkeys[0], ())
            subkeys[0] = key
            return a, jax.random.normal(subkeys[0], ())
        def aligned(key, arrays):
            subkeys = jax.random.split(key, 2)
            return [jax.random.permutation(subkeys[0], a) for a in arrays]  # one order
        """),
    # `seed=` of an unknown call is a draw only where the name surely holds a key.
    Valid("""
        import numpy as np
        def shuffled(data, seed):
            order = np.random.default_rng(seed=seed).permutation(len(data))
            again = np.random.default_rng(seed=seed).permutation(len(data))
            return data[order], data[again]
        """),
)

# An attribute followed as a key only where it holds one key for the whole call.
VALID_ATTRIBUTES = (
    Valid("""
        import jax
        class Trainer:
            def __init__(self, key):
                self.key = key
                self.key, sub = jax.random.split(self.key)  # stored as it goes
                self.init = jax.random.normal(sub, ())
                self.key, sub = jax.random.split(self.key)
                self.noise = jax.random.normal(sub, ())
        """),
    Valid("""
        import jax
        class Agent:
            def __init__(self, seed):
                self._rng = jax.random.key(seed)
            @property
            def rng(self):  # a fresh key on every read
                self._rng, sub = jax.random.split(self._rng)
                return sub
            def act(self):
                return jax.random.normal(self.rng, ()), jax.random.normal(self.rng, ())
        """),
    Valid("""
        import jax
        class Walker:
            def __init__(self, seed):
                self.key = jax.random.key(seed)
            def advance(self):
                self.key, _ = jax.random.split(self.key)
            def walk(self):
                a = jax.random.normal(self.key, ())
                self.advance()  # stores a new key
                return a + jax.random.normal(self.key, ())
        """),
)

# A function mapped over the leaves of a tree: a key of its own per leaf, or one leaf.
_VALID_LEAVES = (
    Valid("""
        import jax
        def noised(grads, key, scale):
            leaves, treedef = jax.tree.flatten(grads)
            keys = jax.tree.unflatten(treedef, list(jax.random.split(key, len(leaves))))
            return jax.tree.map(lambda g, k: g + scale * jax.random.normal(k, g.shape), grads, keys)
        def jitter(x, key):
            x = jax.numpy.asarray(x)
            return jax.tree.map(lambda a: a + jax.random.normal(key, a.shape), x)  # one leaf
        def minibatch(batch, key):
            # One order for every leaf: observations and actions stay aligned.
            return jax.tree.map(lambda x: jax.random.permutation(key, x), batch)
        def shuffle(x, rng):
            return jax.random.permutation(rng, x.reshape(-1, *x.shape[2:]))
        def minibatches(transitions, rng):
            return jax.tree.map(lambda x: shuffle(x, rng), transitions)  # through a helper
        """),
)

VALID_MORE = _VALID_PATHS + _VALID_DEFINITIONS + _VALID_SPLIT + VALID_ATTRIBUTES + _VALID_LEAVES

INVALID_MORE = (
    # The call leaves the flag at its default: it passes the early return and draws.
    Invalid(
        """
        import jax
        def policy(params, obs, key, deterministic=False):
            if deterministic:
                return params * obs
            return params * obs + jax.random.normal(key, obs.shape)
        def rollout(params, obs, key):
            action = policy(params, obs, key)
            return action, jax.random.split(key)
        """,
        fixed="""
        import jax
        def policy(params, obs, key, deterministic=False):
            if deterministic:
                return params * obs
            return params * obs + jax.random.normal(key, obs.shape)
        def rollout(params, obs, key):
            key, subkey = jax.random.split(key)
            action = policy(params, obs, subkey)
            return action, jax.random.split(key)
        """,
        line=8,
        message="already consumed by `policy` (parameter `key`)",
    ),
    # `tree_map` calls its function once per leaf: a key it closes over is drawn from
    # once per leaf, the same bits for every parameter (jax PR 3646, pymdp issue 430).
    Invalid(
        """
        import jax
        from jax import random, tree_util
        def private_grad(grads, rng, std):
            noise = lambda g: g + std * random.normal(rng, g.shape)
            return tree_util.tree_map(noise, grads)
        def sample(marginals, rng_key):
            return jax.tree.map(lambda x: random.categorical(rng_key, x), marginals)
        """,
        count=2,
        line=4,
        message="PRNG key `rng` is consumed by `jax.random.normal` in a function that",
    ),
    # One element of an array of keys, by a literal index, drawn from twice.
    Invalid(
        """
        import jax
        def init_layers(key):
            subkeys = jax.random.split(key, 3)
            w = jax.random.normal(subkeys[0], (4, 4))
            b = jax.random.uniform(subkeys[0], (4,))
            return w, b, subkeys[1]
        """,
        line=5,
        message="PRNG key `subkeys[0]` is reused: it was already consumed by `jax.random.normal`",
    ),
    # A distribution's sampler takes its key as `seed=` (TensorFlow Probability, distrax).
    Invalid(
        """
        import jax
        def perturb(prior, noise, seed):
            rng = jax.random.key(seed)
            shift = prior.sample(seed=rng)
            jitter = noise.sample((3,), seed=rng)
            return shift + jitter
        """,
        fixed="""
        import jax
        def perturb(prior, noise, seed):
            rng = jax.random.key(seed)
            rng, subkey = jax.random.split(rng)
            shift = prior.sample(seed=subkey)
            jitter = noise.sample((3,), seed=rng)
            return shift + jitter
        """,
        line=5,
        message="already consumed by the `seed=` argument of a call",
    ),
    # A static method consumes its own first parameter, through the class or an instance.
    Invalid(
        """
        import jax
        class Sampler:
            @staticmethod
            def draw(key, n):
                return jax.random.normal(key, (n,))
            def pair(self, key):
                a = self.draw(key, 3)
                b = Sampler.draw(key, 3)
                return a, b
        """,
        fixed="""
        import jax
        class Sampler:
            @staticmethod
            def draw(key, n):
                return jax.random.normal(key, (n,))
            def pair(self, key):
                key, subkey = jax.random.split(key)
                a = self.draw(subkey, 3)
                b = Sampler.draw(key, 3)
                return a, b
        """,
        line=8,
        message="already consumed by `draw` (parameter `key`)",
    ),
    # A key held by a field of the object, the same for the whole call: drawn twice.
    Invalid(
        """
        import dataclasses
        import jax
        @dataclasses.dataclass
        class Dropout:
            key: jax.Array
            rate: float
            def __call__(self, x):
                keep = jax.random.bernoulli(self.key, 1 - self.rate, x.shape)
                noise = jax.random.normal(self.key, x.shape)
                return x * keep + noise
        """,
        line=9,
        message="PRNG key `self.key` is reused: it was already consumed by",
    ),
    # Set once in the constructor, consumed on every pass of a loop.
    Invalid(
        """
        import jax
        class Explorer:
            def __init__(self, seed):
                self.key = jax.random.key(seed)
            def rollout(self, steps):
                return [jax.random.uniform(self.key, ()) for _ in range(steps)]
        """,
        line=6,
        message="PRNG key `self.key` is consumed by `jax.random.uniform` in every iteration",
    ),
)
