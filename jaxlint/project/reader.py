"""What the project index keeps of one module, read with Python's own (C) parser: its
imports, top-level functions and methods with the calls in them, the transformation that
traces each directly, the attribute writes it makes to other modules, and the functions it
jits with literal argument options. :mod:`jaxlint.project.index` joins the modules up."""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.transforms import TransformKind
from jaxlint.model.tracing import decorator_transform
from jaxlint.syntax.chains import dotted
from jaxlint.syntax.imports import imported_names
from jaxlint.syntax.options import selected_parameters

#: option (``static_argnums``/``donate_argnums``) -> (positions, parameter names)
ArgumentOptions = dict[str, tuple[tuple[int, ...], tuple[str, ...]]]
#: The option pairs the index records: what JL014 and JL015 check at call sites.
_OPTION_PAIRS = (("static_argnums", "static_argnames"), ("donate_argnums", "donate_argnames"))


@dataclass
class IndexedFunction:
    qualname: str  # "step" or "Model.__call__"
    line: int
    module: IndexedModule
    kind: TransformKind | None = None  # the transformation that traces it directly, if any
    memoized: bool = False  # runs once per process and argument set: tracing stops here
    decorators: list[ast.expr] = field(default_factory=list)
    #: positional parameter names, or None when ``*args``/``**kwargs`` make them open
    positional: list[str] | None = None
    # (dotted target as written through this module's imports, line of the call)
    calls: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class IndexedModule:
    name: str  # dotted, e.g. "pkg.utils"
    path: str
    package: str  # for relative imports
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted target
    functions: dict[str, IndexedFunction] = field(default_factory=dict)
    #: ``settings.scale = 2.0``: (the attribute's dotted target through this module's
    #: imports, line), for JL010 in the module that owns the name
    attribute_writes: list[tuple[str, int]] = field(default_factory=list)
    #: top-level names bound to functions jitted with literal argument options
    jitted: dict[str, ArgumentOptions] = field(default_factory=dict)
    #: top-level classes bound once whose instances hash as Python's rules say, by
    #: name -> how (a :class:`jaxlint.facts.objects.Hashing` value, with
    #: ``:dataclass`` after it for a dataclass), for JL014
    classes: dict[str, str] = field(default_factory=dict)

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
            "classes": self.classes,
        }

    @classmethod
    def from_summary(cls, name: str, path: str, package: str, data: Any) -> IndexedModule | None:
        try:
            module = cls(name, path, package, dict(data["imports"]))
            for qualname, line, kind, calls, memoized in data["functions"]:
                function = IndexedFunction(
                    qualname, line, module, TransformKind(kind) if kind else None
                )
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
            module.classes = {str(name): str(how) for name, how in data["classes"].items()}
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry: read the file again
        return module


#: Statements that bind their own name.
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _bound_names(statement: ast.stmt) -> list[str]:
    """Names a statement of a class body binds other than by ``def`` (``__hash__ =
    None``)."""
    if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return [
            node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)
        ]
    return []


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


def ast_call_parts(node: ast.expr) -> tuple[ast.expr, ast.expr | None] | None:
    if not isinstance(node, ast.Call):
        return None
    return node.func, node.args[0] if node.args else None


#: Transformations whose argument options the index records.
_JIT_NAMES = frozenset({"jax.jit", "jax.pmap"})


def _subclasses(root: type[ast.AST]) -> Iterator[type[ast.AST]]:
    for cls in root.__subclasses__():
        yield cls
        yield from _subclasses(cls)


#: Nodes with no call, assignment or import in or under them, which the index's scan
#: does not enter: names, constants, and the context and operator markers.
_LEAVES = frozenset(
    {
        ast.Name,
        ast.Constant,
        *(
            cls
            for base in (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
            for cls in _subclasses(base)
        ),
    }
)
_IMPORTS = frozenset({ast.Import, ast.ImportFrom})


class ModuleReader:
    """Fills one :class:`IndexedModule` from its syntax tree."""

    def __init__(self, module: IndexedModule, traced_decorators: frozenset[str]) -> None:
        self.module = module
        self.traced_decorators = traced_decorators

    def resolve(self, written: str) -> str:
        head, _, rest = written.partition(".")
        target = self.module.imports.get(head)
        if target is None:
            return written
        return f"{target}.{rest}" if rest else target

    def transform_kind(self, node: ast.expr) -> TransformKind | None:
        """The kind of transformation ``node`` names (``jax.jit``, ``partial(jax.jit, ...)``,
        ``jax.jit(static_argnums=...)``), or None: the model's own rule, on ``ast``."""
        found = decorator_transform(node, self.qualify, ast_call_parts, self.traced_decorators)
        return found[1].kind if found is not None else None

    def qualify(self, node: ast.expr) -> str | None:
        written = dotted(node)
        return None if written is None else jf.canonical(self.resolve(written))

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
                wrapped = self.module.functions.get(dotted(statement.value.args[0]) or "")
                if wrapped is not None and "." not in wrapped.qualname:
                    self.add_jitted(
                        statement.targets[0].id, statement.value.func, statement.value, wrapped
                    )
        self.add_classes(tree)
        for call in transform_calls:
            kind = self.transform_kind(call.func)
            target = dotted(call.args[0]) if kind else None
            function = self.module.functions.get(target or "")
            if function is not None and not function.kind:
                function.kind = kind

    def add_classes(self, tree: ast.Module) -> None:
        """Top-level classes bound once, with how their instances hash, where Python's
        rules say it from what the class shows (the model's rule, on ``ast``)."""
        bound: dict[str, int] = {}
        for statement in tree.body:
            for node in ast.walk(statement) if not isinstance(statement, _DEFINITIONS) else ():
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    bound[node.id] = bound.get(node.id, 0) + 1
                elif isinstance(node, _DEFINITIONS):  # in an `if` or `try`: maybe another
                    bound[node.name] = bound.get(node.name, 0) + 1
            if isinstance(statement, _DEFINITIONS):
                bound[statement.name] = bound.get(statement.name, 0) + 1
        bound.update({name: 2 for name in self.module.imports})  # rebound by an import
        for statement in tree.body:
            if isinstance(statement, ast.ClassDef) and bound.get(statement.name) == 1:
                hashing = self.class_hashing(statement)
                if hashing is not None:
                    kind = ":dataclass" if statement.decorator_list else ""
                    self.module.classes[statement.name] = hashing.value + kind

    def class_hashing(self, node: ast.ClassDef) -> jf.Hashing | None:
        if node.keywords or len(node.decorator_list) > 1:
            return None
        if any(not (isinstance(base, ast.Name) and base.id == "object") for base in node.bases):
            return None
        defined: dict[str, bool | None] = {"__eq__": False, "__hash__": False, "__new__": False}
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in defined:
                defined[item.name] = True if defined[item.name] is not None else None
            for target in _bound_names(item):
                if target in defined:
                    defined[target] = None
        if defined["__new__"] is not False:
            return None
        options: dict[str, bool] | None = None
        if node.decorator_list:
            decorator = node.decorator_list[0]
            call = decorator if isinstance(decorator, ast.Call) else None
            func = call.func if call is not None else decorator
            options = {} if self.qualify(func) in jf.DATACLASS_DECORATORS else None
            for keyword in call.keywords if call is not None else ():
                value = keyword.value
                if options is None or keyword.arg not in jf.DATACLASS_KEYWORDS:
                    options = None
                elif isinstance(value, ast.Constant) and isinstance(value.value, bool):
                    options[keyword.arg] = value.value
                else:
                    options = None
            if call is not None and call.args:
                options = None
        decorated = bool(node.decorator_list)
        return jf.class_hashing(defined["__eq__"], defined["__hash__"], decorated, options)

    def add_jitted(
        self, name: str, jit: ast.expr, call: ast.Call | None, function: IndexedFunction
    ) -> None:
        """Record what ``jit`` (``@partial(jax.jit, static_argnums=1)``, or the ``jax.jit``
        of ``call``) selects of ``function``'s arguments, when it is literal."""
        if call is not None:
            if self.qualify(jit) not in _JIT_NAMES:
                return
            keywords = call.keywords
        else:
            found = decorator_transform(jit, self.qualify, ast_call_parts, frozenset())
            if found is None or found[0] not in _JIT_NAMES or not isinstance(jit, ast.Call):
                return
            keywords = jit.keywords
        if function.positional is None:
            return
        options: ArgumentOptions = {}
        for argnums, argnames in _OPTION_PAIRS:
            selected = selected_parameters(keywords, (argnums,), (argnames,), function.positional)
            if selected is not None and selected.complete:
                options[argnums] = (
                    tuple(sorted(selected.positions)),
                    tuple(sorted(selected.names)),
                )
        if options:
            self.module.jitted[name] = options

    def scan(
        self, root: ast.AST, function: IndexedFunction | None, transform_calls: list[ast.Call]
    ) -> None:
        """Calls, attribute writes and imports under ``root``, met in :func:`walk_ast`'s
        order (which call of a function is cited, and which write, is the first met).
        Inlined rather than over :func:`walk_ast`, and not entering names, constants and
        operators, which hold none of them: the index reads every node of most files."""
        module = self.module
        stack = [root]
        pop, push, extend = stack.pop, stack.append, stack.extend
        node_type, leaves = ast.AST, _LEAVES
        call, assign, augmented, imports = ast.Call, ast.Assign, ast.AugAssign, _IMPORTS
        while stack:
            node = pop()
            kind = node.__class__
            if kind is call:
                callee = dotted(node.func)
                if callee is not None:
                    if function is not None and not callee.startswith(("self.", "cls.")):
                        function.calls.append((callee, node.lineno))
                    if node.args:
                        transform_calls.append(node)
                elif isinstance(node.func, ast.Call) and node.args:
                    transform_calls.append(node)  # jax.jit(static_argnums=1)(f)
            elif kind is assign or kind is augmented:
                targets = node.targets if kind is assign else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        # Resolved once every import is known (see read).
                        written = f"{target.value.id}.{target.attr}"
                        module.attribute_writes.append((written, node.lineno))
            elif kind in imports:
                module.imports.update(imported_names(node, module.package))
            for name in kind._fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    extend(
                        reversed(
                            [
                                item
                                for item in value
                                if item.__class__ not in leaves and isinstance(item, node_type)
                            ]
                        )
                    )
                elif value.__class__ not in leaves and isinstance(value, node_type):
                    push(value)

    def add_function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        qualname: str,
        transform_calls: list[ast.Call],
    ) -> None:
        function = IndexedFunction(qualname, node.lineno, self.module)
        function.decorators = list(node.decorator_list)
        arguments = node.args
        if arguments.vararg is None and arguments.kwarg is None:
            function.positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
        self.scan(node, function, transform_calls)
        self.module.functions[qualname] = function
