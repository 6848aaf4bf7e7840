"""How instances of a class hash, and which builtins read a list as a tuple: the facts
JL013 and JL014 rest on, checked by running Python (and `jit`) on each case, and the
model's answers for classes and parameter uses it derives from them."""

from __future__ import annotations

import dataclasses
import itertools
import textwrap
from typing import Any

import libcst as cst
import pytest

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import Fact, Point, build_model
from jaxlint.model.analyze.classes import (
    hashable_instances,
    hashes_every_argument,
    instance_class,
    instance_hashing,
)
from jaxlint.model.analyze.uses import parameter_uses


def hashing_of(cls: type) -> jf.Hashing:
    """How instances of ``cls`` hash, observed: two equal-looking instances."""
    first, second = cls(), cls()
    try:
        hash(first)
    except TypeError:
        return jf.Hashing.UNHASHABLE
    if cls.__hash__ is object.__hash__:
        return jf.Hashing.IDENTITY
    assert hash(first) == hash(second)
    return jf.Hashing.VALUE


@pytest.mark.parametrize(
    ("eq", "frozen", "unsafe_hash"), list(itertools.product((True, False), repeat=3))
)
def test_dataclass_hashing_follows_python(eq: bool, frozen: bool, unsafe_hash: bool) -> None:
    cls = dataclasses.dataclass(eq=eq, frozen=frozen, unsafe_hash=unsafe_hash)(
        type("Config", (), {"__annotations__": {"scale": float}, "scale": 2.0})
    )
    assert hashing_of(cls) is jf.DATACLASS_HASHING[(eq, frozen, unsafe_hash)]


def test_dataclass_keywords_and_defaults_are_pythons() -> None:
    import inspect

    parameters = inspect.signature(dataclasses.dataclass).parameters
    for keyword, default in jf.DATACLASS_KEYWORDS.items():
        assert parameters[keyword].default is default, keyword


@pytest.mark.parametrize(("defines_eq", "defines_hash"), list(jf.PLAIN_CLASS_HASHING))
def test_plain_class_hashing_follows_python(defines_eq: bool, defines_hash: bool) -> None:
    body: dict[str, Any] = {}
    if defines_eq:
        body["__eq__"] = lambda self, other: type(self) is type(other)
    if defines_hash:
        body["__hash__"] = lambda self: 1
    cls = type("Options", (), body)
    assert hashing_of(cls) is jf.PLAIN_CLASS_HASHING[(defines_eq, defines_hash)]


@pytest.mark.parametrize("name", sorted(jf.SEQUENCE_READING_CALLS))
def test_a_sequence_reading_call_treats_a_list_as_its_tuple(name: str) -> None:
    import builtins

    function = getattr(builtins, name.removeprefix("builtins."))
    items = [3, 1, 2]
    before = list(items)

    def result(value: Any) -> Any:
        found = function(value) if name != "builtins.zip" else function(value, value)
        return list(found) if name in ITERATORS else found

    assert result(items) == result(tuple(items))
    assert items == before  # only read


ITERATORS = {"builtins.enumerate", "builtins.reversed", "builtins.zip"}


@pytest.mark.parametrize("method", sorted(jf.SEQUENCE_READING_METHODS))
def test_a_sequence_reading_method_is_shared_by_lists_and_tuples(method: str) -> None:
    items = [3, 1, 2]
    assert getattr(items, method)(1) == getattr(tuple(items), method)(1)
    assert items == [3, 1, 2]


# ------------------------------------------------------------------ the model's answers

CLASSES = """
import dataclasses
from dataclasses import dataclass
from flax import struct

class Plain:
    pass

class WithEq:
    def __eq__(self, other):
        return True

class WithBoth:
    def __eq__(self, other):
        return True
    def __hash__(self):
        return 1

class NoHash:
    __hash__ = None

class Derived(Base):
    pass

class Meta(metaclass=ABCMeta):
    pass

@dataclass
class Data:
    x: int = 0

@dataclasses.dataclass(frozen=True)
class FrozenData:
    x: int = 0

@dataclass(eq=False)
class IdentityData:
    x: int = 0

@dataclass(unsafe_hash=flag)
class UnknownOption:
    x: int = 0

@struct.dataclass
class FlaxNode:
    x: int = 0

@dataclass
class DataWithEq:
    def __eq__(self, other):
        return True
"""

EXPECTED: dict[str, jf.Hashing | None] = {
    "Plain": jf.Hashing.IDENTITY,
    "WithEq": jf.Hashing.UNHASHABLE,
    "WithBoth": jf.Hashing.VALUE,
    "NoHash": None,
    "Derived": None,
    "Meta": None,
    "Data": jf.Hashing.UNHASHABLE,
    "FrozenData": jf.Hashing.VALUE,
    "IdentityData": jf.Hashing.IDENTITY,
    "UnknownOption": None,
    "FlaxNode": None,
    "DataWithEq": None,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_instance_hashing_of_classes(name: str) -> None:
    model = build_model(cst.parse_module(CLASSES))
    cls = next(scope for scope in model.classes if scope.name == name)
    assert instance_hashing(model, cls) is EXPECTED[name]
    expected_fact = {
        jf.Hashing.UNHASHABLE: Fact.NO,
        jf.Hashing.IDENTITY: Fact.YES,
    }.get(EXPECTED[name], Fact.UNKNOWN)  # type: ignore[arg-type]
    assert hashable_instances(model, cls) is expected_fact


RECORDS = """
import dataclasses
from typing import Any, ClassVar, NamedTuple

class Pair(NamedTuple):
    first: Any
    second: Any = None

class HashedPair(NamedTuple):
    first: Any
    def __hash__(self):
        return 1

@dataclasses.dataclass(frozen=True)
class Frozen:
    first: Any
    second: Any = None

@dataclasses.dataclass(unsafe_hash=True)
class Unsafe:
    first: Any

@dataclasses.dataclass(frozen=True)
class Skipped:
    first: Any = dataclasses.field(hash=False, default=None)

@dataclasses.dataclass(frozen=True)
class Converted:
    first: Any
    def __post_init__(self):
        object.__setattr__(self, "first", tuple(self.first))

@dataclasses.dataclass
class Unhashable:
    first: Any

@dataclasses.dataclass(frozen=True)
class WithClassVar:
    first: Any
    table: ClassVar[dict] = {}

@dataclasses.dataclass(frozen=True)
class WithInitVar:
    first: dataclasses.InitVar[Any]
"""

#: Whether hash() of an instance hashes every argument it was made with.
HASHES_EVERY_ARGUMENT = {
    "Pair": True,
    "HashedPair": False,  # its own __hash__
    "Frozen": True,
    "Unsafe": True,
    "Skipped": False,  # field(hash=False) leaves the field out
    "Converted": False,  # __post_init__ stores something else
    "Unhashable": False,  # no hash at all (JL014 says so on its own)
    "WithClassVar": True,  # a ClassVar is no argument
    "WithInitVar": False,  # an InitVar argument is not stored
}


@pytest.mark.parametrize("name", sorted(HASHES_EVERY_ARGUMENT))
def test_records_hash_every_argument_they_are_made_with(name: str) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(RECORDS, "records.py", "exec", dont_inherit=True), namespace)
    try:
        hash(namespace[name]([1]))
        raised = False
    except TypeError:
        raised = True
    model = build_model(cst.parse_module(RECORDS))
    cls = next(scope for scope in model.classes if scope.name == name)
    claimed = hashes_every_argument(model, cls)
    if claimed:
        assert raised  # a list argument makes hash() raise
    # The claim is made exactly where the list is hashed (Unhashable raises for
    # another reason: it has no hash at all).
    assert claimed == (raised and name != "Unhashable")


def _defined(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(textwrap.dedent(source), "facts.py", "exec", dont_inherit=True), namespace)
    return namespace[name]


@pytest.mark.parametrize("base", sorted(jf.FIELD_TUPLE_BASES))
def test_a_field_tuple_base_hashes_every_field(base: str) -> None:
    module, _, attribute = base.rpartition(".")
    record = _defined(
        f"from {module} import {attribute} as Base\nclass R(Base):\n    x: object\n", "R"
    )
    assert hash(record((1,))) == hash(((1,),))  # a tuple of its fields
    with pytest.raises(TypeError):
        hash(record([1]))


@pytest.mark.parametrize("annotation", sorted(jf.UNSTORED_FIELD_ANNOTATIONS))
def test_an_unstored_field_annotation_keeps_its_argument_out_of_the_hash(
    annotation: str,
) -> None:
    module, _, attribute = annotation.rpartition(".")
    record = _defined(
        f"""
        import dataclasses
        from {module} import {attribute} as Unstored
        @dataclasses.dataclass(frozen=True)
        class R:
            x: Unstored[object]
            def __post_init__(self, x):
                pass
        """,
        "R",
    )
    hash(record([1]))  # the list is never stored, so never hashed
    assert not hasattr(record([1]), "x")


def test_jit_refuses_a_static_record_holding_a_list_or_an_array() -> None:
    jax = pytest.importorskip("jax")
    namespace: dict[str, Any] = {}
    exec(compile(RECORDS, "records.py", "exec", dont_inherit=True), namespace)
    jitted = jax.jit(lambda x, spec: x, static_argnums=1)
    for held in ([1], jax.numpy.zeros(1)):
        for name in ("Pair", "Frozen", "Unsafe"):
            with pytest.raises(ValueError, match="Non-hashable static arguments"):
                jitted(1.0, namespace[name](held))
    assert jitted(1.0, namespace["Pair"]((1,))) == 1.0
    # pmap's static_broadcasted_argnums are looked up by hash the same way.
    mapped = jax.pmap(lambda spec, x: x, static_broadcasted_argnums=0)
    with pytest.raises(ValueError, match="Non-hashable static arguments"):
        mapped(namespace["Unsafe"](jax.numpy.zeros(1)), jax.numpy.ones((1, 2)))
    with pytest.raises(ValueError, match="Non-hashable static arguments"):
        mapped([1, 2], jax.numpy.ones((1, 2)))


INSTANCES = """
class A:
    pass
class B:
    pass
def f(flag, other):
    a = A()
    b = A() if flag else B()
    if flag:
        c = A()
    else:
        c = B()
    d = other
    e = A()
    if flag:
        e = A()
    return a, b, c, d, e, A()
"""


@pytest.mark.parametrize(
    ("position", "expected"),
    [(0, "A"), (1, None), (2, None), (3, None), (4, "A"), (5, "A")],
)
def test_instance_class_on_every_path(position: int, expected: str | None) -> None:
    model = build_model(cst.parse_module(INSTANCES))
    function = next(scope for scope in model.functions if scope.name == "f")
    value, ordinal = function.returns[0]
    assert isinstance(value, cst.Tuple)
    found = instance_class(model, value.elements[position].value, Point(function, ordinal))
    assert (found.name if found is not None else None) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return x[p[0]] + len(p) + sum(p) + (1 in p)", Fact.YES),
        ("a, b = p\n    return [x[i] for i in p] + [*p] + [p.index(0)]", Fact.YES),
        ("for i in sorted(p):\n        x = x + i\n    return x", Fact.YES),
        ("p.append(1)\n    return x", Fact.NO),
        ("return x if p == [0] else -x", Fact.NO),
        ("return x.sum(axis=p + [1])", Fact.NO),
        ("p[0] = 1\n    return x", Fact.NO),
        ("return x.sum(axis=p)", Fact.UNKNOWN),
        ("return x[p]", Fact.UNKNOWN),  # x[[0, 1]] gathers rows, x[(0, 1)] one element
        ("return p[1:]", Fact.UNKNOWN),
        ("return p", Fact.UNKNOWN),
        ("g = lambda: p[0]\n    return g()", Fact.UNKNOWN),
        ("def g(q=p):\n        return q\n    return g()", Fact.UNKNOWN),
        ("p = list(p)\n    return x[p[0]]", Fact.UNKNOWN),
    ],
)
def test_parameter_read_only_as_a_sequence(body: str, expected: Fact) -> None:
    source = f"def f(x, p):\n    {body}\n"
    model = build_model(cst.parse_module(source))
    uses = parameter_uses(model, model.functions[0], "p")
    assert uses.only_reads_sequence() is expected, source


def test_parameter_attributes_read() -> None:
    source = textwrap.dedent("""
        def f(x, cfg):
            cfg.count = 1  # a store, not a read
            return x * cfg.scale + cfg.shift.mean()
        """)
    model = build_model(cst.parse_module(source))
    assert parameter_uses(model, model.functions[0], "cfg").attributes == {"scale", "shift"}
