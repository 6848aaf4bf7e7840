"""Traced-ness across modules: a cheap index over all the files being linted.

A jitted ``train_step`` in ``train.py`` calling ``utils.log_metrics`` traces
``log_metrics`` too, though ``utils.py`` alone does not say so. Before linting, the
index reads every file with Python's own (C) parser, records per module its top-level
functions and methods, its imports, which of them a JAX transformation traces directly
(decorators, ``jax.jit(f)``-style calls), and whom each calls. Following the calls from
traced functions across modules tells each file which of its functions other files
trace, and how; the file's semantic model takes it from there.

The index is deliberately coarse: it decides only what crosses a module boundary. What
a file traces by itself, the semantic model finds with its full rules.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jaxlint import jaxfacts as jf
from jaxlint import prefilter
from jaxlint.jaxfacts import TransformKind
from jaxlint.model.tracing import decorator_transform

#: How a transformation kind reads in "called from the jitted train_step".
_KIND_ADJECTIVES = {
    TransformKind.JIT: "jitted",
    TransformKind.VMAP: "vmapped",
    TransformKind.LOOP: "lax-traced",
    TransformKind.CHECKPOINT: "rematerialized",
    TransformKind.CUSTOM: "custom-derivative",
    TransformKind.MODULE: "flax-module",
    TransformKind.USER: "traced",
    TransformKind.KERNEL: "Pallas",
}
#: Kinds whose Python runs once at trace time and is then compiled: only these
#: make trace-time effects in callees lose their repeats.
_STAGED_ROOT_KINDS = frozenset(_KIND_ADJECTIVES)


@dataclass(frozen=True)
class CrossModuleFacts:
    """What other linted files do to one file: the functions of it they trace, and the
    module-level names of it they rebind. Given to the file's semantic model."""

    #: qualified name of a function -> how other files trace it
    traced: Mapping[str, str] = field(default_factory=dict)
    #: module-level name -> where another file rebinds it (``train.py:12``)
    rebound: Mapping[str, str] = field(default_factory=dict)
    #: name imported from another file that is a function jitted there with literal
    #: argument options -> option (``static_argnums``, ``donate_argnums``) -> (positions,
    #: parameter names) it selects
    jitted_imports: Mapping[str, ArgumentOptions] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.traced or self.rebound or self.jitted_imports)


#: option (``static_argnums``/``donate_argnums``) -> (positions, parameter names)
ArgumentOptions = dict[str, tuple[tuple[int, ...], tuple[str, ...]]]
#: The option pairs the index records: what JL014 and JL015 check at call sites.
_OPTION_PAIRS = (("static_argnums", "static_argnames"), ("donate_argnums", "donate_argnames"))


@dataclass
class _Function:
    qualname: str  # "step" or "Model.__call__"
    line: int
    module: _Module
    kind: TransformKind | None = None  # the transformation that traces it directly, if any
    memoized: bool = False  # runs once per process and argument set: tracing stops here
    decorators: list[ast.expr] = field(default_factory=list)
    #: positional parameter names, or None when ``*args``/``**kwargs`` make them open
    positional: list[str] | None = None
    # (dotted target as written through this module's imports, line of the call)
    calls: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Module:
    name: str  # dotted, e.g. "pkg.utils"
    path: str
    package: str  # for relative imports
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted target
    functions: dict[str, _Function] = field(default_factory=dict)
    #: ``settings.scale = 2.0``: (the attribute's dotted target through this module's
    #: imports, line), for JL010 in the module that owns the name
    attribute_writes: list[tuple[str, int]] = field(default_factory=list)
    #: top-level names bound to functions jitted with literal argument options
    jitted: dict[str, ArgumentOptions] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """What the index keeps of this module, as plain JSON data (for the cache)."""
        return {
            "imports": self.imports,
            "functions": [
                [
                    f.qualname,
                    f.line,
                    f.kind.value if f.kind else "",
                    [list(c) for c in f.calls],
                    f.memoized,
                ]
                for f in self.functions.values()
            ],
            "writes": [list(write) for write in self.attribute_writes],
            "jitted": {
                name: {option: [list(p), list(n)] for option, (p, n) in options.items()}
                for name, options in self.jitted.items()
            },
        }

    @classmethod
    def from_summary(cls, name: str, path: str, package: str, data: Any) -> _Module | None:
        try:
            module = cls(name, path, package, dict(data["imports"]))
            for qualname, line, kind, calls, memoized in data["functions"]:
                function = _Function(qualname, line, module, TransformKind(kind) if kind else None)
                function.memoized = bool(memoized)
                function.calls = [(str(target), int(at)) for target, at in calls]
                module.functions[qualname] = function
            module.attribute_writes = [(str(target), int(at)) for target, at in data["writes"]]
            module.jitted = {
                str(name): {
                    str(option): (tuple(int(i) for i in p), tuple(str(n) for n in names))
                    for option, (p, names) in options.items()
                }
                for name, options in data["jitted"].items()
            }
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry: read the file again
        return module


@functools.lru_cache(maxsize=4096)
def _package_of_directory(directory: str) -> str:
    """The dotted package a directory is, from the ``__init__.py`` files at and above it."""
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return ""
    parent, name = os.path.split(directory)
    above = _package_of_directory(parent) if parent != directory else ""
    return f"{above}.{name}" if above else name


def module_name(path: str) -> tuple[str, str]:
    """(dotted module name, package) of a file, from the ``__init__.py`` files above it."""
    directory, filename = os.path.split(os.path.abspath(path))
    stem = os.path.splitext(filename)[0]
    package = _package_of_directory(directory)
    if stem == "__init__":
        return package, package
    return (f"{package}.{stem}" if package else stem), package


def _walk(root: ast.AST) -> Iterable[ast.AST]:
    """Every node under ``root``, depth first: ``ast.walk`` without its generator chain
    (``iter_child_nodes``/``iter_fields``), which dominated the index's cost."""
    stack = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    node_type = ast.AST
    while stack:
        node = pop()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                push(value)
            elif value.__class__ is list:
                extend(reversed([item for item in value if isinstance(item, node_type)]))


def _ast_call_parts(node: ast.expr) -> tuple[ast.expr, ast.expr | None] | None:
    if not isinstance(node, ast.Call):
        return None
    return node.func, node.args[0] if node.args else None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


#: Transformations whose argument options the index records.
_JIT_NAMES = frozenset({"jax.jit", "jax.pmap"})


def _literal(node: ast.expr) -> list[object] | None:
    """``1``, ``(0, 2)``, ``"n"``, ``("a", "b")``: the constants, else None."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List) else [node]
    if not all(isinstance(item, ast.Constant) for item in items):
        return None
    return [item.value for item in items]  # type: ignore[attr-defined]


def _selected_parameters(
    keywords: list[ast.keyword], argnums: str, argnames: str, positional: list[str]
) -> tuple[tuple[int, ...], tuple[str, ...]] | None:
    """Positions and names an option pair selects, completed from the parameters; None
    when it is absent or not literal."""
    positions: set[int] = set()
    names: set[str] = set()
    for keyword in keywords:
        if keyword.arg not in (argnums, argnames):
            continue
        values = _literal(keyword.value)
        if values is None:
            return None
        if keyword.arg == argnums:
            if not all(type(value) is int for value in values):
                return None
            positions |= {int(value) for value in values}  # type: ignore[call-overload]
        else:
            if not all(isinstance(value, str) for value in values):
                return None
            names |= {str(value) for value in values}
    if not positions and not names:
        return None
    for index, name in enumerate(positional):
        if name in names:
            positions.add(index)
        if index in positions:
            names.add(name)
    return tuple(sorted(positions)), tuple(sorted(names))


class _Reader:
    """Fills one :class:`_Module` from its syntax tree."""

    def __init__(self, module: _Module, traced_decorators: frozenset[str]) -> None:
        self.module = module
        self.traced_decorators = traced_decorators

    def resolve(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        target = self.module.imports.get(head)
        if target is None:
            return dotted
        return f"{target}.{rest}" if rest else target

    def transform_kind(self, node: ast.expr) -> TransformKind | None:
        """The kind of transformation ``node`` names (``jax.jit``, ``partial(jax.jit, ...)``,
        ``jax.jit(static_argnums=...)``), or None: the model's own rule, on ``ast``."""
        found = decorator_transform(node, self.qualify, _ast_call_parts, self.traced_decorators)
        return found[1].kind if found is not None else None

    def qualify(self, node: ast.expr) -> str | None:
        dotted = _dotted(node)
        return None if dotted is None else jf.canonical(self.resolve(dotted))

    def read(self, tree: ast.Module) -> None:
        """One pass over every node: imports, functions with the calls in them, and
        ``jax.jit(f)``-style transformation calls anywhere."""
        transform_calls: list[ast.Call] = []
        for statement in tree.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                self.add_function(statement, statement.name, transform_calls)
            elif isinstance(statement, ast.ClassDef):
                for item in statement.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        self.add_function(item, f"{statement.name}.{item.name}", transform_calls)
                    else:
                        self.scan(item, None, transform_calls)
                for base in (*statement.bases, *statement.decorator_list):
                    self.scan(base, None, transform_calls)
            else:
                self.scan(statement, None, transform_calls)
        # Decorators and calls were recorded before every import was known: resolve now.
        for function in self.module.functions.values():
            function.memoized = any(
                jf.memoizing(self.qualify(d.func if isinstance(d, ast.Call) else d))
                for d in function.decorators
            )
            for decorator in function.decorators:
                kind = self.transform_kind(decorator)
                if kind:
                    function.kind = kind
                    break
        self.module.attribute_writes = [
            (self.resolve(written), line)
            for written, line in self.module.attribute_writes
            if written.partition(".")[0] in self.module.imports
        ]
        for function in self.module.functions.values():
            if "." not in function.qualname:
                for decorator in function.decorators:
                    self.add_jitted(function.qualname, decorator, None, function)
        for statement in tree.body:
            # g = jax.jit(f, static_argnums=1)
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and isinstance(statement.value, ast.Call)
                and statement.value.args
            ):
                wrapped = self.module.functions.get(_dotted(statement.value.args[0]) or "")
                if wrapped is not None and "." not in wrapped.qualname:
                    self.add_jitted(
                        statement.targets[0].id, statement.value.func, statement.value, wrapped
                    )
        for call in transform_calls:
            kind = self.transform_kind(call.func)
            target = _dotted(call.args[0]) if kind else None
            function = self.module.functions.get(target or "")
            if function is not None and not function.kind:
                function.kind = kind

    def add_jitted(
        self, name: str, jit: ast.expr, call: ast.Call | None, function: _Function
    ) -> None:
        """Record what ``jit`` (``@partial(jax.jit, static_argnums=1)``, or the ``jax.jit``
        of ``call``) selects of ``function``'s arguments, when it is literal."""
        if call is not None:
            if self.qualify(jit) not in _JIT_NAMES:
                return
            keywords = call.keywords
        else:
            found = decorator_transform(jit, self.qualify, _ast_call_parts, frozenset())
            if found is None or found[0] not in _JIT_NAMES or not isinstance(jit, ast.Call):
                return
            keywords = jit.keywords
        if function.positional is None:
            return
        options: ArgumentOptions = {}
        for argnums, argnames in _OPTION_PAIRS:
            selected = _selected_parameters(keywords, argnums, argnames, function.positional)
            if selected is not None:
                options[argnums] = selected
        if options:
            self.module.jitted[name] = options

    def scan(
        self, root: ast.AST, function: _Function | None, transform_calls: list[ast.Call]
    ) -> None:
        module = self.module
        for node in _walk(root):
            if isinstance(node, ast.Call):
                dotted = _dotted(node.func)
                if dotted is not None:
                    if function is not None and not dotted.startswith(("self.", "cls.")):
                        function.calls.append((dotted, node.lineno))
                    if node.args:
                        transform_calls.append(node)
                elif isinstance(node.func, ast.Call) and node.args:
                    transform_calls.append(node)  # jax.jit(static_argnums=1)(f)
            elif isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        # Resolved once every import is known (see read).
                        written = f"{target.value.id}.{target.attr}"
                        module.attribute_writes.append((written, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.imports[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        module.imports[top] = top
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module.package.split(".") if module.package else []
                    anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    if alias.name != "*":
                        target = f"{base}.{alias.name}" if base else alias.name
                        module.imports[alias.asname or alias.name] = target

    def add_function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        qualname: str,
        transform_calls: list[ast.Call],
    ) -> None:
        function = _Function(qualname, node.lineno, self.module)
        function.decorators = list(node.decorator_list)
        arguments = node.args
        if arguments.vararg is None and arguments.kwarg is None:
            function.positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
        self.scan(node, function, transform_calls)
        self.module.functions[qualname] = function


class ProjectIndex:
    """Which functions of each linted file are traced from other linted files.

    Built from the list of paths being linted (before linting them); queried per file
    with :meth:`external_traced`, and :meth:`fingerprint` for caches.
    """

    def __init__(
        self,
        paths: Sequence[str],
        traced_decorators: Iterable[str] = (),
        summaries: MutableMapping[str, Any] | None = None,
    ) -> None:
        """``summaries`` keeps each module's summary by content (the result cache gives
        one), so an unchanged file is not parsed again to rebuild the index."""
        self._decorators = frozenset(traced_decorators)
        self._summaries = summaries
        self._sources: dict[str, bytes] = {}
        self._path_of: dict[str, str] = {}  # module name -> path, parsed on demand
        self._by_name: dict[str, _Module | None] = {}
        self._by_path: dict[str, _Module] = {}
        self._root = _common_directory(paths)
        self._external: dict[str, dict[str, str]] = {}
        self._rebound: dict[str, dict[str, str]] = {}  # path -> module-level name -> where
        mentions_transform = _transform_mention(self._decorators)
        callers: list[tuple[str, str, bytes]] = []
        others: list[tuple[str, str, bytes]] = []
        for path in paths:
            if not path.endswith(".py"):
                continue
            name, _ = module_name(path)
            self._path_of.setdefault(name, path)
            try:
                with open(path, "rb") as handle:
                    source = handle.read()
            except OSError:
                continue
            # Only a file that names a transformation can hold a root; the others are
            # parsed only if a traced call reaches them.
            if mentions_transform.search(source):
                callers.append((name, path, source))
            else:
                others.append((name, path, source))
                if summaries is not None:
                    self._sources[os.path.abspath(path)] = source  # for its summary key
        if len(self._path_of) > 1:
            for name, path, source in callers:
                self._by_name[name] = self._parse(path, source)
            self._resolve()
            self._resolve_writes()
            self._read_importers(others)

    def external(self, path: str) -> CrossModuleFacts | None:
        """What other linted files do to ``path``'s functions and names, if anything."""
        facts = CrossModuleFacts(
            self.external_traced(path), self.external_rebound(path), self.jitted_imports(path)
        )
        return facts if facts else None

    def jitted_imports(self, path: str) -> dict[str, ArgumentOptions]:
        """Names ``path`` imports (``from steps import train_step``) that are functions
        jitted in another linted file with literal static or donated arguments."""
        module = self._by_path.get(os.path.abspath(path))
        if module is None:
            return {}
        found: dict[str, ArgumentOptions] = {}
        for local, target in module.imports.items():
            owner_name, _, name = target.rpartition(".")
            owner = self._by_name.get(owner_name) if owner_name else None
            if owner is not None and owner is not module and name in owner.jitted:
                found[local] = owner.jitted[name]
        return found

    def external_rebound(self, path: str) -> dict[str, str]:
        """Module-level names of ``path`` that other linted files rebind
        (``settings.scale = 2.0``), each with where (``train.py:12``)."""
        return self._rebound.get(os.path.abspath(path), {})

    def external_traced(self, path: str) -> dict[str, str]:
        """Qualified names of functions in ``path`` that code in other linted files
        traces, each with how (``called from the jitted train_step in train.py:42``)."""
        return self._external.get(os.path.abspath(path), {})

    def fingerprint(self, path: str) -> str:
        """A stable string of all that ``path``'s results depend on in other files."""
        facts = self.external(path)
        if facts is None:
            return ""
        text = "\n".join(f"{name}\t{via}" for name, via in sorted(facts.traced.items()))
        text += "\0" + "\n".join(f"{name}\t{at}" for name, at in sorted(facts.rebound.items()))
        text += "\0" + repr(sorted(facts.jitted_imports.items()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # ------------------------------------------------------------------ building

    def _parse(self, path: str, source: bytes | None = None) -> _Module | None:
        absolute = os.path.abspath(path)
        try:
            if source is None:
                source = self._sources.pop(absolute, None)
            if source is None:
                with open(path, "rb") as handle:
                    source = handle.read()
        except OSError:
            return None  # unreadable: the linter reports it
        name, package = module_name(path)
        key = ""
        if self._summaries is not None:
            key = summary_key(package, self._decorators, source)
            stored = self._summaries.get(key)
            if stored is not None:
                module = _Module.from_summary(name, absolute, package, stored)
                if module is not None:
                    self._by_path[absolute] = module
                    return module
        try:
            tree = ast.parse(source, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # unparsable: the linter reports it
        module = _Module(name, absolute, package)
        _Reader(module, self._decorators).read(tree)
        prefilter.remember(source, tree, self._decorators)  # the linter need not parse again
        self._by_path[absolute] = module
        if self._summaries is not None:
            self._summaries[key] = module.summary()
        return module

    def _module(self, name: str) -> _Module | None:
        """The indexed module called ``name``, parsed on first use."""
        if name not in self._by_name:
            path = self._path_of.get(name)
            self._by_name[name] = self._parse(path) if path is not None else None
        return self._by_name[name]

    def _target(self, module: _Module, dotted: str, depth: int = 0) -> _Function | None:
        """The indexed function a call spelled ``dotted`` in ``module`` reaches."""
        if depth > 4:
            return None
        local = module.functions.get(dotted)
        if local is not None:
            return local
        head, _, rest = dotted.partition(".")
        imported = module.imports.get(head)
        if imported is None:
            return None
        full = f"{imported}.{rest}" if rest else imported
        return self._lookup(full, depth)

    def _lookup(self, full: str, depth: int) -> _Function | None:
        parts = full.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            owner = self._module(".".join(parts[:cut]))
            if owner is None:
                continue
            rest = ".".join(parts[cut:])
            found = owner.functions.get(rest)
            if found is not None:
                return found
            # A re-export: ``from .utils import helper`` in a package's __init__.
            return self._target(owner, rest, depth + 1)
        return None

    def _resolve(self) -> None:
        """Traced functions, then what they reach: first inside their own module (the
        semantic model sees that itself), then across modules (what the index adds)."""
        root_of: dict[int, _Function] = {}  # id of a traced function -> the root tracing it
        pending: list[_Function] = []
        for module in list(self._by_path.values()):
            for function in module.functions.values():
                if function.kind in _STAGED_ROOT_KINDS:
                    root_of[id(function)] = function
                    pending.append(function)
        local = list(pending)
        while pending:
            caller = pending.pop()
            for dotted, _ in caller.calls:
                callee = caller.module.functions.get(dotted)
                if callee is not None and id(callee) not in root_of and not callee.memoized:
                    root_of[id(callee)] = root_of[id(caller)]
                    local.append(callee)
                    pending.append(callee)
        pending = local
        while pending:
            caller = pending.pop(0)
            root = root_of[id(caller)]
            for dotted, line in caller.calls:
                callee = self._target(caller.module, dotted)
                if callee is None or id(callee) in root_of or callee.memoized:
                    continue  # a memoized function is process setup, not traced code
                root_of[id(callee)] = root
                pending.append(callee)
                where = f"{self._display(caller.module.path)}:{line}"
                adjective = _KIND_ADJECTIVES[root.kind]
                if caller is root:
                    via = f"called from the {adjective} {root.qualname} in {where}"
                else:
                    via = (
                        f"called from {caller.qualname} in {where}, reached from the "
                        f"{adjective} {root.qualname} in "
                        f"{self._display(root.module.path)}:{root.line}"
                    )
                self._external.setdefault(callee.module.path, {})[callee.qualname] = via

    def _read_importers(self, others: list[tuple[str, str, bytes]]) -> None:
        """Files that name no transformation but mention a function jitted elsewhere with
        argument options (a training script calling ``train_step``): read them too, so
        that their calls are checked against those options."""
        exported = {name for module in self._by_path.values() for name in module.jitted}
        if not exported:
            return
        words = b"|".join(re.escape(name.encode()) for name in sorted(exported))
        mention = re.compile(rb"\b(?:" + words + rb")\b")
        for name, path, source in others:
            if name not in self._by_name and mention.search(source):
                self._by_name[name] = self._parse(path, source)

    def _resolve_writes(self) -> None:
        """``settings.scale = 2.0`` in one linted module rebinds ``scale`` in another."""
        for module in list(self._by_path.values()):
            for written, line in module.attribute_writes:
                owner_name, _, name = written.rpartition(".")
                owner = self._module(owner_name) if owner_name else None
                if owner is None or owner is module or name.startswith("__"):
                    continue
                where = f"{self._display(module.path)}:{line}"
                self._rebound.setdefault(owner.path, {}).setdefault(name, where)

    def _display(self, path: str) -> str:
        try:
            return os.path.relpath(path, self._root)
        except ValueError:
            return path


def names_a_transformation(source: bytes, traced_decorators: frozenset[str]) -> bool:
    """Whether ``source`` names a transformation that can root a trace: only such a file
    is read before it is known that traced code reaches it."""
    return _transform_mention(traced_decorators).search(source) is not None


@functools.lru_cache(maxsize=8)
def _transform_mention(traced_decorators: frozenset[str]) -> re.Pattern[bytes]:
    words = {name.rsplit(".", 1)[-1] for name in traced_decorators}
    words |= {
        name.rsplit(".", 1)[-1]
        for name, transform in jf.TRANSFORMS.items()
        if transform.kind in _STAGED_ROOT_KINDS
    }
    return re.compile(rb"\b(?:" + "|".join(sorted(words)).encode() + rb")\b")


def summary_key(package: str, traced_decorators: Iterable[str], source: bytes) -> str:
    """What a module's summary depends on: the bytes, the package (relative imports) and
    the user's traced decorators."""
    text = f"{package}\0{sorted(traced_decorators)}\0".encode() + source
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def summarize(
    path: str, traced_decorators: frozenset[str]
) -> tuple[str, dict[str, Any] | None, bytes, frozenset[str]] | None:
    """One file read for the index, as a worker process does it before linting starts:
    its summary key, its summary (None when the index would not read it first: it
    names no transformation), its pre-filter digest and verdict; or None when it cannot
    be read or parsed (the index and the linter then see to it themselves)."""
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        tree = ast.parse(source, filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    name, package = module_name(path)
    module = _Module(name, os.path.abspath(path), package)
    _Reader(module, traced_decorators).read(tree)
    summary = module.summary()
    verdict = prefilter.reportable_codes(tree, traced_decorators)
    key = summary_key(package, traced_decorators, source)
    return key, summary, prefilter.content_digest(source), verdict


def _common_directory(paths: Sequence[str]) -> str:
    directories = [os.path.dirname(os.path.abspath(path)) for path in paths]
    if not directories:
        return os.getcwd()
    try:
        return os.path.commonpath(directories)
    except ValueError:
        return os.getcwd()
