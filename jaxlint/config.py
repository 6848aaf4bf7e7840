"""Configuration: ``[tool.jaxlint]`` in pyproject.toml or ``jaxlint.toml``, plus CLI overrides."""

from __future__ import annotations

import difflib
import fnmatch
import functools
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

KNOWN_KEYS = frozenset(
    {
        "select",
        "extend-select",
        "ignore",
        "extend-ignore",
        "fixable",
        "unfixable",
        "unsafe-fixes",
        "exclude",
        "extend-exclude",
        "include",
        "extend-include",
        "force-exclude",
        "per-file-ignores",
        "traced-decorators",
        "max-unrolled-iterations",
        "verify",
        "preview",
        "cache-dir",
        "file-timeout",
        "lint",
    }
)
#: The rule options ruff's layout puts under ``[tool.jaxlint.lint]`` (``[lint]`` in
#: jaxlint.toml); there they win over the same key at the top level, as in ruff.
LINT_KEYS = frozenset(
    {
        "select",
        "extend-select",
        "ignore",
        "extend-ignore",
        "fixable",
        "unfixable",
        "per-file-ignores",
        "traced-decorators",
        "max-unrolled-iterations",
        "preview",
    }
)
KNOWN_VERIFY_KEYS = frozenset({"examples", "pytest"})
#: CPU seconds one file may take to lint by default: the slowest real file we know takes a few.
DEFAULT_FILE_TIMEOUT = 60.0
#: The selector that means every rule (least specific: any code or prefix beats it).
ALL_SELECTOR = "ALL"
#: The files a folder's walk lints (ruff's default ``include``, less pyproject.toml).
DEFAULT_INCLUDE = ("*.py", "*.pyi", "*.ipynb")
#: Folders never worth linting, as ruff skips them by default.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".jaxlint_cache",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)


@functools.cache
def all_codes() -> tuple[str, ...]:
    """Every rule code, from the rule catalog (a generated copy of the registry's facts,
    tests/test_registry.py keeps them equal): reading a configuration, or serving a run
    from the cache, does not load the rules (and libcst) with it."""
    from jaxlint.rules.catalog import catalog

    return tuple(entry.code for entry in catalog())


@functools.cache
def opt_in_codes() -> frozenset[str]:
    """Codes off by default, which only ``ALL`` or the exact code selects."""
    from jaxlint.rules.catalog import catalog

    return frozenset(entry.code for entry in catalog() if not entry.default_enabled)


@functools.cache
def preview_codes() -> frozenset[str]:
    """Codes of preview rules, off unless preview is on (ruff's ``--preview``)."""
    from jaxlint.rules.catalog import catalog

    return frozenset(entry.code for entry in catalog() if entry.preview)


def __getattr__(name: str) -> Any:
    if name == "ALL_CODES":  # ``config.ALL_CODES``, derived from the registry
        return all_codes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ConfigError(Exception):
    """A configuration or usage problem: exit code 2 with a one-line message."""


def _selector_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(v.strip().upper() for v in value if v.strip())


def selects(selector: str, code: str) -> bool:
    return selector == ALL_SELECTOR or code.startswith(selector)


def _specificity(selectors: Iterable[str], code: str) -> int:
    """How specifically ``selectors`` name ``code``: -1 not at all, 0 for ``ALL``, else the
    length of the longest matching prefix."""
    return max(
        (0 if s == ALL_SELECTOR else len(s) for s in selectors if selects(s, code)), default=-1
    )


def validate_selectors(selectors: Iterable[str], key: str) -> None:
    for selector in selectors:
        if not any(selects(selector, code) for code in all_codes()):
            raise ConfigError(f"unknown rule selector `{selector}` in {key}")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


def unknown_keys_error(unknown: Iterable[str], known: Iterable[str], where: str) -> ConfigError:
    """One message naming every unknown key, each with its nearest known key."""
    keys = sorted(unknown)
    listed = ", ".join(f"`{key}`{_did_you_mean(key, known)}" for key in keys)
    return ConfigError(f"unknown option{'s' if len(keys) > 1 else ''} {listed} in {where}")


@dataclass(frozen=True)
class Settings:
    """The effective configuration for one run."""

    select: tuple[str, ...] = ("JL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    #: Codes whose fixes ``--fix`` may apply (ruff's ``fixable``/``unfixable``).
    fixable: tuple[str, ...] = (ALL_SELECTOR,)
    unfixable: tuple[str, ...] = ()
    #: ``unsafe-fixes = true``: as if ``--unsafe-fixes`` were given.
    unsafe_fixes: bool = False
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    #: Globs of the files found in folders (``include``, ``extend-include``).
    include: tuple[str, ...] = DEFAULT_INCLUDE
    extend_include: tuple[str, ...] = ()
    #: Whether ``exclude`` and ``.gitignore`` apply to files named explicitly, too.
    force_exclude: bool = False
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    traced_decorators: tuple[str, ...] = ()
    #: ``max-unrolled-iterations`` (JL018); None: the rule's default.
    max_unrolled_iterations: int | None = None
    root: str = "."
    config_path: str | None = None
    verify_examples: dict[str, str] = field(default_factory=dict, compare=False)
    #: ``[tool.jaxlint.verify] pytest = true``: the pytest plugin is on without a flag.
    verify_pytest: bool = field(default=False, compare=False)
    #: ``preview = true`` or ``--preview``: preview rules may be selected.
    preview: bool = False
    #: ``cache-dir`` (absolute): where the result cache lives instead of the default.
    cache_dir: str | None = None
    #: ``--ignore-noqa``: report what noqa comments would silence.
    ignore_noqa: bool = False
    #: ``file-timeout``: CPU seconds one file may take to lint before
    #: it is skipped with a warning (a pathological file must not hang the run).
    file_timeout: float = field(default=DEFAULT_FILE_TIMEOUT, compare=False)

    def enabled(self, code: str, extra_ignores: Sequence[str] = ()) -> bool:
        """Most specific selector wins; on a tie, ignore wins (as in ruff)."""
        if not self.preview and code in preview_codes():
            return False  # a preview rule is off, whatever selects it, until preview is on
        selectors: Iterable[str] = (*self.select, *self.extend_select)
        if code in opt_in_codes():
            # `JL` or `JL00` does not turn on an opt-in rule; `ALL` or its own code does.
            selectors = [s for s in selectors if s in (ALL_SELECTOR, code)]
        chosen = _specificity(selectors, code)
        ignored = _specificity((*self.ignore, *self.extend_ignore, *extra_ignores), code)
        return chosen >= 0 and chosen > ignored

    def can_fix(self, code: str) -> bool:
        """Whether ``--fix`` may apply ``code``'s fixes: ``fixable`` minus ``unfixable``,
        the most specific selector winning (on a tie, ``unfixable``)."""
        chosen = _specificity(self.fixable, code)
        return chosen >= 0 and chosen > _specificity(self.unfixable, code)

    def codes_for(self, path: str) -> frozenset[str]:
        if not self.per_file_ignores:
            return self._codes_everywhere  # the same for every file: computed once
        extra: list[str] = []
        relative = self.relative(path)
        for pattern, codes in self.per_file_ignores:
            if _glob_match(pattern, relative):
                extra.extend(codes)
        return frozenset(code for code in all_codes() if self.enabled(code, extra))

    @functools.cached_property
    def _codes_everywhere(self) -> frozenset[str]:
        return frozenset(code for code in all_codes() if self.enabled(code))

    @functools.cached_property
    def decorator_set(self) -> frozenset[str]:
        """``traced_decorators`` as the index and the pre-filter key them (built once)."""
        return frozenset(self.traced_decorators)

    def relative(self, path: str) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def is_included(self, path: str) -> bool:
        """Whether a file met in a folder is one to lint (``include``/``extend-include``):
        a pattern without ``/`` matches the file's name (cheap: every file of a walk is
        asked), one with ``/`` its path from the project root."""
        name = os.path.basename(path)
        for pattern in (*self.include, *self.extend_include):
            if "/" in pattern:
                if _glob_match(pattern, self.relative(path)):
                    return True
            elif fnmatch.fnmatchcase(name, pattern):
                return True
        return False

    def is_excluded(self, path: str) -> bool:
        relative = self.relative(path)
        parts = relative.split("/")
        for pattern in (*self.exclude, *self.extend_exclude):
            pattern = pattern.rstrip("/")
            if _glob_match(pattern, relative) or any(
                fnmatch.fnmatchcase(part, pattern) for part in parts
            ):
                return True
        return False

    def cache_key(self) -> str:
        """What, in the configuration, changes results (for the result cache)."""
        return repr(
            (
                self.select,
                self.extend_select,
                self.ignore,
                self.extend_ignore,
                self.fixable,
                self.unfixable,
                self.per_file_ignores,
                sorted(self.traced_decorators),
                self.max_unrolled_iterations,
                self.preview,
                self.ignore_noqa,
            )
        )


def _glob_match(pattern: str, relative: str) -> bool:
    """Match a glob against a project-relative path: whole path, or any trailing part."""
    pattern = pattern.removeprefix("./")
    if fnmatch.fnmatchcase(relative, pattern):
        return True
    if "/" not in pattern:
        return fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern)
    return fnmatch.fnmatchcase(relative, pattern.rstrip("/") + "/*")


def file_timeout(value: object, where: str) -> float:
    """A ``file-timeout`` value: a positive number of seconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigError(f"{where} must be a positive number of seconds")
    return float(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML in {path}: {error}") from None


def config_in(folder: Path) -> Path | None:
    """``folder``'s own configuration file: ``jaxlint.toml``, else a ``pyproject.toml``
    with ``[tool.jaxlint]``. A ``pyproject.toml`` that is not valid TOML is a
    :class:`ConfigError`: a broken file is no reason to use a parent folder's settings."""
    candidate = folder / "jaxlint.toml"
    if candidate.is_file():
        return candidate
    candidate = folder / "pyproject.toml"
    if candidate.is_file() and "jaxlint" in _read_toml(candidate).get("tool", {}):
        return candidate
    return None


def find_config(start: str) -> Path | None:
    """The nearest configuration file at or above ``start`` (see :func:`config_in`)."""
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        found = config_in(folder)
        if found is not None:
            return found
    return None


def load_settings(config_file: str | os.PathLike[str] | None, start: str = ".") -> Settings:
    """Read the configuration (explicit file, or found from ``start`` upward)."""
    path = Path(config_file) if config_file else find_config(start)
    if path is None:
        root = Path(os.path.abspath(start))
        return Settings(root=str(root if root.is_dir() else root.parent))
    data = _read_toml(path)
    table = data.get("tool", {}).get("jaxlint")
    if table is None:
        table = (
            {k: v for k, v in data.items() if k != "tool"} if path.name != "pyproject.toml" else {}
        )
    return settings_from_table(table, path)


def settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    section = "[tool.jaxlint]" if path.name == "pyproject.toml" else "(jaxlint settings)"
    table = _with_lint_table(table, path, section)
    settings = Settings(root=str(path.parent.resolve()), config_path=str(path))
    changes = _table_changes(table, str(path), f"{path} {section}", path.parent.resolve())
    return replace(settings, **changes)


def inline_table(value: str) -> dict[str, Any]:
    """``--config "select = ['JL001']"``: one TOML ``KEY = VALUE`` (ruff's inline form)."""
    try:
        return tomllib.loads(value)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"--config `{value}` is neither a file nor a TOML `KEY = VALUE` ({error})"
        ) from None


def with_inline_config(settings: Settings, table: dict[str, Any]) -> Settings:
    """``--config "KEY = VALUE"`` (ruff's inline override): each key given replaces the
    file's value; relative paths in it are from the current folder."""
    table = _with_lint_table(table, Path("--config"), "")
    return replace(settings, **_table_changes(table, "--config", "--config", Path.cwd()))


def _table_changes(table: dict[str, Any], path: str, where: str, base: Path) -> dict[str, Any]:
    """The settings a table of options states, by attribute; ``base`` is the folder
    relative paths in it are from."""
    unknown = set(table) - KNOWN_KEYS
    verify = table.get("verify", {})
    if isinstance(verify, dict):
        unknown |= {f"verify.{key}" for key in set(verify) - KNOWN_VERIFY_KEYS}
    if unknown:
        known = KNOWN_KEYS | {f"verify.{key}" for key in KNOWN_VERIFY_KEYS}
        raise unknown_keys_error(unknown, known, where)
    changes: dict[str, Any] = {}
    for key in ("select", "extend-select", "ignore", "extend-ignore", "fixable", "unfixable"):
        if key in table:
            attribute = key.replace("-", "_")
            changes[attribute] = _selector_list(table[key], key)
            validate_selectors(changes[attribute], f"{path} {key}")
    for key in ("unsafe-fixes", "force-exclude", "preview"):
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"`{key}` in {path} must be true or false")
            changes[key.replace("-", "_")] = table[key]
    for key, attribute in (
        ("exclude", "exclude"),
        ("extend-exclude", "extend_exclude"),
        ("include", "include"),
        ("extend-include", "extend_include"),
    ):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"`{key}` in {path} must be a list of strings")
            changes[attribute] = tuple(value)
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"`per-file-ignores` in {path} must be a table of glob = codes")
        pairs = []
        for pattern, codes in value.items():
            selectors = _selector_list(codes, f"per-file-ignores.{pattern}")
            validate_selectors(selectors, f"{path} per-file-ignores")
            pairs.append((pattern, selectors))
        changes["per_file_ignores"] = tuple(pairs)
    if "traced-decorators" in table:
        value = table["traced-decorators"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"`traced-decorators` in {path} must be a list of dotted names")
        changes["traced_decorators"] = tuple(value)
    if "file-timeout" in table:
        changes["file_timeout"] = file_timeout(table["file-timeout"], f"`file-timeout` in {path}")
    if "max-unrolled-iterations" in table:
        value = table["max-unrolled-iterations"]
        if type(value) is not int or value < 1:
            raise ConfigError(f"`max-unrolled-iterations` in {path} must be a positive integer")
        changes["max_unrolled_iterations"] = value
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"]:
            raise ConfigError(f"`cache-dir` in {path} must be a path")
        changes["cache_dir"] = str(base / os.path.expanduser(table["cache-dir"]))
    if "verify" not in table:
        return changes
    if not isinstance(verify, dict):
        raise ConfigError(f"`verify` in {path} must be a table")
    examples = verify.get("examples", {})
    if not isinstance(examples, dict) or not all(isinstance(v, str) for v in examples.values()):
        raise ConfigError(f'`verify.examples` in {path} must map "module:function" to strings')
    changes["verify_examples"] = dict(examples)
    switch = verify.get("pytest", False)
    if not isinstance(switch, bool):
        raise ConfigError(f"`verify.pytest` in {path} must be true or false")
    changes["verify_pytest"] = switch
    return changes


def _with_lint_table(table: dict[str, Any], path: Path, section: str) -> dict[str, Any]:
    """ruff's layout, ``[tool.jaxlint.lint] select = [...]``, folded into the top level:
    a rule option under ``lint`` wins over the same option at the top level."""
    if "lint" not in table:
        return table
    lint = table["lint"]
    if not isinstance(lint, dict):
        raise ConfigError(f"`lint` in {path} must be a table of rule options")
    unknown = set(lint) - LINT_KEYS
    if unknown:
        known = {f"lint.{key}" for key in LINT_KEYS}
        raise unknown_keys_error({f"lint.{key}" for key in unknown}, known, f"{path} {section}")
    return {**{key: value for key, value in table.items() if key != "lint"}, **lint}


def with_overrides(
    settings: Settings,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    extend_ignore: Sequence[str] | None = None,
    unsafe_fixes: bool | None = None,
    force_exclude: bool | None = None,
    fixable: Sequence[str] | None = None,
    unfixable: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    extend_exclude: Sequence[str] | None = None,
    per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] | None = None,
    extend_per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] | None = None,
    preview: bool | None = None,
    cache_dir: str | None = None,
    ignore_noqa: bool = False,
) -> Settings:
    """Command-line options win over the file: ``select``/``ignore`` replace the file's,
    ``extend_*`` add to it (as in ruff). ``None`` means the option was not given."""
    changes: dict[str, Any] = {}
    if select is not None:
        if not select:
            raise ConfigError(
                "--select needs at least one rule code or prefix (JL001, JL00, JL, or ALL)"
            )
        validate_selectors(select, "--select")
        changes["select"] = tuple(select)
    if ignore is not None:
        validate_selectors(ignore, "--ignore")
        changes["ignore"] = tuple(ignore)
    if extend_select:
        validate_selectors(extend_select, "--extend-select")
        changes["extend_select"] = (*settings.extend_select, *extend_select)
    if extend_ignore:
        validate_selectors(extend_ignore, "--extend-ignore")
        changes["extend_ignore"] = (*settings.extend_ignore, *extend_ignore)
    if unsafe_fixes is not None:
        changes["unsafe_fixes"] = unsafe_fixes
    if force_exclude is not None:
        changes["force_exclude"] = force_exclude
    for attribute, given in (("fixable", fixable), ("unfixable", unfixable)):
        if given is not None:
            validate_selectors(given, f"--{attribute}")
            changes[attribute] = tuple(given)
    if exclude is not None:
        changes["exclude"] = tuple(exclude)
    if extend_exclude:
        changes["extend_exclude"] = (*settings.extend_exclude, *extend_exclude)
    for option, pairs in (
        ("--per-file-ignores", per_file_ignores),
        ("--extend-per-file-ignores", extend_per_file_ignores),
    ):
        for _, codes in pairs or ():
            validate_selectors(codes, option)
    if per_file_ignores is not None:
        changes["per_file_ignores"] = tuple(per_file_ignores)
    if extend_per_file_ignores:
        kept = changes.get("per_file_ignores", settings.per_file_ignores)
        changes["per_file_ignores"] = (*kept, *extend_per_file_ignores)
    if preview is not None:
        changes["preview"] = preview
    if ignore_noqa:
        changes["ignore_noqa"] = True
    if cache_dir:
        changes["cache_dir"] = os.path.abspath(os.path.expanduser(cache_dir))
    return replace(settings, **changes)
