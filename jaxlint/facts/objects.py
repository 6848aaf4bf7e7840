"""What Python objects and classes are, as data: which calls build mutable or unhashable
containers, which methods mutate one, which classes are frozen, which methods construct
an object. Re-exported by :mod:`jaxlint.facts.jaxfacts`.
"""

from __future__ import annotations

import enum

#: Methods that mutate the list, dict, set or deque they are called on.
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "popitem",
        "remove",
        "clear",
        "update",
        "setdefault",
        "add",
        "discard",
        "sort",
        "reverse",
        "appendleft",
        "extendleft",
        "popleft",
    }
)
#: Constructors of mutable containers.
MUTABLE_CONTAINER_CALLS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.bytearray",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.deque",
        "collections.Counter",
    }
)
#: Calls that build a Python container of any contents, and which kind it is.
CONTAINER_CALLS: dict[str, str] = {
    "builtins.list": "list",
    "builtins.tuple": "tuple",
    "builtins.dict": "dict",
    "builtins.set": "set",
}
#: Methods in which assigning ``self.attr`` builds the object rather than mutating it:
#: construction, initialization, unpickling, and a flax module's ``setup``.
CONSTRUCTION_METHODS = ("__init__", "__post_init__", "__new__", "__setstate__", "setup")

#: Base classes of frozen pytree classes: assigning ``self.attr`` outside ``__init__`` fails.
FROZEN_BASES = frozenset(
    {
        "flax.linen.Module",
        "equinox.Module",
        "flax.struct.PyTreeNode",
        "typing.NamedTuple",
        "chex.dataclass",
    }
)
#: Class decorators that make a dataclass frozen (its fields cannot be reassigned).
FROZEN_DATACLASS_DECORATORS = frozenset({"flax.struct.dataclass", "chex.dataclass"})
#: Module systems whose transformations track the state their methods write.
MODULE_SYSTEM_PREFIXES = ("flax.", "equinox.", "haiku.", "objax.", "praxis.", "penzai.")


class Hashing(enum.Enum):
    """How instances of a class hash: what `jit` looks a static argument up by."""

    IDENTITY = "identity"  # object.__hash__: the same object, whatever its attributes
    VALUE = "value"  # a generated or defined __hash__: equal values, equal hashes
    UNHASHABLE = "unhashable"  # __hash__ is None: hash() raises TypeError


#: The class decorator that makes a dataclass (``@dataclass``, ``@dataclass(frozen=True)``).
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass"})
#: The keyword arguments of ``dataclasses.dataclass`` and their defaults; a keyword
#: outside this table makes the class's hashing unknown.
DATACLASS_KEYWORDS: dict[str, bool] = {
    "init": True,
    "repr": True,
    "eq": True,
    "order": False,
    "unsafe_hash": False,
    "frozen": False,
    "match_args": True,
    "kw_only": False,
    "slots": False,
    "weakref_slot": False,
}
#: Python's rule for a dataclass whose body defines neither ``__eq__`` nor ``__hash__``:
#: how its instances hash, by (eq, frozen, unsafe_hash). ``eq`` without ``frozen`` sets
#: ``__hash__`` to None; ``eq=False`` keeps ``object``'s identity hash.
DATACLASS_HASHING: dict[tuple[bool, bool, bool], Hashing] = {
    (True, False, False): Hashing.UNHASHABLE,
    (True, True, False): Hashing.VALUE,
    (True, False, True): Hashing.VALUE,
    (True, True, True): Hashing.VALUE,
    (False, False, False): Hashing.IDENTITY,
    (False, True, False): Hashing.IDENTITY,
    (False, False, True): Hashing.VALUE,
    (False, True, True): Hashing.VALUE,
}
#: Base classes whose instances are tuples of the arguments they are made with
#: (``class State(NamedTuple)``): hashed by value, every field hashed, so one unhashable
#: field makes ``hash()`` raise TypeError, as a generated dataclass ``__hash__`` does.
FIELD_TUPLE_BASES = frozenset({"typing.NamedTuple"})
#: The annotations that make a dataclass's argument one it never stores (nor hashes).
UNSTORED_FIELD_ANNOTATIONS = frozenset({"dataclasses.InitVar"})
#: Python's rule for a plain class (no base, decorator or metaclass): by which of
#: ``__eq__``/``__hash__`` its body defines. Defining ``__eq__`` alone sets ``__hash__``
#: to None.
PLAIN_CLASS_HASHING: dict[tuple[bool, bool], Hashing] = {
    (False, False): Hashing.IDENTITY,
    (True, False): Hashing.UNHASHABLE,
    (False, True): Hashing.VALUE,
    (True, True): Hashing.VALUE,
}
#: Builtins that only read a sequence argument and give equal results for a list and
#: a tuple of the same items (``len``, ``sorted``, iteration): what a callee may do with
#: a static list for the list to become a tuple unnoticed.
SEQUENCE_READING_CALLS = frozenset(
    {
        "builtins.len",
        "builtins.tuple",
        "builtins.list",
        "builtins.sorted",
        "builtins.enumerate",
        "builtins.reversed",
        "builtins.sum",
        "builtins.min",
        "builtins.max",
        "builtins.any",
        "builtins.all",
        "builtins.set",
        "builtins.frozenset",
        "builtins.zip",
    }
)
#: Methods a list and a tuple share, which only read it.
SEQUENCE_READING_METHODS = frozenset({"index", "count"})
#: Builtins that read, write or test the attribute their second argument names as a
#: string (``getattr(obj, "cache")``): an attribute touched without an ``obj.cache`` node.
NAMED_ATTRIBUTE_CALLS = frozenset(
    {"builtins.getattr", "builtins.setattr", "builtins.hasattr", "builtins.delattr"}
)


def class_hashing(
    defines_eq: bool | None,
    defines_hash: bool | None,
    decorated: bool,
    dataclass_options: dict[str, bool] | None,
) -> Hashing | None:
    """How instances of a class hash by Python's rules, for a class with no base but
    ``object``, no metaclass and no ``__new__``: by what its body defines with ``def``
    (None: bound otherwise, as ``__hash__ = None``) and, when it is decorated, the
    options of its one ``dataclasses.dataclass`` decorator (None: another decorator,
    or options that are not literal booleans). None when the rules do not say."""
    if defines_eq is None or defines_hash is None:
        return None
    if not decorated:
        return PLAIN_CLASS_HASHING[(defines_eq, defines_hash)]
    if dataclass_options is None or defines_eq or defines_hash:
        return None  # the dataclass rules differ once the body defines either
    options = {**DATACLASS_KEYWORDS, **dataclass_options}
    return DATACLASS_HASHING[(options["eq"], options["frozen"], options["unsafe_hash"])]
