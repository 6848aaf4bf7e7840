"""Traced-ness across modules: a cheap index over all the files being linted.

A jitted ``train_step`` in ``train.py`` calling ``utils.log_metrics`` traces
``log_metrics`` too, though ``utils.py`` alone does not say so. Before linting, the
index reads every file with Python's own (C) parser, records per module its top-level
functions and methods, its imports, which of them a JAX transformation traces directly
(decorators, ``jax.jit(f)``-style calls), and whom each calls. Following the calls from
traced functions across modules tells each file which of its functions other files
trace, and how; the file's semantic model takes it from there. The same index tells a
file which of its module-level names other files rebind (``settings.scale = 2.0``, JL010)
and which functions it imports were jitted elsewhere with static or donated arguments
(JL014, JL015): together, its :class:`CrossModuleFacts`. What the index reads of each
module is :mod:`jaxlint.project.reader`'s.

The index is deliberately coarse: it decides only what crosses a module boundary. What
a file traces by itself, the semantic model finds with its full rules.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jaxlint.facts import jaxfacts as jf
from jaxlint.facts.transforms import TransformKind
from jaxlint.fsio import read_source
from jaxlint.project import prefilter
from jaxlint.project.reader import (
    ArgumentOptions,
    IndexedFunction,
    IndexedModule,
    ModuleReader,
    module_name,
)
from jaxlint.syntax.compiled import Refusal, python_tree

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
#: make trace-time effects in callees lose their repeats (not custom_jvp/vjp primals
#: nor flax modules: those run on the caller's values unless something stages them).
_STAGED_ROOT_KINDS = frozenset(kind for kind in _KIND_ADJECTIVES if kind.stages_python)

#: The ``traced-decorators`` of the module at a path: its own configuration's, so that a
#: module's functions are traced by the same names whichever files a run is given.
DecoratorsOf = Callable[[str], frozenset[str]]


def no_decorators(path: str) -> frozenset[str]:
    return frozenset()


@dataclass(frozen=True)
class CrossModuleFacts:
    """What other linted files do to one file: the functions of it they trace, the
    module-level names of it they rebind, and the functions it imports that they jit.
    Given to the file's semantic model (``external_traced``, ``external_rebound``,
    ``external_jitted``), as :class:`ProjectIndex`'s methods of those names give them."""

    #: qualified name of a function -> how other files trace it
    traced: Mapping[str, str] = field(default_factory=dict)
    #: module-level name -> where another file rebinds it (``train.py:12``)
    rebound: Mapping[str, str] = field(default_factory=dict)
    #: name imported from another file that is a function jitted there with literal
    #: argument options -> option (``static_argnums``, ``donate_argnums``) -> (positions,
    #: parameter names) it selects
    jitted: Mapping[str, ArgumentOptions] = field(default_factory=dict)
    #: name imported from another file that is a class there whose instances hash as
    #: Python's rules say -> how (a :class:`jaxlint.facts.objects.Hashing` value)
    classes: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.traced or self.rebound or self.jitted or self.classes)


class ProjectIndex:
    """Which functions of each linted file are traced from other linted files.

    Built from the list of paths being linted (before linting them); queried per file
    with :meth:`external_traced`, and :meth:`fingerprint` for caches.
    """

    def __init__(
        self,
        paths: Sequence[str],
        traced_decorators: DecoratorsOf = no_decorators,
        summaries: MutableMapping[str, Any] | None = None,
    ) -> None:
        """``traced_decorators(path)``: the decorators that trace the functions defined
        in that module. ``summaries`` keeps each module's summary by content (the result
        cache gives one), so an unchanged file is not parsed again to rebuild the index."""
        self._decorators_of = traced_decorators
        self._summaries = summaries
        self._sources: dict[str, bytes] = {}
        self._path_of: dict[str, str] = {}  # module name -> path, parsed on demand
        self._by_name: dict[str, IndexedModule | None] = {}
        self._by_path: dict[str, IndexedModule] = {}
        self._root = _common_directory(paths)
        self._external: dict[str, dict[str, str]] = {}
        self._rebound: dict[str, dict[str, str]] = {}  # path -> module-level name -> where
        #: path -> the other modules whose code its cross-module facts come from
        self._causes: dict[str, set[str]] = {}
        callers: list[tuple[str, str, bytes]] = []
        others: list[tuple[str, str, bytes]] = []
        for path in paths:
            if not path.endswith(".py"):
                continue
            name, _ = module_name(path)
            self._path_of.setdefault(name, path)
            try:
                source = read_source(path)
            except OSError:
                continue
            # Only a file that names a transformation can hold a root; the others are
            # parsed only if a traced call reaches them.
            if names_a_transformation(source, traced_decorators(path)):
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
            self.external_traced(path),
            self.external_rebound(path),
            self.external_jitted(path),
            self.external_classes(path),
        )
        return facts if facts else None

    def external_classes(self, path: str) -> dict[str, str]:
        """Names ``path`` imports (``from config import Config``) that are classes of
        another linted file whose hashing that file shows (JL014)."""
        module = self._by_path.get(os.path.abspath(path))
        if module is None or not module.jitted and not self._jitted_imports(module):
            return {}  # no jitted function to pass an instance to
        found: dict[str, str] = {}
        for local, target in module.imports.items():
            owner_name, _, name = target.rpartition(".")
            owner = self._module(owner_name) if owner_name else None
            if owner is not None and owner is not module and name in owner.classes:
                found[local] = owner.classes[name]
        return found

    def _jitted_imports(self, module: IndexedModule) -> bool:
        return any(
            (owner := self._by_name.get(target.rpartition(".")[0])) is not None
            and target.rpartition(".")[2] in owner.jitted
            for target in module.imports.values()
        )

    def external_jitted(self, path: str) -> dict[str, ArgumentOptions]:
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

    def causes(self, path: str) -> frozenset[str]:
        """The other modules (absolute paths) whose code ``path``'s cross-module facts
        come from: the roots tracing its functions and every module on the way, the
        modules rebinding its names, those jitting what it imports. (Not the packages
        whose ``__init__`` a name was re-exported through.)"""
        absolute = os.path.abspath(path)
        found = set(self._causes.get(absolute, ()))
        module = self._by_path.get(absolute)
        if module is not None:
            for target in module.imports.values():
                owner_name, _, name = target.rpartition(".")
                owner = self._by_name.get(owner_name) if owner_name else None
                if owner is not None and owner is not module and name in owner.jitted:
                    found.add(owner.path)
            for local in self.external_classes(path):
                owner = self._by_name.get(module.imports[local].rpartition(".")[0])
                if owner is not None:
                    found.add(owner.path)
        return frozenset(found)

    def fingerprint(self, path: str) -> str:
        """A stable string of all that ``path``'s results depend on in other files."""
        facts = self.external(path)
        if facts is None:
            return ""
        text = "\n".join(f"{name}\t{via}" for name, via in sorted(facts.traced.items()))
        text += "\0" + "\n".join(f"{name}\t{at}" for name, at in sorted(facts.rebound.items()))
        text += "\0" + repr(sorted(facts.jitted.items()))
        text += "\0" + repr(sorted(facts.classes.items()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # ------------------------------------------------------------------ building

    def _parse(self, path: str, source: bytes | None = None) -> IndexedModule | None:
        absolute = os.path.abspath(path)
        try:
            if source is None:
                source = self._sources.pop(absolute, None)
            if source is None:
                source = read_source(path)
        except OSError:
            return None  # unreadable: the linter reports it
        name, package = module_name(path)
        decorators = self._decorators_of(path)
        key = ""
        if self._summaries is not None:
            key = summary_key(package, decorators, source)
            stored = self._summaries.get(key)
            if stored is not None:
                module = IndexedModule.from_summary(name, absolute, package, stored)
                if module is not None:
                    self._by_path[absolute] = module
                    return module
        tree = python_tree(source)
        if isinstance(tree, Refusal):
            return None  # refused (JL000) or too deep to read: the linter reports it
        module = IndexedModule(name, absolute, package)
        ModuleReader(module, decorators).read(tree)
        prefilter.remember(source, tree, decorators)  # the linter need not parse again
        self._by_path[absolute] = module
        if self._summaries is not None:
            self._summaries[key] = module.summary()
        return module

    def _module(self, name: str) -> IndexedModule | None:
        """The indexed module called ``name``, parsed on first use."""
        if name not in self._by_name:
            path = self._path_of.get(name)
            self._by_name[name] = self._parse(path) if path is not None else None
        return self._by_name[name]

    def _target(self, module: IndexedModule, dotted: str, depth: int = 0) -> IndexedFunction | None:
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

    def _lookup(self, full: str, depth: int) -> IndexedFunction | None:
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
        root_of: dict[int, IndexedFunction] = {}  # id of a traced function -> the root tracing it
        pending: list[IndexedFunction] = []
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
        # id of a function traced from elsewhere -> the modules on its way from the root
        chain_of: dict[int, frozenset[str]] = {}
        while pending:
            caller = pending.pop(0)
            root = root_of[id(caller)]
            chain = chain_of.get(id(caller), frozenset()) | {caller.module.path}
            for dotted, line in caller.calls:
                callee = self._target(caller.module, dotted)
                if callee is None or id(callee) in root_of or callee.memoized:
                    continue  # a memoized function is process setup, not traced code
                root_of[id(callee)] = root
                chain_of[id(callee)] = chain
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
                causes = self._causes.setdefault(callee.module.path, set())
                causes.update(
                    path for path in chain | {root.module.path} if path != callee.module.path
                )

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
                self._causes.setdefault(owner.path, set()).add(module.path)

    def _display(self, path: str) -> str:
        """A path as messages name it: from the current folder when it is in it, as
        findings' paths are printed (``src/train.py:9``, not ``train.py:9``); otherwise
        (an editor's or a library's absolute paths) from the folder holding every file."""
        absolute = os.path.abspath(path)
        here = os.getcwd()
        try:
            if absolute.startswith(os.path.join(here, "")):
                return os.path.relpath(absolute, here)
            return os.path.relpath(absolute, self._root)
        except ValueError:  # another drive (Windows)
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
) -> tuple[str, dict[str, Any] | None, bytes, prefilter.Verdict] | None:
    """One file read for the index, as a worker process does it before linting starts:
    its summary key, its summary (None when the index would not read it first: it
    names no transformation), its pre-filter digest and verdict (:class:`~jaxlint.project.prefilter.Verdict`);
    or None when it cannot be read or parsed (the index and the linter then see to it
    themselves)."""
    try:
        source = read_source(path)
    except OSError:
        return None
    tree = python_tree(source)
    if isinstance(tree, Refusal):
        return None
    name, package = module_name(path)
    module = IndexedModule(name, os.path.abspath(path), package)
    ModuleReader(module, traced_decorators).read(tree)
    summary = module.summary()
    verdict = prefilter.file_verdict(tree, traced_decorators)
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
