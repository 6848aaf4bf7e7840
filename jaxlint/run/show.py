"""``--show-files`` and ``--show-settings``: what a check would lint, and with what, as
ruff shows them; nothing is linted."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import fields
from typing import TextIO

from jaxlint.config import ConfigError, Settings
from jaxlint.project.configurations import Configurations, as_configurations
from jaxlint.project.discovery import discover
from jaxlint.project.root import rooted
from jaxlint.run.cache import cache_folder


def _discovered(
    paths: Sequence[str], settings: Settings | Configurations, err: TextIO
) -> list[str]:
    warnings: list[str] = []
    missing: list[str] = []
    files = discover(paths, settings, warnings, missing)
    for warning in warnings:
        err.write(f"warning: {warning}\n")
    for path in missing:
        err.write(f"warning: {path}: no such file or directory\n")
    return files


def show_files(
    paths: Sequence[str], settings: Settings | Configurations, out: TextIO, err: TextIO
) -> int:
    """Every file a check of ``paths`` would lint, one a line, sorted (exit 0)."""
    for path in sorted(_discovered(paths, settings, err)):
        out.write(path + "\n")
    return 0


def show_settings(
    paths: Sequence[str], configurations: Settings | Configurations, out: TextIO, err: TextIO
) -> int:
    """The settings the first file a check of ``paths`` would lint is linted with (its
    nearest configuration): where they come from, then each setting as ``name = value``
    (exit 0)."""
    files = _discovered(paths, configurations, err)
    if not files:
        raise ConfigError("no file to show the settings of")
    settings = as_configurations(configurations).for_file(sorted(files)[0])
    out.write(f"Resolved settings for: {os.path.abspath(sorted(files)[0])}\n")
    source = os.path.abspath(settings.config_path) if settings.config_path else "(defaults)"
    out.write(f"Settings path: {source}\n\n")
    for field in fields(settings):
        out.write(f"{field.name} = {getattr(settings, field.name)!r}\n")
    out.write(f"cache folder = {cache_folder(rooted(settings))!r}\n")
    out.write(f"enabled codes = {sorted(settings.codes_for(sorted(files)[0]))!r}\n")
    return 0
