"""What Python objects and classes are, as data: which calls build mutable or unhashable
containers, which methods mutate one, which classes are frozen, which methods construct
an object. Re-exported by :mod:`jaxlint.facts.jaxfacts`.
"""

from __future__ import annotations

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
