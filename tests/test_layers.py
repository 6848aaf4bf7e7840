"""The package's layering: each layer imports only from the layers below it, and no module
imports itself back through others. Every import counts: function-local ones and those
under ``if TYPE_CHECKING:`` too, since they are how cycles hide."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jaxlint"

#: Bottom to top. A module belongs to the first entry it is, or is inside of.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("jaxlint._version", "jaxlint.fsio"),
    ("jaxlint.facts",),
    ("jaxlint.syntax",),
    ("jaxlint.model",),
    ("jaxlint.fix",),
    ("jaxlint.rules",),
    ("jaxlint.config",),
    ("jaxlint.project",),
    ("jaxlint.notebook",),
    ("jaxlint.driver",),
    ("jaxlint.output",),
    ("jaxlint.run",),
    ("jaxlint.verify",),
    # Front-ends: they parse input and call the library.
    (
        "jaxlint.api",
        "jaxlint.cli",
        "jaxlint.server",
        "jaxlint.pytest_plugin",
        "jaxlint.testing",
        "jaxlint.__main__",
        "jaxlint",
    ),
)

#: No module grows past this many lines: split it by what it owns.
MAX_MODULE_LINES = 600

#: Upward imports that are meant, each with its reason. None today.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The jaxlint modules ``name`` imports, anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("jaxlint"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base != "jaxlint" and not base.startswith("jaxlint."):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _layer(module: str) -> int | None:
    for index, members in enumerate(LAYERS):
        for member in members:
            if module == member or (member != "jaxlint" and module.startswith(member + ".")):
                return index
    return None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative so that the depth of the graph does not matter)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for target in edges:
                if target not in graph:
                    continue
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_module_has_a_layer() -> None:
    unplaced = [name for name in _modules() if _layer(name) is None]
    assert unplaced == [], f"add these modules to a layer in LAYERS: {unplaced}"


def test_no_layer_imports_from_a_layer_above_it() -> None:
    upward = []
    for module, targets in sorted(_graph().items()):
        for target in sorted(targets):
            below = _layer(target)
            here = _layer(module)
            if below is None or here is None or below <= here:
                continue
            if (module, target) not in ALLOWED_UPWARD:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]


def _reads_outside_syntax() -> list[str]:
    """Where a module outside ``syntax/`` reads what only ``syntax/`` should: an import
    alias (``alias.asname``: the one import table) or a literal integer's text
    (``int(node.value, ...)``: the one literal reader)."""
    found = []
    for name, path in _modules().items():
        if name.startswith("jaxlint.syntax."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # ``with x as y`` has an ``asname`` too: binding it is the model's walk's own job.
        with_items = {
            id(inner)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef) and function.name == "visit_with"
            for inner in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "asname":
                if id(node) not in with_items:
                    found.append(f"{name}:{node.lineno}: reads import aliases")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "int"
                and node.args
                and isinstance(node.args[0], ast.Attribute)
                and node.args[0].attr == "value"
            ):
                found.append(f"{name}:{node.lineno}: parses a literal integer")
    return found


def test_imports_and_literals_are_read_only_in_syntax() -> None:
    assert _reads_outside_syntax() == []


def _generated(text: str) -> bool:
    """A table a script writes (its docstring says so): data, not code anyone reads."""
    return "do not edit" in text[:400]


def test_no_module_is_over_the_size_limit() -> None:
    texts = {name: path.read_text(encoding="utf-8") for name, path in _modules().items()}
    sizes = {name: text.count("\n") for name, text in texts.items() if not _generated(text)}
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}
