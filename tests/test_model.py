"""The semantic model's facts, asked directly: names, traced functions, static params, arrays."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from jaxlint.model import (
    ArrayProof,
    Fact,
    Point,
    Scope,
    ScopeKind,
    SemanticModel,
    TransformKind,
    build_model,
)
from jaxlint.model.lattices.containers import CONTAINERS
from jaxlint.model.lattices.flags import FlagTest

END = 1 << 40  # a point after every statement of a function


def array(model: SemanticModel, expr: cst.BaseExpression, scope: Scope) -> bool | None:
    """Array-ness as True / False / None, for compact expectations."""
    fact = model.array_fact(expr, Point(scope, END))
    return {Fact.YES: True, Fact.NO: False, Fact.UNKNOWN: None}[fact]


def model_of(source: str, traced_decorators: tuple[str, ...] = ()) -> SemanticModel:
    return build_model(cst.parse_module(textwrap.dedent(source)), traced_decorators)


def function(model: SemanticModel, qualname: str) -> Scope:
    (found,) = [f for f in model.functions if f.qualname == qualname]
    return found


def traced(model: SemanticModel) -> set[str]:
    return {
        f.qualname
        for f in model.functions
        if model.trace(f).traced and f.kind is ScopeKind.FUNCTION
    }


def returned_is_array(model: SemanticModel, qualname: str) -> bool | None:
    """Array-ness of the expression in the function's last `return`."""
    scope = function(model, qualname)
    body = scope.node.body.body  # type: ignore[attr-defined]
    statement = body[-1].body[0]
    assert isinstance(statement, cst.Return) and statement.value is not None
    return array(model, statement.value, scope)


@pytest.mark.parametrize(
    ("imports", "expression", "expected"),
    [
        ("import jax.numpy as jnp", "jnp.zeros", "jax.numpy.zeros"),
        ("from jax import numpy as np", "np.zeros", "jax.numpy.zeros"),
        ("import numpy as onp", "onp.zeros", "numpy.zeros"),
        ("from jax import jit, lax", "lax.scan", "jax.lax.scan"),
        ("from jax import jit, lax", "jit", "jax.jit"),
        ("from functools import partial", "partial", "functools.partial"),
        ("import jax", "jax.numpy.linalg.norm", "jax.numpy.linalg.norm"),
        ("import jax.random as jr", "jr.normal", "jax.random.normal"),
        ("from jax import random", "random.split", "jax.random.split"),
        ("import equinox as eqx", "eqx.filter_jit", "equinox.filter_jit"),
        ("import flax.linen as nn", "nn.Module", "flax.linen.Module"),
        ("import jax\njit = jax.jit", "jit", "jax.jit"),
        ("", "print", "builtins.print"),
        # An optional dependency: the fallback in the handler does not hide the import.
        (
            "try:\n    import flax.linen as nn\nexcept ImportError:\n    nn = None",
            "nn.Module",
            "flax.linen.Module",
        ),
        (
            "try:\n    import equinox as eqx\nexcept ImportError:\n    eqx = object()",
            "eqx.filter_jit",
            "equinox.filter_jit",
        ),
        (
            "try:\n    from jax import numpy as jnp\nexcept ImportError:\n    import numpy as jnp",
            "jnp.zeros",
            "jax.numpy.zeros",
        ),
    ],
)
def test_qualified_names_through_aliases(imports: str, expression: str, expected: str) -> None:
    model = model_of(f"{imports}\nvalue = {expression}\n")
    assignment = model.module.body[-1].body[0]  # type: ignore[attr-defined]
    assert model.qualified_name(assignment.value, model.module_scope) == expected


def test_every_transformation_form_marks_functions_traced() -> None:
    model = model_of("""
        from functools import partial
        import jax
        from jax import lax, jit
        import equinox as eqx

        @jax.jit
        def decorated(x): return x

        @jax.jit(static_argnames="n")
        def decorated_with_options(x, n): return x

        @partial(jax.jit, static_argnums=(1,))
        def via_partial(x, n): return x

        def _step(x): return x
        step = jax.jit(_step)

        def loss(p): return p
        def train(p):
            return jax.grad(loss)(p)

        def scan_body(carry, x): return carry, x
        def fori_body(i, c): return c
        def cond_fun(c): return c
        def body_fun(c): return c
        def yes(x): return x
        def no(x): return x
        def branch0(x): return x
        def mapped(x): return x
        def vmapped(x): return x
        def eqx_fn(x): return x
        def run(xs):
            lax.scan(scan_body, 0, xs)
            lax.fori_loop(0, 3, fori_body, xs)
            lax.while_loop(cond_fun, body_fun, xs)
            lax.cond(True, yes, no, xs)
            lax.switch(0, [branch0], xs)
            lax.map(mapped, xs)
            jax.vmap(vmapped)(xs)
            eqx.filter_jit(eqx_fn)(xs)

        def helper(x): return x
        def deeper(x): return helper(x)
        @jit
        def caller(x): return deeper(x)

        def host(x): return x
        @jax.jit
        def with_callback(x):
            jax.debug.callback(host, x)
            return x

        def never(x): return x
        """)
    assert traced(model) == {
        "decorated", "decorated_with_options", "via_partial", "_step", "loss", "scan_body",
        "fori_body", "cond_fun", "body_fun", "yes", "no", "branch0", "mapped", "vmapped",
        "eqx_fn", "helper", "deeper", "caller", "with_callback",
    }  # fmt: skip
    assert not model.trace(function(model, "host")).traced
    assert not model.trace(function(model, "never")).traced
    assert model.trace(function(model, "loss")).kinds == {TransformKind.GRAD}
    assert not model.trace(function(model, "loss")).staged
    assert model.trace(function(model, "deeper")).via == "called from traced caller"


def test_flax_modules_and_user_decorators() -> None:
    model = model_of(
        """
        import flax.linen as nn
        import mylib

        class Base(nn.Module):
            def setup(self): pass
            def __call__(self, x): return self.helper(x)
            def helper(self, x): return x
            def other(self, x): return x

        class Child(Base):
            def __call__(self, x): return x

        class Compact(nn.Module):
            @nn.compact
            def encode(self, x): return x

        class NotFlax:
            def __call__(self, x): return x

        @mylib.compiled
        def user(x): return x
        """,
        traced_decorators=("mylib.compiled",),
    )
    assert traced(model) == {
        "Base.setup", "Base.__call__", "Base.helper", "Child.__call__", "Compact.encode", "user"
    }  # fmt: skip


def test_static_parameters() -> None:
    model = model_of("""
        from functools import partial
        import jax

        @partial(jax.jit, static_argnums=(1, 2))
        def a(x, n, m, y): return x

        @jax.jit(static_argnames=("mode",))
        def b(x, mode): return x

        def c(x, n): return x
        c_jit = jax.jit(c, static_argnames="n")

        def d(k, x, n): return x
        d_jit = jax.jit(partial(d, 3), static_argnums=1)
        """)
    assert model.trace(function(model, "a")).static_params == {"n", "m"}
    assert model.trace(function(model, "b")).static_params == {"mode"}
    assert model.trace(function(model, "c")).static_params == {"n"}
    assert model.trace(function(model, "d")).static_params == {
        "n"
    }  # argnums count after partial's args


def test_static_parameters_of_methods_count_after_a_bound_self() -> None:
    model = model_of("""
        import jax

        class Model:
            def apply(self, x, n): return x
            def loss(self, x, n): return x
            def build(self):
                self.fast = jax.jit(self.apply, static_argnums=0)  # x: self is bound

        plain = jax.jit(Model.loss, static_argnums=0)  # self: the plain function
        """)
    assert model.trace(function(model, "Model.apply")).static_params == {"x"}
    assert model.trace(function(model, "Model.loss")).static_params == {"self"}


def test_instance_reads_of_methods_and_their_closures() -> None:
    model = model_of("""
        class Scaler:
            def __init__(self, w):
                self.w = w
            def apply(self, xs):
                self.calls = 1  # a store, not a read
                scale = lambda x: x * self.w + self.b
                other = [o.w for o in xs]
                return scale(xs) + self.helper(xs)
            def shadowed(self, xs):
                return [self.v for self in xs]
        """)
    assert list(function(model, "Scaler.apply").instance_reads) == ["w", "b", "helper"]
    assert function(model, "Scaler.shadowed").instance_reads == {}
    assert function(model, "Scaler.__init__").instance_reads == {}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return jnp.zeros(3)", True),
        ("return jax.random.normal(key, (3,))", True),
        ("return jax.nn.relu(jnp.ones(2))", True),
        ("return lax.add(a, a)", True),
        ("return jax.device_put(1.0)", True),
        ("return q.at[0].set(1.0)", True),
        ("y = jnp.ones(2)\n    return y * 2 + 1", True),
        ("y = jnp.ones((2, 2))\n    return y[0].T", True),
        ("y = jnp.ones(2)\n    return y.reshape(2, 1)", True),
        ("return np.zeros(3)", False),
        ("return [1, 2]", False),
        ("return {'w': 1}", False),
        ("return [jnp.zeros(1)] * 3", False),
        ("return jnp.shape(q)", None),
        ("return jnp.split(q, 2)", None),
        ("return lax.scan(f, 0, q)", None),
        # What the probes showed, one function at a time (facts/array_functions.py):
        ("return jnp.where(q)", None),  # one argument: a tuple of index arrays
        ("return jnp.where(q, a, a)", True),
        ("return jnp.unique(q)", True),
        ("return jnp.unique(q, return_counts=True)", None),  # a tuple
        ("return lax.padtype_to_pads((4,), (3,), (1,), 'SAME')", None),  # Python ints
        ("return np.sum(q)", None),  # q.sum(): a JAX array when q is one
        ("return jax.new_ref(q)", False),
        ("return q", None),  # an untraced, unannotated parameter: unknown
        ("return annotated", True),
        ("return jaxtyped", True),
        ("return count", False),
        ("y = np.zeros(3)\n    y = jnp.asarray(y)\n    return y", True),
        ("y = jnp.zeros(3)\n    y = np.asarray(y)\n    return y", False),
        # Unpacking: each name gets its own part; parts of sequences of arrays are arrays.
        ("u, v = jnp.ones(2), [1]\n    return u", True),
        ("u, v = jnp.ones(2), [1]\n    return v", False),
        ("(u, v), w = jnp.split(q, 2), 3\n    return v", True),
        ("u, s, vt = jnp.linalg.svd(jnp.ones((2, 2)))\n    return s", True),
        ("r0, r1 = jnp.ones((2, 3))\n    return r1", True),
        ("u, v = q\n    return u", None),
        ("u, v = annotated\n    return u", None),  # a traced carry may be a tuple of lists
    ],
)
def test_array_ness(body: str, expected: bool | None) -> None:
    source = f"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array, Float

def f(q, key, a, annotated: jax.Array, jaxtyped: Float[Array, "b n"], count: int):
    {body}
"""
    model = build_model(cst.parse_module(source))
    assert returned_is_array(model, "f") is expected


CONSTRUCTED, ANNOTATED = ArrayProof.CONSTRUCTED, ArrayProof.ANNOTATED


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Made by JAX: a jnp / lax / random call, arithmetic on one, an .at[] update.
        ("return jnp.zeros(3)", CONSTRUCTED),
        ("return lax.exp(jnp.ones(2)) * 2.0", CONSTRUCTED),
        ("return jax.random.normal(jax.random.key(0), (2,))", CONSTRUCTED),
        ("y = jnp.zeros(3)\n    return y.at[0].set(1.0)", CONSTRUCTED),
        ("y: jax.Array = jnp.zeros(3)\n    return y", CONSTRUCTED),  # the value decides
        # Only annotations say so: a parameter, a variable, jaxtyping, a declared field.
        ("return annotated", ANNOTATED),
        ("return jaxtyped", ANNOTATED),
        ("y: jax.Array = q\n    return y", ANNOTATED),
        ("return stats.mean", ANNOTATED),
        ("return annotated + 1.0", ANNOTATED),
        ("return annotated + jnp.ones(2)", CONSTRUCTED),  # one made part makes an array
        # Made on one path, annotated on the other: the claim rests on the annotation.
        ("y = annotated\n    if q:\n        y = jnp.zeros(3)\n    return y", ANNOTATED),
        # A host helper gives what it returns, its parameter what every call passes.
        ("return helper(annotated)", ANNOTATED),
        ("return helper(annotated) + helper(np.ones(2))", ArrayProof.UNKNOWN),  # disagree
        ("return np.zeros(3)", ArrayProof.NOT_ARRAY),
        ("return count", ArrayProof.NOT_ARRAY),  # an annotation saying "no" still counts
        ("return q", ArrayProof.UNKNOWN),
    ],
)
def test_array_proof_says_what_array_ness_rests_on(body: str, expected: ArrayProof) -> None:
    source = f"""
import dataclasses
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array, Float

@dataclasses.dataclass
class Stats:
    mean: jax.Array

def helper(x):
    return x

def f(q, stats: Stats, annotated: jax.Array, jaxtyped: Float[Array, "b n"], count: int):
    {body}
"""
    model = build_model(cst.parse_module(source))
    scope = function(model, "f")
    value, ordinal = scope.returns[-1]
    assert value is not None
    proof = model.array_proof(value, Point(scope, ordinal))
    assert proof is expected
    assert proof.fact is model.array_fact(value, Point(scope, ordinal))


def test_a_traced_argument_is_an_array_by_construction_only_with_evidence() -> None:
    # jit traces a pytree of tracers: `f([a, b])` hands `x` a list. Array operations on
    # the argument, or an array at every call, prove one tracer; its annotation does not.
    model = model_of("""
        import jax
        import jax.numpy as jnp
        import numpy as np

        @jax.jit
        def f(x: jax.Array, n: np.ndarray):
            return x

        @jax.jit
        def summed(x: jax.Array):
            return jnp.sum(x)

        @jax.jit
        def unseen(x):
            return x

        @jax.jit
        def called(x):
            return x

        @jax.jit
        def listed(x):
            return x

        def eager(x: jax.Array):
            return x

        called(jnp.zeros(3))
        listed([jnp.zeros(3)])
        listed(jnp.zeros(3))
        """)
    for name, expected in (
        ("f", ArrayProof.ANNOTATED),
        ("summed", ArrayProof.CONSTRUCTED),
        ("unseen", ArrayProof.UNKNOWN),
        ("called", ArrayProof.CONSTRUCTED),
        ("listed", ArrayProof.UNKNOWN),
        ("eager", ArrayProof.ANNOTATED),
    ):
        scope = function(model, name)
        assert model.array_proof(cst.Name("x"), Point(scope, END)) is expected, name


def test_a_traced_argument_is_an_array_only_where_every_entry_makes_it_one() -> None:
    """A function handed to ``jax.jit(f)`` (not decorated) or reached from traced code is
    still callable as is: a call in sight that passes a NumPy array makes the parameter
    UNKNOWN (``tests/test_entry_facts.py`` runs each case on jax). ``vmap(in_axes=None)``
    hands the caller's value over as is. A function of the module can be called from
    another module: its parameter is an array only on the paths in sight, EXPOSED; a
    nested one only handed to jit, or one decorated with jit, is CONSTRUCTED."""
    model = model_of("""
        import jax
        import jax.numpy as jnp
        import numpy as np

        def also_eager(x):
            return jnp.sum(x)

        def only_jitted(x):
            return jnp.sum(x)

        @jax.jit
        def decorated(x):
            return jnp.sum(x)

        def unmapped(y, x):
            return jnp.sum(x) + y

        def helper(x):
            return x

        def eager_helper(x):
            return x

        @jax.jit
        def traced(y):
            z = jnp.asarray(y)
            return helper(z), eager_helper(z)

        def outer(v):
            def nested(x):
                return jnp.sum(x)
            return jax.jit(nested)(v)

        wrapped = jax.jit(also_eager)
        out = also_eager(np.zeros(3)), eager_helper(np.zeros(3)), decorated(np.zeros(3))
        run = jax.jit(only_jitted)
        batched = jax.vmap(unmapped, in_axes=(0, None))
        """)
    for name, expected in (
        ("also_eager", ArrayProof.UNKNOWN),
        ("only_jitted", ArrayProof.EXPOSED),
        ("decorated", ArrayProof.CONSTRUCTED),
        ("unmapped", ArrayProof.UNKNOWN),
        ("helper", ArrayProof.EXPOSED),
        ("eager_helper", ArrayProof.UNKNOWN),
        ("outer.<locals>.nested", ArrayProof.CONSTRUCTED),
    ):
        scope = function(model, name)
        assert model.array_proof(cst.Name("x"), Point(scope, END)) is expected, name


def test_the_fields_of_a_kernel_s_pytree_of_refs_are_refs() -> None:
    """``meta.offsets`` of a dataclass a Pallas kernel receives (and hands to a helper)
    is a ref, however the class annotates the field."""
    model = model_of("""
        import dataclasses
        import jax
        from jax.experimental import pallas as pl

        @dataclasses.dataclass(frozen=True)
        class Meta:
            offsets: jax.Array

        def fill(meta: Meta):
            meta.offsets[0] = 0

        def kernel(o_ref, meta_ref: Meta):
            fill(meta_ref)

        def elsewhere(meta: Meta):
            return meta.offsets

        def run(x):
            return pl.pallas_call(kernel, out_shape=x)(x)
        """)
    offsets = cst.parse_expression("meta.offsets")
    fill = Point(function(model, "fill"), END)
    assert model.is_mutable_ref(offsets, fill)
    assert model.array_fact(offsets, fill) is Fact.UNKNOWN
    elsewhere = Point(function(model, "elsewhere"), END)  # no kernel passes it: annotated
    assert not model.is_mutable_ref(offsets, elsewhere)
    assert model.array_proof(offsets, elsewhere) is ArrayProof.ANNOTATED


def array_at_last_return(source: str) -> bool | None:
    """Array-ness of what ``f``'s last ``return`` returns, asked where that return is."""
    model = build_model(cst.parse_module(textwrap.dedent(source)))
    scope = function(model, "f")
    value, ordinal = scope.returns[-1]
    assert value is not None
    fact = model.array_fact(value, Point(scope, ordinal))
    return {Fact.YES: True, Fact.NO: False, Fact.UNKNOWN: None}[fact]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # An arm that returns (or raises) never hands its binding to the code after it.
        ("x = np.zeros(3)\nif c:\n    x = jnp.zeros(3)\n    return x\nreturn x", False),
        ("x = np.zeros(3)\nif c:\n    x = jnp.zeros(3)\n    raise ValueError(x)\nreturn x", False),
        # ... nor one whose every path leaves (an if/else both of whose arms return).
        (
            "x = np.zeros(3)\nif c:\n    x = jnp.zeros(3)\n    if d:\n        return x\n"
            "    else:\n        raise ValueError\nreturn x",
            False,
        ),
        # One path JAX and one NumPy (or unknown): unknown.
        ("x = np.zeros(3)\nif c:\n    x = jnp.zeros(3)\nreturn x", None),
        ("x = q\nif c:\n    x = jnp.zeros(3)\nreturn x", None),
        ("if c:\n    x = jnp.zeros(3)\nelse:\n    x = np.zeros(3)\nreturn x", None),
        ("x = np.zeros(3)\nfor i in q:\n    x = jnp.zeros(3)\nreturn x", None),  # may not run
        ("x = np.zeros(3)\ntry:\n    pass\nexcept E:\n    x = jnp.zeros(3)\nreturn x", None),
        # Every arm of an if/else (or elif chain) binds it, or leaves: that binding decides.
        ("x = q\nif c:\n    x = jnp.zeros(3)\nelse:\n    x = jnp.ones(3)\nreturn x", True),
        (
            "x = q\nif c:\n    x = jnp.zeros(3)\nelif d:\n    return q\nelse:\n"
            "    x = jnp.ones(3)\nreturn x",
            True,
        ),
        (
            "if c:\n    x = np.zeros(3)\n    x = jnp.zeros(3)\nelse:\n    x = jnp.ones(3)\nreturn x",
            True,
        ),
        # In a loop: `break` leaves the loop (its binding reaches the code after the loop
        # only), `continue` hands its binding to the next pass.
        (
            "for i in q:\n    x = np.zeros(3)\n    if c:\n        x = jnp.zeros(3)\n"
            "        break\n    return x",
            False,
        ),
        (
            "x = np.zeros(3)\nfor i in q:\n    if c:\n        x = jnp.zeros(3)\n        break\n"
            "return x",
            None,
        ),
        ("for i in q:\n    x = jnp.zeros(3)\n    return x", True),
        # A loop over a literal non-empty range or display runs its whole body at least
        # once: what the body binds is all that reaches the code after it ...
        ("x = np.zeros(3)\nfor i in range(2, 5):\n    x = jnp.zeros(3)\nreturn x", True),
        ("x = np.zeros(3)\nfor d in ('a', 'b'):\n    x = jnp.zeros(3)\nreturn x", True),
        # ... but not an empty one, nor one a `continue` or `break` may cut short.
        ("x = np.zeros(3)\nfor i in range(0):\n    x = jnp.zeros(3)\nreturn x", None),
        ("x = np.zeros(3)\nfor i in []:\n    x = jnp.zeros(3)\nreturn x", None),
        (
            "x = np.zeros(3)\nfor i in range(4):\n    if c:\n        continue\n"
            "    x = jnp.zeros(3)\nreturn x",
            None,
        ),
        (
            "x = np.zeros(3)\nfor i in range(4):\n    if c:\n        x = jnp.zeros(3)\nreturn x",
            None,
        ),
    ],
)
def test_flow_sensitive_reaching(body: str, expected: bool | None) -> None:
    source = "import jax.numpy as jnp\nimport numpy as np\n\ndef f(q, c, d):\n"
    source += textwrap.indent(body, "    ") + "\n"
    assert array_at_last_return(source) is expected


def test_a_static_method_gets_the_first_argument_for_its_first_parameter() -> None:
    model = model_of("""
        class Noise:
            @staticmethod
            def draw(key, shape):
                return key, shape
            def pair(self, key):
                return self.draw(key, 2), Noise.draw(key, 3), self.scale(key)
            def scale(self, key):
                return key
        """)
    pair = function(model, "Noise.pair")
    passed = {}
    for site in pair.calls:
        assert site.callee is not None
        first = next(p for p in site.callee.params.values() if p.index == 0)
        second = site.callee.positional_params()[1]
        passed[cst.Module([]).code_for_node(site.call)] = (
            site.binds_self,
            cst.Module([]).code_for_node(site.argument(second)),  # type: ignore[arg-type]
            site.argument(first) is None,
        )
    assert passed == {
        "self.draw(key, 2)": (False, "2", False),
        "Noise.draw(key, 3)": (False, "3", False),
        "self.scale(key)": (True, "key", True),
    }


def test_a_shadowed_range_is_no_promise_the_loop_runs() -> None:
    source = """
        import jax.numpy as jnp
        import numpy as np
        range = lambda n: []
        def f(q):
            x = np.zeros(3)
            for i in range(3):
                x = jnp.zeros(3)
            return x
        """
    assert array_at_last_return(source) is None


def test_parameters_of_traced_functions_are_arrays_unless_static() -> None:
    model = model_of("""
        from functools import partial
        import jax

        @partial(jax.jit, static_argnums=(1,))
        def f(x, n, tree, scale=2.0, mask=None, *args, **kwargs):
            return x.sum(), tree
        """)
    scope = function(model, "f")
    ask = {name: array(model, cst.Name(name), scope) for name in scope.params}
    # `tree` may be any pytree of tracers (a list, a dict): an array only with evidence.
    assert ask == {
        "x": True, "n": False, "tree": None, "scale": False, "mask": None, "args": False,
        "kwargs": False,
    }  # fmt: skip


def test_pallas_kernel_parameters_are_refs() -> None:
    model = model_of("""
        import functools
        from jax.experimental import pallas as pl

        def kernel(x_ref, o_ref, *, block):
            o_ref[...] = x_ref[...]

        def run(x):
            return pl.pallas_call(functools.partial(kernel, block=8), out_shape=x)(x)
        """)
    scope = function(model, "kernel")
    assert model.trace(scope).traced and model.trace(scope).ref_params
    assert model.is_mutable_ref(cst.Name("o_ref"), Point(scope, END))
    assert array(model, cst.Name("o_ref"), scope) is False


def test_a_ref_is_a_ref_by_evidence_and_a_ref_name_alone_claims_nothing() -> None:
    # Evidence: a kernel's parameter, a ref call, what a kernel passes to a helper. A
    # `*_ref` name alone is no evidence either way: not a ref, not "not an array".
    model = model_of("""
        import jax
        import jax.numpy as jnp
        from jax.experimental import pallas as pl

        def fill(buf):
            buf[0] = 1.0

        def kernel(x_ref, o_ref):
            fill(o_ref)
            o_ref[...] = x_ref[...]

        def run(x):
            return pl.pallas_call(kernel, out_shape=x)(x)

        def helper(acc_ref, plain):
            made = jax.new_ref(plain)
            scratch_ref = jnp.zeros(3)
            return acc_ref, made, scratch_ref
        """)
    end = {name: Point(function(model, name), END) for name in ("kernel", "fill", "helper")}
    facts = {
        (where, name): model.ref_fact(cst.Name(name), end[where])
        for where, name in (
            ("kernel", "o_ref"), ("fill", "buf"), ("helper", "made"), ("helper", "acc_ref"),
            ("helper", "plain"), ("helper", "scratch_ref"),
        )
    }  # fmt: skip
    assert facts == {
        ("kernel", "o_ref"): Fact.YES, ("fill", "buf"): Fact.YES, ("helper", "made"): Fact.YES,
        ("helper", "acc_ref"): Fact.UNKNOWN, ("helper", "plain"): Fact.NO,
        ("helper", "scratch_ref"): Fact.UNKNOWN,
    }  # fmt: skip
    helper = function(model, "helper")
    assert array(model, cst.Name("acc_ref"), helper) is None  # was "not an array" by name
    assert model.array_proof(cst.Name("scratch_ref"), end["helper"]) is ArrayProof.CONSTRUCTED


def test_concrete_values_at_trace_time() -> None:
    """Arguments bound by partial before a transformation, nondiff_argnames, and
    static_argnums written as range() are Python values, not tracers."""
    model = model_of("""
        import functools
        import jax

        def body(x, k, *, flag):
            return x

        def run(xs, k):
            inner = functools.partial(body, k=k, flag=True)
            return jax.vmap(inner)(xs)

        @functools.partial(jax.custom_vjp, nondiff_argnames=("mode",))
        def custom(x, mode):
            return x

        @functools.partial(jax.jit, static_argnums=range(1, 3))
        def ranged(x, a, b):
            return x
        """)
    body = function(model, "body")
    ask = {n: model.traced_fact(cst.Name(n), Point(body, END)) for n in body.params}
    assert ask == {"x": Fact.YES, "k": Fact.NO, "flag": Fact.NO}
    assert model.trace(function(model, "custom")).static_params == {"mode"}
    assert model.trace(function(model, "ranged")).static_params == {"a", "b"}


def test_parameters_of_helpers_hold_what_traced_callers_pass() -> None:
    model = model_of("""
        import jax
        import jax.numpy as jnp

        def apply_round(v):
            v = v[:]
            return v

        def double(x):
            return x * 2

        @jax.jit
        def step(x, y):
            v = apply_round([x, y])  # a list of arrays
            return double(jnp.tanh(x)), v
        """)
    helper = function(model, "apply_round")
    assert model.trace(helper).traced
    assert array(model, cst.Name("v"), helper) is False
    assert array(model, cst.Name("x"), function(model, "double")) is True


def test_a_parameter_is_traced_only_where_every_traced_caller_passes_a_tracer() -> None:
    model = model_of("""
        import jax
        from functools import partial

        def scale(x, factor, center):
            return x * factor

        @jax.jit
        def step(x, y):
            return scale(x, y, True) + scale(y, y, x > 0)

        @partial(jax.jit, static_argnames="center")
        def other(x, center):
            return scale(x, 2.0, center)
        """)
    helper = function(model, "scale")
    ask = {n: model.traced_fact(cst.Name(n), Point(helper, END)) for n in helper.params}
    # `factor`: a tracer from one caller, a Python float from another; `center`: a
    # literal, a traced comparison, a static argument. Neither holds on every call.
    assert ask == {"x": Fact.YES, "factor": Fact.UNKNOWN, "center": Fact.UNKNOWN}


def test_a_constructor_called_in_traced_code_runs_init_on_its_arguments() -> None:
    model = model_of("""
        import jax

        class Window:
            def __init__(self, start, width, label="w"):
                self.stop = start + width

        class Unused:
            def __init__(self, n):
                self.n = n

        @jax.jit
        def crop(x, offset):
            return x[Window(offset, 4).stop], Window(0, 2, label="fixed")
        """)
    init = function(model, "Window.__init__")
    assert model.trace(init).traced
    assert not model.trace(function(model, "Unused.__init__")).traced
    ask = {n: model.traced_fact(cst.Name(n), Point(init, END)) for n in init.params}
    # `self` is the new instance; `start`: a tracer from one call, 0 from the other;
    # `width` and `label`: Python values from both.
    assert ask == {"self": Fact.NO, "start": Fact.UNKNOWN, "width": Fact.NO, "label": Fact.NO}


@pytest.mark.parametrize(
    ("expr", "staged", "expected"),
    [
        ("Y <= 0", True, Fact.YES),
        ("-Y", True, Fact.YES),
        ("Y[0]", True, Fact.YES),
        ("2.0 * Y", True, Fact.YES),
        ("not Y", True, Fact.NO),  # Python asks the concrete array for its truth
        ("Y is None", True, Fact.NO),
        ("N <= 0", True, Fact.NO),  # a Python int
        ("Y.shape[0] - 1", True, Fact.NO),
        ("Y <= 0", False, Fact.NO),  # vmap alone runs an unbatched constant eagerly
    ],
)
def test_an_operator_on_a_concrete_jax_array_in_staged_code_is_traced(
    expr: str, staged: bool, expected: Fact
) -> None:
    transform = "jax.jit" if staged else "jax.vmap"
    model = model_of(f"""
        import jax
        import jax.numpy as jnp

        Y = jnp.arange(3.0)
        N = 3

        @{transform}
        def f(x):
            return {expr}
        """)
    scope = function(model, "f")
    statement = scope.node.body.body[-1].body[0]  # type: ignore[attr-defined]
    assert model.traced_fact(cst.Name("Y"), Point(scope, END)) is Fact.NO
    assert model.traced_fact(statement.value, Point(scope, END)) is expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return x > 0", Fact.YES),
        ("return (x > 0) & ~jnp.isnan(x)", Fact.YES),
        ("m = jnp.logical_and(x > 0, x < 1)\n    return m[:, 0]", Fact.YES),
        ("return x.astype(bool)", Fact.YES),
        ("return jnp.asarray(x, dtype=jnp.bool_)", Fact.YES),
        ("return jax.random.bernoulli(x, 0.5)", Fact.YES),
        ("return 3", Fact.NO),
        ("return (x > 0) & 3", Fact.UNKNOWN),  # answers must agree
        ("return x", Fact.UNKNOWN),
        ("return x in (1, 2)", Fact.UNKNOWN),
        ("return x + 1", Fact.UNKNOWN),
    ],
)
def test_boolean_ness(body: str, expected: Fact) -> None:
    model = model_of(f"""
import jax
import jax.numpy as jnp

def f(x):
    {body}
""")
    scope = function(model, "f")
    statement = scope.node.body.body[-1].body[0]  # type: ignore[attr-defined]
    assert model.boolean_fact(statement.value, Point(scope, END)) is expected


@pytest.mark.parametrize(
    ("body", "kinds", "expected"),
    [
        ("return [x, 1]", None, Fact.YES),
        ("return {k: x for k in 'ab'}", None, Fact.YES),
        ("return tuple(x)", None, Fact.YES),
        ("return (v for v in x)", None, Fact.NO),  # a generator is no container
        ("return (v for v in x)", {"generator"}, Fact.YES),
        ("return [x, 1]", {"tuple"}, Fact.NO),
        ("return 3", None, Fact.NO),
        ("return x", None, Fact.UNKNOWN),
        ("return jnp.zeros(3)", None, Fact.UNKNOWN),
        # Names are followed through every binding that reaches them, and must agree.
        ("y = [x]\n    z = y\n    return z", {"list"}, Fact.YES),
        ("y = [x] if x else {}\n    return y", None, Fact.YES),
        ("y = [x] if x else {}\n    return y", {"list"}, Fact.UNKNOWN),
        ("y = [x] if x else x\n    return y", None, Fact.UNKNOWN),
        ("y: list = list(x)\n    return y", {"list"}, Fact.YES),
        ("y = []\n    y += [x]\n    return y", None, Fact.UNKNOWN),
        # Parameters: by their annotation, or a display as their default.
        ("return seq", None, Fact.YES),
        ("return seq", {"list"}, Fact.UNKNOWN),  # a Sequence may be a list or a tuple
        ("return opt", {"dict"}, Fact.YES),
        ("return ids", {"tuple"}, Fact.YES),
        ("return state", {"tuple"}, Fact.YES),  # a NamedTuple
        ("return count", None, Fact.UNKNOWN),
    ],
)
def test_container_ness(body: str, kinds: set[str] | None, expected: Fact) -> None:
    model = model_of(f"""
import jax.numpy as jnp
from typing import NamedTuple, Optional, Sequence

class State(NamedTuple):
    w: int

def f(x, seq: Sequence[int], opt: Optional[dict], state: State, count: int, ids=()):
    {body}
""")
    scope = function(model, "f")
    statement = scope.node.body.body[-1].body[0]  # type: ignore[attr-defined]
    at = Point(scope, END)
    asked = frozenset(kinds) if kinds is not None else CONTAINERS
    # A display default counts when asked to (a question that only silences a rule).
    assert model.container_fact(statement.value, at, asked, defaults=True) is expected


def test_a_display_default_is_no_claim_about_what_callers_pass() -> None:
    model = model_of("""
def total(parts=()):
    return parts
""")
    scope = function(model, "total")
    value = scope.node.body.body[-1].body[0].value  # type: ignore[attr-defined]
    at = Point(scope, END)
    assert model.container_fact(value, at, frozenset({"tuple"}), defaults=True) is Fact.YES
    assert model.container_fact(value, at, frozenset({"tuple"})) is Fact.UNKNOWN


def test_parameters_hold_what_every_call_in_sight_passes() -> None:
    model = model_of("""
        from typing import NamedTuple
        import jax
        import jax.numpy as jnp

        class Pair(NamedTuple):
            left: jax.Array
            label: str

        @jax.jit
        def use(pair, rows, cols, other):
            return pair.left, pair.label, rows, cols, other.left

        first = Pair(jnp.ones(2), "a")
        use(first, [1, 2], (3,), Pair(jnp.ones(1), "b"))
        use(Pair(jnp.zeros(2), "c"), [], [4], None)
        """)
    scope = function(model, "use")
    left, label, rows, cols, other = scope.node.body.body[-1].body[0].value.elements  # type: ignore[attr-defined]
    at = Point(scope, END)
    # Both calls pass a `Pair`: its fields say what `pair.left` and `pair.label` are; a
    # traced pytree's array field is a tracer.
    assert model.array_fact(left.value, at) is Fact.YES
    assert model.traced_fact(left.value, at) is Fact.YES
    assert model.array_fact(label.value, at) is Fact.NO
    # Lists at both calls; a tuple at one and a list at the other; a Pair and None.
    assert model.container_fact(rows.value, at, frozenset({"list"})) is Fact.YES
    assert model.container_fact(cols.value, at, frozenset({"list"})) is Fact.UNKNOWN
    assert model.array_fact(other.value, at) is Fact.UNKNOWN


def test_calls_count_only_where_the_function_is_never_passed_as_a_value() -> None:
    model = model_of("""
        import jax
        import numpy as np

        def loss(q, a):
            return q[a], q

        loss(np.array([3.0, 2.0]), 1)  # a check with a NumPy array
        batched = jax.vmap(loss)  # and JAX arrays where vmap calls it
        """)
    scope = function(model, "loss")
    at = Point(scope, END)
    q = scope.node.body.body[-1].body[0].value.elements[1].value  # type: ignore[attr-defined]
    assert model.calls_in_sight(scope) is None
    assert model.container_fact(q, at, frozenset({"ndarray"})) is Fact.UNKNOWN


def test_container_answers_are_cached_per_question() -> None:
    # Asking about lists first must not answer the question about any container.
    model = model_of("""
        def f(x):
            y = [x] if x else (x,)
            return y
        """)
    scope = function(model, "f")
    name = scope.node.body.body[-1].body[0].value  # type: ignore[attr-defined]
    at = Point(scope, END)
    assert model.container_fact(name, at, frozenset({"list"})) is Fact.UNKNOWN
    assert model.container_fact(name, at) is Fact.YES
    assert model.container_kind(name, at, ("list", "tuple")) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("y = np.zeros(3)\n    return y", Fact.YES),
        ("return np.array([1, 2])", Fact.YES),
        ("return np.linspace(0, 1, 5, retstep=True)", Fact.UNKNOWN),  # a tuple then
        ("return [1, 2]", Fact.NO),
        ("return jnp.zeros(3)", Fact.UNKNOWN),
        ("y = np.zeros(3)\n    if x:\n        y = jnp.asarray(y)\n    return y", Fact.UNKNOWN),
        (
            "y = np.zeros(3)\n    if x:\n        return y\n    y = jnp.asarray(y)\n    return y",
            Fact.UNKNOWN,
        ),
    ],
)
def test_numpy_array_ness(body: str, expected: Fact) -> None:
    # Asked about by name only: JL007's NumPy arrays indexed by a tracer.
    model = model_of(f"""
import jax.numpy as jnp
import numpy as np

def f(x):
    {body}
""")
    scope = function(model, "f")
    statement = scope.node.body.body[-1].body[0]  # type: ignore[attr-defined]
    at = Point(scope, END)
    assert model.container_fact(statement.value, at, frozenset({"ndarray"})) is expected


def test_a_numpy_array_is_no_answer_about_python_containers() -> None:
    model = model_of("""
import numpy as np

def f():
    return np.zeros(3)
""")
    scope = function(model, "f")
    value = scope.node.body.body[-1].body[0].value  # type: ignore[attr-defined]
    assert model.container_fact(value, Point(scope, END)) is Fact.UNKNOWN


@pytest.mark.parametrize(
    ("callers", "test", "expected"),
    [
        ("unique(x)", FlagTest.TRUTHY, Fact.NO),  # left at its default
        ("unique(x, True)", FlagTest.TRUTHY, Fact.YES),
        ("unique(x, counts=1)", FlagTest.TRUTHY, Fact.YES),
        ("unique(x, 0)", FlagTest.TRUTHY, Fact.NO),
        ("unique(x) + unique(x, True)", FlagTest.TRUTHY, Fact.UNKNOWN),  # must agree
        ("unique(x, x.size)", FlagTest.TRUTHY, Fact.UNKNOWN),
        ("unique(x, x.size)", FlagTest.IS_NONE, Fact.NO),
        ("unique(x, None)", FlagTest.IS_NONE, Fact.YES),
        ("unique(x, [1])", FlagTest.IS_NONE, Fact.NO),
        ("unique(x, y)", FlagTest.IS_NONE, Fact.UNKNOWN),
        ("middle(x, True)", FlagTest.TRUTHY, Fact.YES),  # passed on: followed
        ("middle(x, False) + unique(x, True)", FlagTest.TRUTHY, Fact.UNKNOWN),
    ],
)
def test_flag_values_come_from_traced_callers(callers: str, test: FlagTest, expected: Fact) -> None:
    model = model_of(f"""
        import jax

        def unique(x, counts=False):
            return x

        def middle(x, counts):
            return unique(x, counts)

        @jax.jit
        def step(x, y):
            return {callers}
        """)
    helper = function(model, "unique")
    assert model.flag_fact(cst.Name("counts"), Point(helper, END), test) is expected


def test_flag_values_need_every_caller_in_sight() -> None:
    model = model_of("""
        import jax

        @jax.jit
        def unique(x, counts=False):  # transformed itself: any caller may pass anything
            return x

        @jax.jit
        def step(x):
            return unique(x)
        """)
    helper = function(model, "unique")
    fact = model.flag_fact(cst.Name("counts"), Point(helper, END), FlagTest.TRUTHY)
    assert fact is Fact.UNKNOWN


def test_every_subscript_in_a_function_is_a_site() -> None:
    model = model_of("""
table = {}["a"]
def f(x, i):
    x[i] = x[0][1:]
""")
    assert [cst.Module([]).code_for_node(site.node) for site in model.subscripts] == [
        "x[0][1:]",
        "x[0]",
        "x[i]",
    ]


def test_only_staging_transformations_make_a_function_staged() -> None:
    """What tests/test_transform_facts.py observes: grad, named_call, shard_map,
    custom_jvp/vjp primals and rules, flax modules run Python on the caller's values;
    vmap traces its arguments but leaves constants concrete; jit stages everything."""
    model = model_of("""
        import flax.linen as nn
        import jax

        def a(x): return x
        def b(x): return x
        def c(x): return x
        def d(x): return x
        def e(x): return x
        @jax.custom_vjp
        def primal(x): return x
        def fwd(x): return x, x
        def bwd(r, g): return (g,)
        primal.defvjp(fwd, bwd)
        class Layer(nn.Module):
            def __call__(self, x): return x

        grad_a = jax.grad(a)
        named_b = jax.named_call(b)
        sharded_c = jax.shard_map(c, mesh=None, in_specs=None, out_specs=None)
        batched_d = jax.vmap(d)
        jitted_e = jax.jit(jax.named_call(e))
        """)
    staged = {
        name: (model.trace(function(model, name)).staged,
               model.trace(function(model, name)).stages_constants)
        for name in ("a", "b", "c", "d", "e", "primal", "fwd", "bwd", "Layer.__call__")
    }  # fmt: skip
    assert staged == {
        "a": (False, False), "b": (False, False), "c": (False, False), "d": (True, False),
        "e": (True, True), "primal": (False, False), "fwd": (False, False),
        "bwd": (False, False), "Layer.__call__": (False, False),
    }  # fmt: skip


def test_filter_jit_parameters_are_arrays_only_with_evidence() -> None:
    model = model_of("""
        import equinox as eqx
        import jax
        import jax.numpy as jnp

        @eqx.filter_jit
        def f(flag, scale, annotated: jax.Array, used, passed, rebound, like: jax.typing.ArrayLike):
            rebound = rebound * 2
            return jnp.sin(used) + rebound.sum()

        f(True, 2.0, jnp.ones(3), jnp.ones(3), jnp.zeros(3), jnp.ones(3), 1.0)
        """)
    scope = function(model, "f")
    at = Point(scope, 0)
    ask = {name: model.traced_fact(cst.Name(name), at) for name in scope.params}
    assert ask == {
        "flag": Fact.UNKNOWN, "scale": Fact.UNKNOWN, "annotated": Fact.YES, "used": Fact.YES,
        "passed": Fact.YES, "rebound": Fact.YES, "like": Fact.UNKNOWN,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("B = 256\nB = 256\n", Fact.YES),
        ("B = (1, 'a')\nB: tuple = (1, 'a')\n", Fact.YES),
        ("B = -0.5\nB = -0.5\n", Fact.YES),
        ("B = 256\nB = 256.0\n", Fact.NO),  # 256 and 256.0 trace to different dtypes
        ("B = 256\nB = True\n", Fact.NO),
        ("B = 0.0\nB = -0.0\n", Fact.NO),
        ("B = [1]\nB = [1]\n", Fact.UNKNOWN),  # a new list: equal, not the same value
        ("B = 256\nB = 256\nB = 512\n", Fact.NO),
        ("B = 256\nB = 512\nB = 256\n", Fact.UNKNOWN),  # 512 was there last
        ("B = f()\nB = 256\n", Fact.UNKNOWN),
        ("B = 256\n", Fact.UNKNOWN),  # the first binding gives the value
        ("B = 256\ndef g():\n    global B\n    B = 1\nB = 256\n", Fact.UNKNOWN),
    ],
)
def test_a_rebinding_to_an_equal_constant_keeps_the_value(source: str, expected: Fact) -> None:
    model = model_of(source)
    last = max(model.module_scope.bindings["B"], key=lambda binding: binding.ordinal)
    if "global" in source:  # the module's own last line, not the function's write
        last = max(
            (b for b in model.module_scope.bindings["B"] if b.code_scope is model.module_scope),
            key=lambda binding: binding.ordinal,
        )
    assert model.keeps_value(last) is expected


INTEGERS = """
import other
N = 250
HALF = N // 2
SHADOWED = 10
PAIRS = (1, 2, 3)
MOVING = 5
if other.flag:
    MOVING = 6

def f(n, k=3):
    local = 4 * N
    maybe = 1
    if n:
        maybe = 2
    for SHADOWED in range(3):
        pass
    return (
        N, HALF, 2 ** 10, -N + 1, len(PAIRS), local, MOVING, n, k, maybe, SHADOWED,
        other.N, 10 ** 100, N // 0,
    )
"""


def test_known_ints_are_the_same_on_every_path() -> None:
    model = model_of(INTEGERS)
    scope = function(model, "f")
    ((returned, ordinal),) = scope.returns
    assert isinstance(returned, cst.Tuple)
    values = [
        model.int_value(element.value, Point(scope, ordinal)) for element in returned.elements
    ]
    assert values == [250, 125, 1024, -249, 3, 1000] + [None] * 8


LOOPS = """
import jax
STEPS = 300
PAIRS = ((1, 2), (3, 4))

def f(xs, n):
    for a in range(STEPS): pass
    for b in range(10, 2 * STEPS, 5): pass
    for c in enumerate(range(7), start=1): pass
    for d in reversed([1, 2, 3]): pass
    for e in zip(range(4), range(9)): pass
    for g in range(n): pass
    for h in xs: pass
    for h2 in PAIRS: pass
    for i in range(0, 4, 0): pass
    for j in zip(range(4), xs): pass
    for k in range(10):
        if k:
            break
    for m in range(10):
        for q in range(3):
            continue
    while n:
        for r in range(3):
            return r
"""


def test_iteration_counts_and_loops_cut_short() -> None:
    model = model_of(LOOPS)
    found = {}
    for site, loop in model.loops:
        if isinstance(site.node, cst.For):
            target = site.node.target
            assert isinstance(target, cst.Name)
            found[target.value] = (model.iteration_count(site.node.iter, site), loop.leaves_early)
        else:
            found["while"] = (None, loop.leaves_early)
    assert found == {
        "a": (300, False),
        "b": (118, False),
        "c": (7, False),
        "d": (3, False),
        "e": (4, False),
        "g": (None, False),
        "h": (None, False),
        "h2": (2, False),
        "i": (None, False),
        "j": (None, False),
        "k": (10, True),  # break
        "m": (10, False),  # the continue is the inner loop's
        "q": (3, True),
        "while": (None, True),  # a return inside
        "r": (3, True),
    }


# ------------------------------------------------------------ JL008's questions


def _statement_sites(model: SemanticModel) -> dict[str, bool]:
    """Each expression statement's code -> whether it runs to see an error."""
    return {
        model.module.code_for_node(site.node).strip(): model.checks_for_errors(site)
        for site in model.expression_statements
    }


def test_try_bodies_and_checking_blocks_run_code_to_see_it_fail() -> None:
    model = model_of("""
        import contextlib
        import pytest
        import jax.numpy as jnp
        def f(x, self):
            try:
                jnp.asarray(x)
            except TypeError:
                jnp.ones(1)
            with pytest.raises(ValueError):
                jnp.clip(x, 0, 1)
            with self.assertRaises(ValueError):
                jnp.sin(x)
            with contextlib.suppress(TypeError):
                jnp.cos(x)
            with open("f") as handle:
                jnp.tan(x)
            jnp.exp(x)
        """)
    assert _statement_sites(model) == {
        "jnp.asarray(x)": True,
        "jnp.ones(1)": False,  # the handler is not checked code
        "jnp.clip(x, 0, 1)": True,
        "jnp.sin(x)": True,
        "jnp.cos(x)": True,
        "jnp.tan(x)": False,
        "jnp.exp(x)": False,
    }


def test_a_notebook_shows_the_last_expression_of_each_cell() -> None:
    source = "import jax.numpy as jnp\nx = jnp.ones(2)\nx.sum()\n#cell\nx.sum()\nx.max()\n#cell\nx.min();\n"
    cells = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3}
    model = build_model(cst.parse_module(source), cell_of=lambda line: cells[line])
    shown = [
        model.line_of(site.node)
        for site in model.expression_statements
        if model.shown_by_notebook(site)
    ]
    assert shown == [3, 6]  # not line 5 (not last), not line 8 (`;` hides it)
    plain = build_model(cst.parse_module(source))
    assert not any(plain.shown_by_notebook(site) for site in plain.expression_statements)


@pytest.mark.parametrize(
    ("iterable", "expected"),
    [
        ("(w, b)", Fact.YES),
        ("[w, b]", Fact.YES),
        ("(w, n)", Fact.UNKNOWN),  # a NumPy array among them
        ("jnp.split(w, 2)", Fact.YES),
        ("w", Fact.YES),  # its rows
        ("pair", Fact.YES),
        ("listed", Fact.UNKNOWN),  # a list may change before the loop
        ("n", Fact.UNKNOWN),
    ],
)
def test_the_elements_of_an_iterable_are_arrays(iterable: str, expected: Fact) -> None:
    model = model_of(f"""
        import jax
        import jax.numpy as jnp
        import numpy as np
        def f(w: jax.Array, b: jax.Array, n: np.ndarray):
            pair = (w, b)
            listed = [w, b]
            for p in {iterable}:
                pass
        """)
    scope = function(model, "f")
    (loop_binding,) = scope.bindings["p"]
    assert loop_binding.value is not None
    assert model.elements_fact(loop_binding.value, Point(scope, loop_binding.ordinal)) is expected


def test_a_partial_passes_its_bound_arguments_and_the_call_the_rest() -> None:
    # g = partial(f, 3); g(x) passes 3 for f's first parameter and x for its second.
    model = model_of("""
import functools
import jax

def chunk(size, idx):
    return size, idx

def given(size, idx):
    return size, idx

@jax.jit
def outer(xs, n):
    fn = functools.partial(chunk, 3)
    gn = functools.partial(given, n)
    return fn(xs[0]), gn(xs[0])
""")
    for name, size_fact in (("chunk", Fact.NO), ("given", Fact.YES)):
        scope = function(model, name)
        size, idx = scope.node.body.body[-1].body[0].value.elements  # type: ignore[attr-defined]
        at = Point(scope, END)
        assert model.traced_fact(size.value, at) is size_fact, name
        assert model.traced_fact(idx.value, at) is Fact.YES, name


def test_one_walk_over_a_class_s_ancestors_answers_base_names_and_the_foreign_base() -> None:
    # `base_names` (flax/equinox/NamedTuple ancestry) and the first base of another file
    # (JL001's doubt about assigning a field, see its examples) walk the same ancestors.
    model = model_of("""
        import typing
        import flax.linen as nn
        from mylib import Base

        T = typing.TypeVar("T")

        class Root(nn.Module, typing.Generic[T]):
            pass

        class Middle(Root[T]):
            pass

        class Leaf(Middle[int], Base, metaclass=type):  # a keyword is no base
            pass

        class Plain(object):
            pass
        """)
    leaf = next(scope for scope in model.classes if scope.name == "Leaf")
    walked = [
        (cst.Module([]).code_for_node(arg.value), local.name if local else None)
        for arg, _, local in model.ancestor_bases(leaf)
    ]
    assert walked == [
        ("Middle[int]", "Middle"), ("Base", None), ("Root[T]", "Root"), ("nn.Module", None), ("typing.Generic[T]", None),
    ]  # fmt: skip
    assert model.base_names(leaf) == {"mylib.Base", "flax.linen.Module", "typing.Generic"}


def test_an_unpacked_part_is_traced_as_the_helper_returns_it() -> None:
    """``total, steps = prepare(x, 10)``: every return of ``prepare`` is a tuple whose
    second part comes from a call the model cannot see with a Python int: that the first
    part is traced says nothing of the second (UNKNOWN, not YES), so no rule claims
    ``max(steps - 1, 0)`` converts a tracer."""
    model = model_of("""
        import jax
        import jax.numpy as jnp
        from schedules import steps_for

        def prepare(x, size):
            steps = steps_for(size)
            return jnp.cumsum(x), steps

        @jax.jit
        def run(x):
            total, steps = prepare(x, 10)
            return total * max(steps - 1, 0)
        """)
    run = function(model, "run")
    at = Point(run, run.returns[0][1])
    assert model.traced_fact(cst.Name("steps"), at) is Fact.UNKNOWN
    assert model.traced_fact(cst.Name("total"), at) is Fact.YES
