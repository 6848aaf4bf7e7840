"""What the walk records: scopes, bindings, loops, branches and sites, with their kinds.

Everything here is lexical: where names are bound and which nodes sit where. Facts that
need the whole file (traced-ness, array-ness) live in side tables of the model.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import libcst as cst

from jaxlint.facts.transforms import TransformKind
from jaxlint.syntax.statements import FlowExit

__all__ = [
    "Resolved",
    "NOT_TRACED",
    "CallResolver",
    "TraceInfo",
    "TransformForm",
    "END_OF_FILE",
    "Binding",
    "BindingKind",
    "Block",
    "Branch",
    "CallSite",
    "Clause",
    "ConditionKind",
    "ConditionSite",
    "Fact",
    "Loop",
    "LoopKind",
    "Param",
    "ParamKind",
    "Point",
    "Scope",
    "ScopeKind",
    "Site",
    "Statement",
    "StatementKind",
    "StoreSite",
    "argument_for",
]

#: The ordinal of "after every node of the file": the end of a loop not yet closed, or
#: the point from which every binding of a closed-over name may be seen.
END_OF_FILE = 1 << 60


class Fact(enum.Enum):
    """A tri-state answer: the model knows it holds, knows it does not, or cannot tell
    (and then rules stay silent)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    def __bool__(self) -> bool:
        # `if fact:` would be true for NO and UNKNOWN too: compare with `is Fact.YES`.
        raise TypeError("a Fact is not a bool: compare it with Fact.YES / NO / UNKNOWN")


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"


class BindingKind(enum.Enum):
    PARAM = "param"
    ASSIGN = "assign"
    AUGASSIGN = "augassign"
    ANNASSIGN = "annassign"
    UNPACK = "unpack"  # one name of a tuple target: `a, b = ...`
    FOR = "for"  # a loop or comprehension target
    WITH = "with"
    IMPORT = "import"
    DEF = "def"
    CLASS = "class"
    WALRUS = "walrus"
    EXCEPT = "except"


class LoopKind(enum.Enum):
    FOR = "for"
    WHILE = "while"
    COMPREHENSION = "comprehension"


class ConditionKind(enum.Enum):
    IF = "if"
    ELIF = "elif"
    WHILE = "while"
    ASSERT = "assert"
    TERNARY = "ternary"
    AND = "and"
    OR = "or"
    NOT = "not"
    CHAIN = "chained comparison"  # `a < x < b` asks `a < x` for its truth


class ParamKind(enum.Enum):
    PLAIN = ""  # positional-or-keyword, positional-only or keyword-only
    STAR_ARGS = "*"
    STAR_KWARGS = "**"


@dataclass(eq=False)
class Binding:
    """One place where a name is bound."""

    name: str
    kind: BindingKind
    node: cst.CSTNode
    value: cst.BaseExpression | None
    ordinal: int
    scope: Scope
    loop: Loop | None = None
    imported: str = ""  # for imports: the dotted name bound, e.g. "jax.numpy"
    written_in: Scope | None = None  # the scope whose code binds it (differs for global/nonlocal)
    #: for UNPACK: the name's place in the unpacked value (``value`` is the whole of it),
    #: None where a starred target makes it unknown
    position: int | None = None
    #: bound in an ``except`` handler: a fallback for what the ``try`` imports or defines
    in_handler: bool = False
    #: the innermost arm of an ``if``/``match``/conditional expression that binds it
    branch: Branch | None = None

    @property
    def code_scope(self) -> Scope:
        """Where the bound value is evaluated."""
        return self.written_in or self.scope


class Bindings(list[Binding]):
    """The bindings of one name in one scope, in source order (the model appends them as
    it reads the code), with those inside a loop at hand: the only ones that a point
    before them can see again, on the loop's next pass."""

    _looped: list[Binding]
    _looped_size: int = -1

    def in_loops(self) -> list[Binding]:
        """The bindings inside a loop, in source order (recomputed when the list grew)."""
        if self._looped_size != len(self):
            self._looped = [binding for binding in self if binding.loop is not None]
            self._looped_size = len(self)
        return self._looped


@dataclass(eq=False)
class Loop:
    """A ``for``/``while`` loop or a comprehension, spanning ordinals [start, end)."""

    node: cst.CSTNode
    kind: LoopKind
    start: int
    end: int = END_OF_FILE
    targets: frozenset[str] = frozenset()
    parent: Loop | None = None
    #: a ``break`` or ``continue`` of its own, or a ``return`` inside it, may cut an
    #: iteration or the loop short: its body may run fewer times than it iterates
    leaves_early: bool = False

    def contains(self, ordinal: int) -> bool:
        return self.start <= ordinal < self.end

    def describe(self) -> str:
        """How a message names it: "`for` loop", "`while` loop", "comprehension"."""
        return (
            "comprehension" if self.kind is LoopKind.COMPREHENSION else f"`{self.kind.value}` loop"
        )


@dataclass(eq=False)
class Branch:
    """One arm of an ``if``/``elif``/``else``, a conditional expression or a ``match``.

    Two arms of the same ``if`` (same ``node``, different ``index``) never both run in
    one pass; an arm that ends in ``return``/``raise``/``continue``/``break`` on every
    path (``exit``) never falls through to the code after its ``if``.
    """

    node: cst.CSTNode  # the If / IfExp / Match
    index: int  # 0: the body; 1: the orelse (for a Match: the case's position)
    parent: Branch | None
    ordinal: int  # where the If / IfExp is
    #: the ordinals the arm's own code spans, [start, end)
    start: int = 0
    end: int = END_OF_FILE
    exit: FlowExit | None = None
    loop: Loop | None = None  # the innermost loop around the arm (what break/continue leave)
    #: every arm of the same node (shared by them), and whether one of them always runs
    #: (an ``if`` with an ``else``, a conditional expression)
    arms: list[Branch] = field(default_factory=list)
    exhaustive: bool = False

    @property
    def terminates(self) -> bool:
        return self.exit is not None

    def contains(self, ordinal: int) -> bool:
        return self.start <= ordinal < self.end

    def skips(self, ordinal: int) -> bool:
        """Code at ``ordinal`` (outside the arm) never runs after the arm falls out of
        it in the same pass: it returns or raises, or leaves the loop around both."""
        if self.exit is FlowExit.RETURN:
            return True
        return self.exit is not None and self.loop is not None and self.loop.contains(ordinal)


@dataclass(eq=False)
class Param:
    name: str
    node: cst.Param
    index: int  # position among positional parameters; -1 for keyword-only and star params
    kind: ParamKind = ParamKind.PLAIN

    @property
    def annotation(self) -> cst.BaseExpression | None:
        return self.node.annotation.annotation if self.node.annotation else None

    @property
    def default(self) -> cst.BaseExpression | None:
        return self.node.default

    @property
    def starred(self) -> bool:
        return self.kind is not ParamKind.PLAIN


@dataclass(eq=False)
class Scope:
    """A module, class, function or lambda: its bindings and what its body holds."""

    kind: ScopeKind
    node: cst.CSTNode
    name: str
    qualname: str
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    # functions and lambdas
    params: dict[str, Param] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    #: what the function returns: (the returned expression, None for a bare return;
    #: the ordinal of the return); a lambda's body is its one return
    returns: list[tuple[cst.BaseExpression | None, int]] = field(default_factory=list)
    generator: bool = False  # has a ``yield``: a call returns a generator
    #: for functions: the names their own body loads, in source order (not those of
    #: nested functions, lambdas or classes, nor store targets)
    reads: list[cst.Name] = field(default_factory=list)
    #: the ordinals at which its own code (as ``reads``, in any scope) loads each name
    loads: dict[str, list[int]] = field(default_factory=dict)
    loop: Loop | None = None  # the loop that encloses the definition, in the parent scope
    # classes
    bases: tuple[cst.Arg, ...] = ()
    # self.<attr> = value in the class's methods: (value, the method, ordinal)
    instance_attrs: dict[str, list[tuple[cst.BaseExpression, Scope, int]]] = field(
        default_factory=dict
    )
    class_annotations: dict[str, cst.BaseExpression] = field(default_factory=dict)
    #: for methods: the ``self.<attr>`` loads of their body, by attribute (with those of
    #: nested functions and lambdas that close over ``self``), in source order
    instance_reads: dict[str, list[cst.Attribute]] = field(default_factory=dict)

    @property
    def is_function(self) -> bool:
        return self.kind is ScopeKind.FUNCTION or self.kind is ScopeKind.LAMBDA

    def enclosing_function(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and not scope.is_function:
            scope = scope.parent
        return scope

    def enclosing_class(self) -> Scope | None:
        """For a method, the class it is defined in."""
        if (
            self.kind is ScopeKind.FUNCTION
            and self.parent is not None
            and self.parent.kind is ScopeKind.CLASS
        ):
            return self.parent
        return None

    def self_param(self) -> Param | None:
        """For a method, its first positional parameter (``self``/``cls``)."""
        if self.enclosing_class() is None:
            return None
        return next((p for p in self.params.values() if p.index == 0), None)

    def positional_params(self) -> list[Param]:
        return [p for p in self.params.values() if p.index >= 0]


class StatementKind(enum.Enum):
    SIMPLE = "simple"  # a small statement: an assignment, an expression, return, pass, ...
    IF = "if"  # with its elif and else arms
    FOR = "for"
    WHILE = "while"
    WITH = "with"
    TRY = "try"
    MATCH = "match"
    DEF = "def"
    CLASS = "class"


class Clause(enum.Enum):
    """What a suite of a compound statement is to it."""

    BODY = "body"  # the first suite: an if's, a loop's, a with's, a try's
    ALTERNATIVE = "alternative"  # an ``elif`` arm, or a later ``case`` of a match
    ELSE = "else"  # the ``else`` of an if, a loop or a try
    HANDLER = "handler"  # an ``except`` clause
    FINALLY = "finally"


@dataclass(eq=False)
class Statement:
    """One statement of a scope's own code, in the ordered view of its body: a small
    statement (each of ``a = 1; b = 2`` is one) or a compound one with its suites. Its
    code spans the ordinals [ordinal, end), a nested function's or class's body aside."""

    node: cst.CSTNode
    kind: StatementKind
    scope: Scope
    ordinal: int
    end: int = END_OF_FILE
    block: Block | None = None  # the block it sits in
    blocks: list[Block] = field(default_factory=list)  # its suites, in source order

    def contains(self, ordinal: int) -> bool:
        return self.ordinal <= ordinal < self.end


@dataclass(eq=False)
class Block:
    """Statements that run one after the other: a scope's body or a suite of a compound
    statement (``owner``; None for a scope's body)."""

    clause: Clause
    owner: Statement | None
    statements: list[Statement] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Point:
    """A point in the code: a scope and an ordinal (the walk's count of nodes so far)."""

    scope: Scope
    ordinal: int


@dataclass(frozen=True, eq=False)
class Site(Point):
    """A node of interest, with where it sits."""

    node: cst.CSTNode
    loop: Loop | None = None
    branch: Branch | None = None


@dataclass(frozen=True, eq=False)
class ConditionSite(Site):
    """Where Python turns a value into a bool: ``if``/``elif``/``while``/``assert``
    tests, conditional expressions, ``and``/``or``, ``not`` and the links of a chained
    comparison but the last (``test`` is then ``a < x`` of ``a < x < b``, a node made
    for the question, not one of the tree)."""

    test: cst.BaseExpression = dataclasses.field(default=None)  # type: ignore[assignment]
    kind: ConditionKind = ConditionKind.IF


@dataclass(frozen=True, eq=False)
class StoreSite(Site):
    """An assignment statement (``Assign``, ``AugAssign``, ``AnnAssign``) to a target."""

    target: cst.BaseExpression = dataclasses.field(default=None)  # type: ignore[assignment]
    statement: cst.BaseSmallStatement = dataclasses.field(default=None)  # type: ignore[assignment]
    in_with: bool = False


class Resolved(NamedTuple):
    """What a name resolves to: the scope that binds it, and its bindings there (all of
    them, or those that may reach a point; see ``NameResolver.reaching``)."""

    owner: Scope
    bindings: list[Binding]


class CallResolver(Protocol):
    """What a :class:`CallSite` asks to resolve its callee once (the model's name
    resolution), so that records need not know the model."""

    def qualified_name(self, expr: cst.BaseExpression, scope: Scope) -> str | None: ...

    def function_of(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None: ...

    def function_at(self, expr: cst.BaseExpression, scope: Scope, ordinal: int) -> Scope | None: ...

    def constructor_of(self, expr: cst.BaseExpression, scope: Scope) -> Scope | None: ...

    def decorated_with(self, function: Scope, name: str) -> bool: ...


@dataclass(frozen=True, eq=False)
class CallSite(Site):
    """A call, with what it calls resolved once for every rule that asks."""

    resolver: CallResolver = dataclasses.field(default=None, repr=False)  # type: ignore[assignment]

    @property
    def call(self) -> cst.Call:
        return self.node  # type: ignore[return-value]

    @functools.cached_property
    def qualified_name(self) -> str | None:
        """The canonical dotted name of the callee (``jax.numpy.sum``), through imports."""
        return self.resolver.qualified_name(self.call.func, self.scope)

    @functools.cached_property
    def callee(self) -> Scope | None:
        """The function defined in this file that the call reaches, if known: for a name
        its own scope defines more than once (a notebook's cell redefining a helper),
        the definition that reaches the call, not the last one."""
        return self.resolver.function_at(self.call.func, self.scope, self.ordinal)

    @functools.cached_property
    def constructor(self) -> Scope | None:
        """For ``Cls(...)`` of a class defined in this file, its ``__init__``: the call
        runs it, on the call's arguments after the new instance."""
        return self.resolver.constructor_of(self.call.func, self.scope)

    @property
    def binds_self(self) -> bool:
        """``self.method(x)``: the call binds the callee's first parameter itself (not
        a ``@staticmethod``'s, reached through the class or an instance)."""
        callee = self.callee
        return (
            callee is not None
            and isinstance(self.call.func, cst.Attribute)
            and callee.enclosing_class() is not None
            and not self.resolver.decorated_with(callee, "builtins.staticmethod")
        )

    def argument(self, param: Param) -> cst.BaseExpression | None:
        """The expression passed for ``param`` of the callee (its default when none is);
        None when unknown (``*args``)."""
        callee = self.callee
        if callee is None and self.constructor is not None:
            if param.index == 0:
                return None  # the instance being made
            if param.index > 0:  # the call's arguments start after `self`
                param = dataclasses.replace(param, index=param.index - 1)
            return argument_for(param, self.call, 0)
        return argument_for(param, self.call, 1 if self.binds_self else 0)


def argument_for(param: Param, call: cst.Call, bound: int) -> cst.BaseExpression | None:
    """The expression ``call`` passes for ``param`` (its default when it passes none);
    None when unknown (``*args``). ``bound`` counts arguments a method call binds first
    (``self``), which only an attribute call (``self.method(x)``) does."""
    positional = bound if isinstance(call.func, cst.Attribute) else 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if positional == param.index:
                return arg.value
            positional += 1
        elif arg.keyword.value == param.name:
            return arg.value
    return param.default


# --------------------------------------------------------------------------- tracing


@dataclass(eq=False)
class TraceInfo:
    """How one function is traced."""

    #: every transformation that traces it, directly or through its callers
    kinds: set[TransformKind] = field(default_factory=set)
    #: kinds applied to this very function (decorator, passed to a transformation), as
    #: opposed to reached through calls: only these make its parameters tracers
    direct_kinds: set[TransformKind] = field(default_factory=set)
    #: decorated with a transformation that hands its function arrays (``@jax.jit``):
    #: every call of its name goes through that transformation
    wrapped_where_defined: bool = False
    via: str = ""  # a short human explanation of why the function is traced
    #: calls in this file that reach this function from traced code
    traced_callers: list[CallSite] = field(default_factory=list)
    static_params: set[str] = field(default_factory=set)
    unmapped_params: set[str] = field(default_factory=set)  # in_axes=None under vmap
    #: selected by the ``argnums`` of a ``grad``-like transformation given this very
    #: function: JVP tracers, which hold concrete values but refuse ``float()``
    differentiated_params: set[str] = field(default_factory=set)
    #: ``g = jax.jit(f, ...)`` calls that made a wrapper of this function, each with the
    #: parameters that wrapper keeps static (its options literal): what a call of the
    #: wrapper passes for another parameter reaches this function as a tracer
    wrappers: list[tuple[CallSite, frozenset[str]]] = field(default_factory=list)
    #: bound by ``functools.partial`` before a transformation: concrete Python values
    partial_bound: set[str] = field(default_factory=set)
    host: bool = False  # handed to a host callback: runs with concrete values
    #: given directly to a transformation that traces only array leaves (equinox's
    #: ``filter_jit``, ...), and to one that traces every argument
    filtered: bool = False
    unfiltered: bool = False
    ref_params: bool = False  # a Pallas kernel: parameters are mutable refs
    #: ``jax.tree.map(f, tree, ...)`` calls of this function: its parameters are leaves
    leaf_callers: list[CallSite] = field(default_factory=list)

    @property
    def traced(self) -> bool:
        return bool(self.kinds) and not self.host

    @property
    def staged(self) -> bool:
        """Traced by a transformation that stages Python out (jit, vmap, scan, ...)."""
        return self.traced and any(kind.stages_python for kind in self.kinds)

    @property
    def stages_constants(self) -> bool:
        """Staged out into a jaxpr (jit, scan, ..., not vmap alone): a JAX operation
        there gives a tracer even on constants."""
        return self.traced and any(kind.stages_constants for kind in self.kinds)

    @property
    def compiled(self) -> bool:
        """Staged and then run compiled: not only traced for shapes by
        ``eval_shape``/``make_jaxpr``, and not only differentiated."""
        if not any(kind.stages_python and not kind.trace_only for kind in self.kinds):
            return False
        return not any(kind.trace_only for kind in self.direct_kinds)

    def arguments_traced(self) -> bool:
        """Handed directly to a transformation whose arguments are tracers."""
        return any(kind.traces_arguments for kind in self.direct_kinds)

    def traces_only_array_leaves(self) -> bool:
        """Every transformation given this function directly traces only array leaves:
        its Python bools, strings and numbers are static (equinox's ``filter_*``)."""
        return self.filtered and not self.unfiltered

    def unmapped(self, param: str) -> bool:
        """Passed through unbatched by ``vmap(in_axes=None)`` and traced by nothing else
        (under ``jit(vmap(f, in_axes=(0, None)))`` jit still traces it): the caller's
        value, maybe a Python one."""
        return param in self.unmapped_params and not any(
            kind.traces_arguments and kind is not TransformKind.VMAP for kind in self.direct_kinds
        )

    def arguments_are_arrays(self) -> bool:
        return any(kind.passes_arrays for kind in self.direct_kinds)


#: The one shared, never-written answer for scopes that are not traced.
NOT_TRACED = TraceInfo()


class TransformForm(enum.Enum):
    """How an expression names a transformation."""

    BARE = "bare"  # jax.jit
    CONFIGURED = "configured"  # jax.jit(static_argnums=1)
    PARTIAL = "partial"  # functools.partial(jax.jit, static_argnums=1)
