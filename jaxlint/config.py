"""Configuration: ``[tool.jaxlint]`` in pyproject.toml or ``jaxlint.toml``, plus CLI overrides."""

from __future__ import annotations

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
        "ignore",
        "exclude",
        "extend-exclude",
        "per-file-ignores",
        "traced-decorators",
        "verify",
    }
)
#: Folders never worth linting, as ruff skips them by default.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
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
    """Every rule code, from the rule registry. Imported on first use, so that reading
    a configuration does not load the rules (and libcst) with it."""
    from jaxlint.rules import ALL_CODES

    return ALL_CODES


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


def validate_selectors(selectors: Iterable[str], key: str) -> None:
    for selector in selectors:
        if not any(code.startswith(selector) for code in all_codes()):
            raise ConfigError(f"unknown rule selector `{selector}` in {key}")


@dataclass(frozen=True)
class Settings:
    """The effective configuration for one run."""

    select: tuple[str, ...] = ("JL",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    traced_decorators: tuple[str, ...] = ()
    root: str = "."
    config_path: str | None = None
    verify_examples: dict[str, str] = field(default_factory=dict, compare=False)

    def enabled(self, code: str, extra_ignores: Sequence[str] = ()) -> bool:
        """Most specific selector wins; on a tie, ignore wins (as in ruff)."""
        chosen = max((len(s) for s in self.select if code.startswith(s)), default=-1)
        ignored = max(
            (len(s) for s in (*self.ignore, *extra_ignores) if code.startswith(s)), default=-1
        )
        return chosen >= 0 and chosen > ignored

    def codes_for(self, path: str) -> frozenset[str]:
        extra: list[str] = []
        if self.per_file_ignores:
            relative = self.relative(path)
            for pattern, codes in self.per_file_ignores:
                if _glob_match(pattern, relative):
                    extra.extend(codes)
        return frozenset(code for code in all_codes() if self.enabled(code, extra))

    def relative(self, path: str) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            return Path(path).as_posix()

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
            (self.select, self.ignore, self.per_file_ignores, sorted(self.traced_decorators))
        )


def _glob_match(pattern: str, relative: str) -> bool:
    """Match a glob against a project-relative path: whole path, or any trailing part."""
    pattern = pattern.removeprefix("./")
    if fnmatch.fnmatchcase(relative, pattern):
        return True
    if "/" not in pattern:
        return fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern)
    return fnmatch.fnmatchcase(relative, pattern.rstrip("/") + "/*")


def find_config(start: str) -> Path | None:
    """The nearest ``jaxlint.toml``, or ``pyproject.toml`` with ``[tool.jaxlint]``."""
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "jaxlint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "jaxlint" in data.get("tool", {}):
                return candidate
    return None


def load_settings(config_file: str | os.PathLike[str] | None, start: str = ".") -> Settings:
    """Read the configuration (explicit file, or found from ``start`` upward)."""
    path = Path(config_file) if config_file else find_config(start)
    if path is None:
        root = Path(os.path.abspath(start))
        return Settings(root=str(root if root.is_dir() else root.parent))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML in {path}: {error}") from None
    table = data.get("tool", {}).get("jaxlint")
    if table is None:
        table = (
            {k: v for k, v in data.items() if k != "tool"} if path.name != "pyproject.toml" else {}
        )
    return settings_from_table(table, path)


def settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"unknown option `{unknown[0]}` in {path} [tool.jaxlint]")
    settings = Settings(root=str(path.parent.resolve()), config_path=str(path))
    changes: dict[str, Any] = {}
    if "select" in table:
        changes["select"] = _selector_list(table["select"], "select")
        validate_selectors(changes["select"], f"{path} select")
    if "ignore" in table:
        changes["ignore"] = _selector_list(table["ignore"], "ignore")
        validate_selectors(changes["ignore"], f"{path} ignore")
    for key, attribute in (("exclude", "exclude"), ("extend-exclude", "extend_exclude")):
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
    verify = table.get("verify", {})
    if not isinstance(verify, dict):
        raise ConfigError(f"`verify` in {path} must be a table")
    examples = verify.get("examples", {})
    if not isinstance(examples, dict) or not all(isinstance(v, str) for v in examples.values()):
        raise ConfigError(f'`verify.examples` in {path} must map "module:function" to strings')
    changes["verify_examples"] = dict(examples)
    return replace(settings, **changes)


def with_overrides(
    settings: Settings,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> Settings:
    """Command-line options win over the file."""
    changes: dict[str, Any] = {}
    if select is not None:
        validate_selectors(select, "--select")
        changes["select"] = tuple(select)
    if ignore is not None:
        validate_selectors(ignore, "--ignore")
        changes["ignore"] = tuple(ignore)
    return replace(settings, **changes)
