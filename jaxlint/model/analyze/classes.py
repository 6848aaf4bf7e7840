"""What instances of a class of this file are: how they hash (what `jit` looks a static
argument up by), and which values are, on every path, an instance of one class.

Only what the model sees: a class with a base (other than ``object``), a metaclass, a
``__new__`` or a decorator other than ``dataclasses.dataclass`` with literal keyword
arguments may hash in a way the file does not show, and is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from jaxlint.facts import jaxfacts as jf
from jaxlint.model import BindingKind, Fact, Point, Scope, SemanticModel

#: Methods whose definition decides how instances compare and hash.
HASHING_METHODS = ("__eq__", "__hash__")
#: Methods that may store other values than the arguments a class is called with.
REWRITING_METHODS = ("__init__", "__post_init__", "__new__")
#: Bindings whose value is what the name holds.
VALUE_BINDINGS = frozenset({BindingKind.ASSIGN, BindingKind.ANNASSIGN, BindingKind.WALRUS})


def instance_hashing(model: SemanticModel, cls: Scope) -> jf.Hashing | None:
    """How instances of ``cls`` hash by Python's rules, or None when the class does not
    show it (an unknown base could define ``__hash__``; a metaclass or a decorator other
    than ``dataclass`` could replace the class)."""
    node: cst.ClassDef = cls.node  # type: ignore[assignment]
    if node.keywords or "__new__" in cls.bindings:
        return None
    if any(not _object_base(arg) for arg in node.bases):
        return None
    defines_eq, defines_hash = (_defines(cls, name) for name in HASHING_METHODS)
    if len(node.decorators) > 1:
        return None
    options = None
    if node.decorators:
        options = _dataclass_options(model, node.decorators[0].decorator, cls)
    return jf.class_hashing(defines_eq, defines_hash, bool(node.decorators), options)


def hashable_instances(model: SemanticModel, cls: Scope | InstanceOf) -> Fact:
    """Whether ``hash()`` of an instance of ``cls`` returns: NO when the class sets
    ``__hash__`` to None; YES for the identity hash; UNKNOWN for a hash by value (a
    frozen dataclass hashes its fields, which may be unhashable) or a class the file
    does not show."""
    hashing = cls.hashing if isinstance(cls, InstanceOf) else instance_hashing(model, cls)
    if hashing is jf.Hashing.UNHASHABLE:
        return Fact.NO
    if hashing is jf.Hashing.IDENTITY:
        return Fact.YES
    return Fact.UNKNOWN


def hashes_every_argument(model: SemanticModel, cls: Scope) -> bool:
    """Whether ``hash()`` of an instance made by calling ``cls`` hashes every argument
    of that call, so that one unhashable argument makes it raise TypeError: a
    ``typing.NamedTuple`` (a tuple of its fields), or a dataclass hashed by its generated
    ``__hash__`` whose fields are all stored and hashed (no ``field(...)``, which may
    leave one out of the hash, no ``InitVar``) and that no ``__init__`` or
    ``__post_init__`` of its own rewrites."""
    node: cst.ClassDef = cls.node  # type: ignore[assignment]
    outer = cls.parent or model.module_scope
    if node.keywords or any(name in cls.bindings for name in REWRITING_METHODS):
        return False
    if len(node.bases) == 1 and not node.decorators:
        base = model.qualified_name(node.bases[0].value, outer)
        if base not in jf.FIELD_TUPLE_BASES or node.bases[0].keyword is not None:
            return False
        return all(_defines(cls, name) is False for name in HASHING_METHODS)
    if instance_hashing(model, cls) is not jf.Hashing.VALUE or len(node.decorators) != 1:
        return False
    options = _dataclass_options(model, node.decorators[0].decorator, cls)
    if options is None or not {**jf.DATACLASS_KEYWORDS, **options}["init"]:
        return False
    return all(_stored_and_hashed(model, field, outer) for field in _fields(node))


def _fields(node: cst.ClassDef) -> Iterator[cst.AnnAssign]:
    """The annotated names of a class body: a dataclass's fields."""
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from (s for s in statement.body if isinstance(s, cst.AnnAssign))


def _stored_and_hashed(model: SemanticModel, field: cst.AnnAssign, outer: Scope) -> bool:
    """A dataclass field that the generated ``__init__`` stores and ``__hash__`` hashes."""
    if isinstance(field.value, cst.Call):
        return False  # `field(hash=False)`, `field(init=False)`, ...
    annotation = field.annotation.annotation
    if isinstance(annotation, cst.Subscript):
        annotation = annotation.value
    return model.qualified_name(annotation, outer) not in jf.UNSTORED_FIELD_ANNOTATIONS


def constructions(
    model: SemanticModel, expr: cst.BaseExpression, at: Point
) -> list[tuple[cst.Call, Point]] | None:
    """The calls that made ``expr`` on every path, each with where it runs: ``expr``
    itself when it is a call, else the values of every binding that reaches the name
    (None when one of them is not a call)."""
    if isinstance(expr, cst.Call):
        return [(expr, at)]
    if not isinstance(expr, cst.Name):
        return None
    found = model.reaching(expr.value, at.scope, at.ordinal)
    if found is None or not found.bindings:
        return None
    made: list[tuple[cst.Call, Point]] = []
    for binding in found.bindings:
        if binding.kind not in VALUE_BINDINGS or not isinstance(binding.value, cst.Call):
            return None
        made.append((binding.value, Point(binding.code_scope, binding.ordinal)))
    return made


@dataclass(frozen=True, eq=False)
class InstanceOf:
    """The class a value is an instance of: one of this file (``scope``), or one
    imported from another linted file, whose hashing the project index read."""

    name: str
    scope: Scope | None
    hashing: jf.Hashing | None
    #: a dataclass (for messages: which of Python's rules unhashes it)
    dataclass: bool

    def same(self, other: InstanceOf) -> bool:
        return self.name == other.name and self.scope is other.scope


def instance_of(model: SemanticModel, expr: cst.BaseExpression, at: Point) -> InstanceOf | None:
    """The class of which ``expr`` is an instance on every path: a call of the class
    (``Config(lr=0.1)``), or a name every reaching binding of which assigns such a call
    of the same class. The class is one of this file bound once, or a name imported
    from another linted file that defines it. None when unknown."""
    if isinstance(expr, cst.Call):
        return _constructed(model, expr, at.scope)
    if not isinstance(expr, cst.Name):
        return None
    found = model.reaching(expr.value, at.scope, at.ordinal)
    if found is None or not found.bindings:
        return None
    classes: list[InstanceOf] = []
    for binding in found.bindings:
        value = binding.value
        if binding.kind not in VALUE_BINDINGS or not isinstance(value, cst.Call):
            return None
        cls = _constructed(model, value, binding.code_scope)
        if cls is None:
            return None
        classes.append(cls)
    return classes[0] if all(cls.same(classes[0]) for cls in classes) else None


def instance_class(model: SemanticModel, expr: cst.BaseExpression, at: Point) -> Scope | None:
    """The class of this file of which ``expr`` is an instance on every path."""
    found = instance_of(model, expr, at)
    return found.scope if found is not None else None


def _constructed(model: SemanticModel, call: cst.Call, scope: Scope) -> InstanceOf | None:
    """The class ``call`` calls, when it names a class of this file bound once, or one
    imported (bound once) from another linted file."""
    func = call.func
    cls = model.class_named(func, scope)
    if cls is not None:
        decorated = bool(cls.node.decorators)  # type: ignore[attr-defined]
        return InstanceOf(cls.name, cls, instance_hashing(model, cls), decorated)
    if not isinstance(func, cst.Name) or func.value not in model.external_classes:
        return None
    found = model.lookup(func.value, scope)
    if found is None or len(found.bindings) != 1:
        return None
    if found.bindings[0].kind is not BindingKind.IMPORT or found.owner is not model.module_scope:
        return None
    how = model.external_classes[func.value]
    hashing = jf.Hashing(how.partition(":")[0])
    return InstanceOf(func.value, None, hashing, how.endswith(":dataclass"))


def _object_base(arg: cst.Arg) -> bool:
    return arg.keyword is None and isinstance(arg.value, cst.Name) and arg.value.value == "object"


def _defines(cls: Scope, name: str) -> bool | None:
    """Whether the body of ``cls`` defines the method ``name`` with ``def``; None when it
    binds the name otherwise (``__hash__ = None``)."""
    bindings = cls.bindings.get(name, ())
    if not bindings:
        return False
    return True if all(b.kind is BindingKind.DEF for b in bindings) else None


def _dataclass_options(
    model: SemanticModel, decorator: cst.BaseExpression, cls: Scope
) -> dict[str, bool] | None:
    """The options given to ``@dataclass``/``@dataclass(...)``; None for another
    decorator or options that are not literal ``True``/``False``."""
    call = decorator if isinstance(decorator, cst.Call) else None
    func = call.func if call is not None else decorator
    if model.qualified_name(func, cls.parent or model.module_scope) not in (
        jf.DATACLASS_DECORATORS
    ):
        return None
    options: dict[str, bool] = {}
    for arg in call.args if call is not None else ():
        keyword = arg.keyword.value if arg.keyword is not None else None
        value = arg.value
        if keyword not in jf.DATACLASS_KEYWORDS or not isinstance(value, cst.Name):
            return None
        if value.value not in ("True", "False"):
            return None
        options[keyword] = value.value == "True"
    return options
