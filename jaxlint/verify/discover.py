"""Which modules and functions to verify, worked out without importing user code.

Runs in the parent process: reads files with `ast` and asks the static engine which
functions are traced. Configuration (`[tool.jaxlint.verify.examples]` among it), the
files under a folder and module names come from the linter's own code.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from jaxlint.config import Settings
from jaxlint.project.configurations import Configurations, as_configurations
from jaxlint.project.discovery import discover
from jaxlint.project.reader import module_name

EXAMPLES_NAME = "JAXLINT_EXAMPLES"


@dataclass
class PlannedFunction:
    qualname: str
    line: int
    example: str | None = None  # a pyproject expression, if one was given
    flagged: bool = False  # the static engine found something inside it

    def to_job(self) -> dict[str, Any]:
        return {"qualname": self.qualname, "line": self.line, "example": self.example}


@dataclass
class ModulePlan:
    path: str  # as the user spelled it, joined with the file name
    abspath: str
    module: str
    root: str  # the folder to put on sys.path so that `module` imports
    functions: list[PlannedFunction] = field(default_factory=list)
    flagged: tuple[str, ...] = ()
    # JAXLINT_EXAMPLES is built in a way ast cannot read; only the worker knows its keys.
    dynamic_examples: bool = False
    only_flagged: bool = False


def iter_python_files(paths: Iterable[str], settings: Settings | Configurations) -> Iterator[str]:
    """Python files under `paths`. A file named explicitly is always verified; folders
    are walked as the linter walks them (each folder's configuration's `exclude`,
    .gitignore), so test data excluded from linting is not imported either."""
    for path in paths:
        if os.path.isfile(path):
            yield path
        else:
            yield from (file for file in discover([path], settings) if file.endswith(".py"))


def import_root(path: str, package: str) -> str:
    """The folder to put on sys.path so that a file of `package` imports."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in package.split(".") if package else ():
        folder = os.path.dirname(folder)
    return folder


def examples_for_module(examples: dict[str, str], module: str) -> dict[str, str]:
    """Expressions keyed by qualname, for the keys `"module:qualname"` naming this module."""
    found = {}
    for key, expression in examples.items():
        key_module, _, qualname = key.partition(":")
        if qualname and key_module == module:
            found[qualname] = expression
    return found


def definition_lines(tree: ast.Module) -> dict[str, int]:
    """Line of every function reachable as a module attribute, by qualname."""
    lines: dict[str, int] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines[prefix + node.name] = node.lineno
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return lines


def static_example_keys(tree: ast.Module) -> tuple[list[str], bool]:
    """(keys of a literal module-level JAXLINT_EXAMPLES dict, whether it is assigned at all)."""
    keys: list[str] = []
    assigned = False
    literal = True
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        if not any(isinstance(t, ast.Name) and t.id == EXAMPLES_NAME for t in targets):
            continue
        assigned = True
        if isinstance(value, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
        ):
            keys.extend(k.value for k in value.keys if isinstance(k, ast.Constant))
        else:
            literal = False
    return keys, assigned and not literal


def static_verdicts(path: str, settings: Settings) -> list[Any] | None:
    """The static engine's verdict on each function of a file, or None when the engine
    cannot say."""
    from jaxlint.run.static_verdicts import static_verdicts as judge

    try:
        return list(judge(path, settings))
    except Exception:
        return None


def plan_module(
    path: str, examples: dict[str, str], *, only_flagged: bool, settings: Settings
) -> ModulePlan | None:
    """What to verify in one file, or None when it has nothing to verify."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None  # the static check reports unreadable files (JL000)
    name, package = module_name(path)
    root = import_root(path, package)
    if not name:
        return None
    lines = definition_lines(tree)
    pyproject_examples = examples_for_module(examples, name)
    example_keys, dynamic = static_example_keys(tree)
    verdicts = static_verdicts(path, settings) or []
    flagged = {v.qualname for v in verdicts if v.codes}
    verdict_lines = {v.qualname: v.line for v in verdicts}

    wanted: list[str] = []
    for qualname in [*pyproject_examples, *example_keys]:
        if qualname not in wanted:
            wanted.append(qualname)
    for verdict in verdicts:
        if verdict.traced and verdict.qualname not in wanted:
            wanted.append(verdict.qualname)
    if only_flagged:
        wanted = [qualname for qualname in wanted if qualname in flagged]
    if not wanted and not (dynamic and (flagged or not only_flagged)):
        return None
    functions = [
        PlannedFunction(
            qualname=qualname,
            line=verdict_lines.get(qualname) or lines.get(qualname, 0),
            example=pyproject_examples.get(qualname),
            flagged=qualname in flagged,
        )
        for qualname in wanted
    ]
    functions.sort(key=lambda function: function.line)
    return ModulePlan(
        path=path,
        abspath=os.path.abspath(path),
        module=name,
        root=root,
        functions=functions,
        flagged=tuple(sorted(flagged)),
        dynamic_examples=dynamic,
        only_flagged=only_flagged,
    )


def module_plans(
    paths: Sequence[str],
    settings: Settings | Configurations | None = None,
    examples: dict[str, str] | None = None,
    *,
    only_flagged: bool = False,
) -> list[ModulePlan]:
    """What to verify under ``paths``: each file planned with its nearest configuration
    (``settings`` None), as ``check`` lints it, so that a file's traced functions and
    example inputs never depend on which other paths were given, or in what order; one
    ``Settings`` is one for every file. ``examples``, when given, replaces every
    configuration's ``[tool.jaxlint.verify.examples]``. Raises ConfigError."""
    configurations = (
        Configurations.discovered(paths) if settings is None else as_configurations(settings)
    )
    plans = []
    for path in iter_python_files(paths, configurations):
        own = configurations.for_file(path)
        plan = plan_module(
            path,
            own.verify_examples if examples is None else examples,
            only_flagged=only_flagged,
            settings=own,
        )
        if plan is not None:
            plans.append(plan)
    return plans
