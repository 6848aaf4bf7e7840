"""JL005 prng-key-reuse: one ``jax.random`` key consumed twice."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.fix.edits import Fix
from jaxlint.fix.findings import Diagnostic
from jaxlint.model import Binding, BindingKind, CallSite, Loop, Param, Scope, SemanticModel
from jaxlint.model.analyze.decided import skipped_for_call
from jaxlint.model.analyze.exclusive import exclusive_guards
from jaxlint.rules.base import Invalid, Rule, Valid
from jaxlint.rules.jl005_examples import INVALID_MORE, VALID_MORE
from jaxlint.rules.jl005_key_split import KeyUse, key_held, split_before, split_in_loop
from jaxlint.rules.jl005_paths import (
    branches_apart,
    leaf_mapping,
    per_leaf_message,
    selected_apart,
    stores_or_only_traces,
)
from jaxlint.rules.triggers import Trigger
from jaxlint.syntax.blocks import FreshNames


class _Consumers:
    """Which calls consume a key, on evidence: a ``jax.random`` sampler or ``split``, or a
    function of this file whose own body consumes the parameter the key is passed to
    (its summary, computed once per function and parameter). A key handed to a function
    we cannot see may only be hashed, stored or returned: that is no evidence, except
    through a keyword named like a key, counted only where the name surely holds one
    (see :func:`_evidenced`)."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.summaries: dict[tuple[int, str], bool] = {}
        #: the calls through which a function consumes its parameter's key
        self.consuming: dict[tuple[int, str], list[CallSite]] = {}

    def key_argument(self, site: CallSite) -> tuple[cst.BaseExpression, str, bool] | None:
        """The argument through which ``site``'s call consumes a key, the consumer, and
        whether that is certain (else only a keyword named like a key)."""
        call = site.call
        name = site.qualified_name
        if name is not None and name.startswith("jax.random."):
            if name in jf.RANDOM_NON_CONSUMING:
                return None
            for arg in call.args:
                if arg.keyword is None and not arg.star:
                    return arg.value, f"`{name}`", True
                if arg.keyword is not None and arg.keyword.value == "key":
                    return arg.value, f"`{name}`", True
            return None
        callee = site.callee
        if callee is not None:
            for param in callee.params.values():
                if param.starred:
                    continue
                passed = site.argument(param)
                if passed is None or passed is param.default:
                    continue
                if self.consumes(callee, param) and not all(
                    skipped_for_call(self.model, inner, site)
                    for inner in self.consuming[(id(callee), param.name)]
                ):  # `load(rng, shuffle=False)` skips the arm that draws
                    return passed, f"`{callee.name}` (parameter `{param.name}`)", True
            return None  # a function we can read, which does not consume what it is given
        if stores_or_only_traces(call, name):
            return None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in jf.KEY_PARAMETER_NAMES:
                return arg.value, f"the `{arg.keyword.value}=` argument of a call", False
        return None

    def consumes(self, function: Scope, param: Param) -> bool:
        """Whether ``function`` consumes the key its parameter ``param`` holds."""
        key = (id(function), param.name)
        if key in self.summaries:
            return self.summaries[key]
        self.summaries[key] = False  # a recursive call is no evidence by itself
        consuming = self.consuming.setdefault(key, [])
        for site in function.calls:
            found = self.key_argument(site)
            if found is None or not found[2] or not isinstance(found[0], cst.Name):
                continue
            if found[0].value != param.name:
                continue
            reaching = self.model.reaching(param.name, site.scope, site.ordinal)
            if reaching is not None and _first_use_of_param(reaching.bindings, site):
                consuming.append(site)
        self.summaries[key] = bool(consuming)
        return bool(consuming)


def _first_use_of_param(bindings: Sequence[Binding], site: CallSite) -> bool:
    """Whether the key ``site`` is given is the parameter's own when the site first runs:
    the parameter reaches it, and anything else that does is rebound in a loop around
    the site (``for ...: rng, key = split(rng)``), so exists only from the second pass."""
    if not any(b.kind is BindingKind.PARAM for b in bindings):
        return False
    for binding in bindings:
        if binding.kind is BindingKind.PARAM:
            continue
        loop = site.loop
        while loop is not None and not loop.contains(binding.ordinal):
            loop = loop.parent
        if loop is None:
            return False
    return True


def _made_key(model: SemanticModel, binding: Binding) -> bool:
    """``binding`` gives its name a PRNG key, on evidence: the result of a key-making
    ``jax.random`` call (``key``, ``PRNGKey``, ``split``, ``fold_in``, ...; an element or
    an unpacked part of one), or a parameter annotated as a key (``jax.Array`` is not
    enough: an array is no key)."""
    if binding.kind is BindingKind.PARAM:
        param = binding.scope.params.get(binding.name)
        annotation = param.annotation if param is not None else None
        if annotation is None:
            return False
        where = binding.scope.parent or binding.scope
        return model.qualified_name(annotation, where) in jf.KEY_ANNOTATIONS
    value = binding.value
    if isinstance(value, cst.Subscript):
        value = value.value  # keys[0], split(key)[1]
    if not isinstance(value, cst.Call):
        return False
    return model.qualified_name(value.func, binding.code_scope) in jf.KEY_MAKING_CALLS


def _evidenced(model: SemanticModel, group: list[KeyUse]) -> list[KeyUse]:
    """The uses that consume a key on evidence: those of ``jax.random`` (or of a helper
    that hands the key to it), and ``key=``/``rng=`` arguments of unknown calls only where
    every binding the name may hold there is a key: made by ``jax.random``, annotated as
    one, or consumed by ``jax.random`` elsewhere. A name that also holds a dict key or
    an attention key elsewhere is no key there."""
    consumed = {id(binding) for use in group if use.sampler for binding in _reaching(model, use)}
    kept = []
    for use in group:
        if not use.sampler:
            bindings = _reaching(model, use)
            if not bindings or not all(id(b) in consumed or _made_key(model, b) for b in bindings):
                continue
        kept.append(use)
    return kept


def _reaching(model: SemanticModel, use: KeyUse) -> list[Binding]:
    found = model.reaching(use.name, use.site.scope, use.site.ordinal)
    return [] if found is None else found.bindings


class PrngKeyReuse(Rule):
    code = "JL005"
    name = "prng-key-reuse"
    summary = "A PRNG key is consumed twice without being split"
    triggers = frozenset({Trigger.RANDOM_KEY_NAME})
    what_it_does = """
        Checks, anywhere (traced or not), for one `jax.random` key consumed twice: given to
        two `jax.random` samplers (or `split`), or to calls whose parameter is a key (`key`,
        `rng`, `prng_key`, `rng_key`, ...), with no `split`, `fold_in` or reassignment of the
        name in between along the same path. Also checks for a key consumed inside a loop
        body (or comprehension) and never replaced in that body: every iteration reuses it,
        and for a key a function closes over and consumes where `jax.tree.map` (or
        `tree_util.tree_map`, `map_with_path`) applies that function to every leaf of a tree
        that is not one array: every leaf reuses it (for the `jax.random` draws of values
        only: `permutation` and `choice` give one order for every leaf, which keeps the
        arrays of a batch aligned, and `split` or a helper may do the same).

        Works through aliases (`import jax.random as jr`, `from jax import random`) and for
        typed keys (`jax.random.key`) as for legacy `PRNGKey`s. The two arms of an
        `if`/`else` are separate paths, as are the value arguments of `jnp.where`,
        `lax.select` and `lax.select_n` (each element of the result comes from one of them,
        so two draws there never meet), and so are the branches of one `lax.cond` or
        `lax.switch`; an arm that returns is not followed by the code after it, nor does
        an arm of one `if` reach an arm of a later one whose guard contradicts it (`mode ==
        "a"`, then `mode != "a"`, `mode` not rebound between). A key stored as a field
        (`state.replace(rng=key)`, `dataclasses.replace`) or given to `jax.eval_shape`,
        which only traces for shapes, is not consumed. A function of the file
        consumes a key only where its body draws from it or splits it on the path the call
        takes: a flag the call passes (`deterministic=True`) that skips the arm with the
        draw, or takes an arm that returns or raises before it, consumes nothing. `fold_in(key, i)` does not consume `key`: deriving several keys from one
        with distinct data is the intended use. The finding, at the second use, names the first.
        """
    why_bad = """
        JAX's random numbers are a pure function of the key: the same key gives the same
        numbers. Reusing a key makes "independent" draws identical or correlated (the same
        dropout mask in every layer, the same noise at every step), silently: nothing fails,
        the model just trains worse or the statistics are wrong.
        """
    example = """
        import jax

        def init(key):
            w = jax.random.normal(key, (3, 3))
            b = jax.random.normal(key, (3,))  # same numbers as the first row of w
            return w, b
        """
    use_instead = """
        import jax

        def init(key):
            w_key, b_key = jax.random.split(key)
            w = jax.random.normal(w_key, (3, 3))
            b = jax.random.normal(b_key, (3,))
            return w, b
        """
    fix = "sometimes"
    fix_safety = """
        For a key used twice, the fix splits it just before its first use, which takes
        the new subkey, while the later use takes the split key:
        `key, subkey = jax.random.split(key)`, then `normal(subkey, ...)` and
        `uniform(key, ...)`. (Splitting before the second use would consume the key twice
        again: once by the first use, once by the split.) It is offered only where both
        uses are statements of one block (not two arms of an `if`, not a `while` test and
        its body). For a key consumed in every iteration of a `for` or `while` loop (its
        only use in the loop), the split goes first in the loop body, and the use takes
        the subkey.

        The split is spelled with the module the use calls (`jr.split` after
        `import jax.random as jr`), another import of `jax.random` or `jax`, or a new
        `import jax`; `split` works for typed keys (`jax.random.key`) and legacy
        `PRNGKey`s alike. The subkey's name is one the file does not use.

        The fix is always unsafe: it changes the random numbers drawn (that is its
        point), and every later read of the key sees the split key.
        """
    valid = (
        Valid("""
            import jax
            def run(table, seed):
                key = jax.random.key(seed)
                noise = jax.random.normal(key, (3,))
                for key in table:  # from here on a dict key: `key=` is no draw
                    cached = fetch(key=key)
                    stored = store(key=key, value=cached)
                return noise, stored
            """),
        Valid("""
            import jax
            def cache_key(key):
                return hash(tuple(key.tolist()))  # only hashes it
            def lookup(table, key):
                a = table.get(cache_key(key))
                b = table.get(cache_key(key))
                return a, b
            """),
        Valid("""
            from functools import partial
            import jax
            def step(i, carry, delayed, full, light):
                key, batch_key = jax.random.split(carry["key"])
                full_update = partial(full, key=key, batch=batch_key)
                update = partial(light, key=key, batch=batch_key)
                return jax.lax.cond(delayed[i], full_update, update)  # runs one of them
            """),
        Valid("""
            import jax
            def train(state, rng, steps, init):
                for step in range(steps):
                    if step % 10 == 0:
                        save(state.replace(rng=rng))  # stores the key in the checkpoint
                    rng, sub = jax.random.split(rng)
                    state = state.step(sub)
                shapes = jax.eval_shape(init, rng=rng)  # traces for shapes: draws nothing
                rng, init_rng = jax.random.split(rng)
                return state, shapes, init(rng=init_rng)
            """),
        Valid("""
            import jax
            def sample(key, kind):
                match kind:
                    case "normal":
                        return jax.random.normal(key, (3,))
                    case _:
                        return jax.random.uniform(key, (3,))
            """),
        Valid("""
            import jax
            def init(key):
                key, sub = jax.random.split(key)
                w = jax.random.normal(sub, (3,))
                key, sub = jax.random.split(key)
                b = jax.random.uniform(sub, (3,))
                return w, b
            """),
        Valid("""
            import jax.random as jr
            def sample(key, train):
                if train:
                    return jr.bernoulli(key, 0.5, (3,))
                else:
                    return jr.normal(key, (3,))
            """),
        Valid("""
            from jax import random
            def sample(key, n, flag):
                if flag:
                    return random.normal(key, (n,))
                noise = random.uniform(key, (n,))
                return noise
            """),
        Valid("""
            import jax
            def noise(key, steps):
                out = []
                for t in range(steps):
                    key, sub = jax.random.split(key)
                    out.append(jax.random.normal(sub, ()))
                keys = jax.random.split(key, steps)
                out += [jax.random.normal(k, ()) for k in keys]
                folded = [jax.random.normal(jax.random.fold_in(key, i), ()) for i in range(3)]
                return out, folded
            """),
        Valid("""
            import jax
            def draw(key, shape):
                x = jax.random.normal(key, shape) if len(shape) > 1 else jax.random.uniform(key, shape)
                data = jax.random.key_data(key)
                return x, data
            """),
    ) + VALID_MORE
    invalid = (
        Invalid(
            """
            import jax
            def make_batch(key, n):
                return jax.random.normal(key, (n, 3))
            def train(key, steps):
                a = make_batch(key, 4)
                b = make_batch(key, 4)  # the helper consumes its key: the same batch twice
                return a, b
            """,
            fixed="""
            import jax
            def make_batch(key, n):
                return jax.random.normal(key, (n, 3))
            def train(key, steps):
                key, subkey = jax.random.split(key)
                a = make_batch(subkey, 4)
                b = make_batch(key, 4)  # the helper consumes its key: the same batch twice
                return a, b
            """,
            line=6,
            message="already consumed by `make_batch` (parameter `key`)",
        ),
        Invalid(
            """
            import jax
            def noise(key, n):
                out = []
                for _ in range(n):
                    key, sub = jax.random.split(key)  # the first pass splits the key given
                    out.append(jax.random.normal(sub))
                return out
            def train(key):
                a = noise(key, 4)
                key, sub = jax.random.split(key)
                return a, sub
            """,
            fixed="""
            import jax
            def noise(key, n):
                out = []
                for _ in range(n):
                    key, sub = jax.random.split(key)  # the first pass splits the key given
                    out.append(jax.random.normal(sub))
                return out
            def train(key):
                key, subkey = jax.random.split(key)
                a = noise(subkey, 4)
                key, sub = jax.random.split(key)
                return a, sub
            """,
            line=10,
            message="already consumed by `noise` (parameter `key`)",
        ),
        Invalid(
            """
            import jax
            def init(key):
                w = jax.random.normal(key, (3, 3))
                b = jax.random.normal(key, (3,))
                return w, b
            """,
            # reported at the second use, naming the first
            fixed="""
            import jax
            def init(key):
                key, subkey = jax.random.split(key)
                w = jax.random.normal(subkey, (3, 3))
                b = jax.random.normal(key, (3,))
                return w, b
            """,
            line=4,
            column=9,
            message="already consumed by `jax.random.normal`",
        ),
        Invalid(
            """
            import jax.random as jr
            def noisy(key, steps):
                x = 0.0
                for t in range(steps):
                    x = x + jr.normal(key, ())
                return x
            """,
            fixed="""
            import jax.random as jr
            def noisy(key, steps):
                x = 0.0
                for t in range(steps):
                    key, subkey = jr.split(key)
                    x = x + jr.normal(subkey, ())
                return x
            """,
        ),
        Invalid(
            """
            import jax
            def make(seed):
                key = jax.random.key(seed)
                dropout_mask = jax.random.bernoulli(key, 0.9, (4,))
                a, b = jax.random.split(key)
                return dropout_mask, a, b
            """,
            fixed="""
            import jax
            def make(seed):
                key = jax.random.key(seed)
                key, subkey = jax.random.split(key)
                dropout_mask = jax.random.bernoulli(subkey, 0.9, (4,))
                a, b = jax.random.split(key)
                return dropout_mask, a, b
            """,
        ),
        Invalid(
            """
            import jax
            def layer(x, rng):
                return x * jax.random.bernoulli(rng, 0.5, x.shape)
            def model(x, seed):
                key = jax.random.key(seed)
                x = layer(x, key)
                x = layer(x, rng=key)
                return x
            """,
            fixed="""
            import jax
            def layer(x, rng):
                return x * jax.random.bernoulli(rng, 0.5, x.shape)
            def model(x, seed):
                key = jax.random.key(seed)
                key, subkey = jax.random.split(key)
                x = layer(x, subkey)
                x = layer(x, rng=key)
                return x
            """,
        ),
        Invalid("""
            import jax
            def sample(key, shapes):
                return [jax.random.normal(key, s) for s in shapes]
            """),
        Invalid("""
            from jax import random
            def f(flag):
                key = random.PRNGKey(0)
                if flag:
                    a = random.normal(key, ())
                b = random.uniform(key, ())
                return b
            """),
    ) + INVALID_MORE

    def check(self, model: SemanticModel) -> Iterator[Diagnostic]:
        uses: dict[tuple[int, str, int | str | None], list[KeyUse]] = {}
        consumers = _Consumers(model)
        names = FreshNames(model.module)
        per_leaf: set[int] = set()
        for site in model.calls:
            found = consumers.key_argument(site)
            held = None if found is None else key_held(model, found[0], site, _made_key)
            if held is None:
                continue
            name, index = held
            resolved = model.lookup(name, site.scope)
            if resolved is not None and resolved.owner is not site.scope and found[2]:
                # A closed-over key: its uses in other functions are not ordered, but a
                # function mapped over the leaves of a tree draws from it once per leaf.
                mapping = leaf_mapping(model, site, name) if index is None else None
                if mapping is not None and id(site.scope) not in per_leaf:
                    per_leaf.add(id(site.scope))
                    message = per_leaf_message(model, name, found[1], mapping)
                    yield Diagnostic(self.code, site.node, message, None)
            if resolved is None or resolved.owner is not site.scope:
                continue
            uses.setdefault((id(site.scope), name, index), []).append(
                KeyUse(name, found[0], site, found[1], found[2], index)
            )
        for group in uses.values():
            # `key=` also carries dict keys and attention keys: count it only where the
            # name surely holds a PRNG key.
            evidenced = _evidenced(model, group)
            if evidenced:
                yield from self.check_group(model, names, evidenced)

    def check_group(
        self, model: SemanticModel, names: FreshNames, group: list[KeyUse]
    ) -> Iterator[Diagnostic]:
        """One finding per value of the key (per binding of its name): the first reuse,
        with a count of the further ones, so one forgotten split is one finding."""
        scope = group[0].site.scope
        found: dict[int, tuple[KeyUse, str, Fix | None]] = {}  # binding ordinal -> finding
        more: dict[int, int] = {}
        for position, use in enumerate(group):
            value = self.binding_ordinal(scope, use)
            earlier = self.previous_use(model, scope, group[:position], use)
            loop = None if earlier is not None else self.carried_loop(model, scope, use)
            if earlier is None and loop is None:
                continue
            if value in found:
                more[value] = more.get(value, 0) + 1
                continue
            split = f"`{use.name}, subkey = jax.random.split({use.name})`"
            if use.name == "subkey" or use.index is not None:
                split = f"`key_a, key_b = jax.random.split({use.shown})`"
            if earlier is not None:
                line = model.line_name(earlier.site.node)
                message = (
                    f"PRNG key `{use.shown}` is reused: it was already consumed by "
                    f"{earlier.consumer} on {line}, so both draw the same random bits; "
                    f"split it first ({split})"
                )
                fix = split_before(model, names, earlier, use)
            else:
                assert loop is not None
                what = loop.describe()
                message = (
                    f"PRNG key `{use.shown}` is consumed by {use.consumer} in every iteration of "
                    f"this {what} but never split in it: each iteration draws the same random "
                    f"bits; split it in the loop ({split}) or iterate over "
                    f"`jax.random.split({use.shown}, n)`"
                )
                inside = [other for other in group if loop.contains(other.site.ordinal)]
                fix = split_in_loop(model, names, loop, use) if len(inside) == 1 else None
            found[value] = (use, message, fix)
        for value, (use, message, fix) in found.items():
            if more.get(value):
                count = more[value]
                message += (
                    f" (the same key is reused {count} more time{'s' if count > 1 else ''} below)"
                )
            yield Diagnostic(self.code, use.site.node, message, fix)

    @staticmethod
    def binding_ordinal(scope: Scope, use: KeyUse) -> int:
        """Which value of the name ``use`` sees: the ordinal of the last binding before it."""
        before = [
            b.ordinal for b in scope.bindings.get(use.name, ()) if b.ordinal < use.site.ordinal
        ]
        return max(before, default=-1)

    @staticmethod
    def previous_use(
        model: SemanticModel, scope: Scope, earlier: list[KeyUse], use: KeyUse
    ) -> KeyUse | None:
        for before in reversed(earlier):
            if model.bound_between(use.name, scope, before.site.ordinal, use.site.ordinal):
                continue
            if before.site.node is use.site.node:
                continue
            if selected_apart(scope, before, use) or branches_apart(model, scope, before, use):
                continue
            if model.reaches(before.site, use.site) and not exclusive_guards(
                model, scope, before.site, use.site
            ):
                return before
        return None

    @staticmethod
    def carried_loop(model: SemanticModel, scope: Scope, use: KeyUse) -> Loop | None:
        """The innermost loop around ``use`` in which the key is never rebound."""
        loop = use.site.loop
        if loop is None:
            return None
        if model.bound_between(use.name, scope, loop.start - 1, loop.end):
            return None
        branch = use.site.branch
        while branch is not None:
            # `if found: return random.normal(key)` leaves the loop after one use.
            if branch.terminates and loop.contains(branch.ordinal):
                return None
            branch = branch.parent
        return loop
