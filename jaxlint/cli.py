"""Command line: parses options and calls the library. Nothing else lives here."""

from __future__ import annotations

import contextlib
import difflib
import gc
import io
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import click

from jaxlint._version import __version__
from jaxlint.config import ConfigError, inline_table
from jaxlint.fsio import INTERRUPTED
from jaxlint.output.choices import FORMATS, ColorChoice, OutputFormat
from jaxlint.project.configurations import Configurations, Overrides


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """Around importing the linter: libcst's node classes and jaxlint's tables are some
    hundred thousand objects that live as long as the process, and the cycle collector
    would walk them again and again while they are made, for nothing (a tenth of it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _split_config(values: tuple[str, ...]) -> tuple[str | None, dict[str, Any]]:
    """``--config``, as ruff takes it: a configuration file (at most one), or inline
    ``KEY = VALUE`` TOML that overrides the file's setting of that key."""
    path: str | None = None
    inline: dict[str, Any] = {}
    for value in values:
        if os.path.isfile(value) or "=" not in value:
            if path is not None:
                raise ConfigError("--config names at most one configuration file")
            path = value
            continue
        inline.update(inline_table(value))
    return path, inline


_COMMAND_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _interrupted() -> int:
    """Ctrl-C: one line, and the exit code of a process that SIGINT ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing
    click.echo(INTERRUPTED, err=True)
    return 130


class _DefaultCheckGroup(click.Group):
    """``jaxlint src/`` means ``jaxlint check src/``, as ruff's bare invocation does; and
    Ctrl-C during a command is one line and exit 130 (click's own "Aborted!" exits 1)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(_interrupted()) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(_interrupted()) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")
        ):
            if args:
                self._refuse_misspelt_command(ctx, args[0])
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def _refuse_misspelt_command(self, ctx: click.Context, word: str) -> None:
        """``jaxlint verfy``: a bare word that is no path but close to a command is a
        misspelt command (exit 2), not a missing file to lint."""
        if not _COMMAND_WORD.fullmatch(word) or os.path.lexists(word):
            return
        close = difflib.get_close_matches(word, sorted(self.commands), n=1)
        if close:
            click.echo(
                f"jaxlint: error: unknown command '{word}' (did you mean '{close[0]}'?)", err=True
            )
            ctx.exit(2)


@click.group(cls=_DefaultCheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jaxlint")
def main() -> None:
    """jaxlint: a purity and side-effect linter for JAX code."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--select", help="Comma-separated rule codes or prefixes to enable (JL001, JL00, ALL)."
)
@click.option("--extend-select", help="Codes or prefixes to enable on top of the selection.")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to disable.")
@click.option("--extend-ignore", help="Codes or prefixes to disable on top of the ignores.")
@click.option(
    "--per-file-ignores",
    multiple=True,
    help='GLOB:CODE pairs, comma-separated, replacing `per-file-ignores` ("tests/*:JL004").',
)
@click.option(
    "--extend-per-file-ignores",
    multiple=True,
    help="GLOB:CODE pairs added to `per-file-ignores`.",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes in place; report what is left.")
@click.option(
    "--fix-only",
    is_flag=True,
    help="Apply fixes; report neither what is left nor exit 1 for it (implies --fix).",
)
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="With --fix or --diff, also apply unsafe fixes (default: the `unsafe-fixes` setting).",
)
@click.option("--fixable", help="Codes or prefixes whose fixes may be applied (default: ALL).")
@click.option("--unfixable", help="Codes or prefixes whose fixes are never applied.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when any file was fixed, even if no problem is left.",
)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: full on a terminal, concise elsewhere; full: with source lines and fix "
    "titles; concise: one line a finding.",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False),
    envvar="JAXLINT_OUTPUT_FILE",
    help="Write the report to this file instead of stdout.",
)
@click.option("--no-color", is_flag=True, help="Never colour text output (also: NO_COLOR=1).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary, no warnings.")
@click.option(
    "--silent", "-s", is_flag=True, help="Print nothing; the exit code still tells the outcome."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--statistics", is_flag=True, help="Show counts per rule code instead of findings.")
@click.option("--ignore-noqa", is_flag=True, help="Report what `# noqa` comments silence.")
@click.option(
    "--preview/--no-preview",
    default=None,
    help="Enable preview rules (default: the `preview` setting).",
)
@click.option(
    "--config",
    "config_values",
    multiple=True,
    help="A pyproject.toml or jaxlint.toml to use, or an inline `KEY = VALUE` (TOML) that "
    "overrides that setting; may be repeated.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    envvar="JAXLINT_CACHE_DIR",
    help="Where the result cache lives (default: .jaxlint_cache/ at the project root).",
)
@click.option(
    "--exclude",
    multiple=True,
    help="Globs of files and folders to skip, comma-separated, replacing `exclude`.",
)
@click.option(
    "--extend-exclude", multiple=True, help="Globs to skip on top of `exclude`, comma-separated."
)
@click.option(
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply exclude and .gitignore to files named explicitly too (as pre-commit needs).",
)
@click.option("--show-files", is_flag=True, help="List the files that would be linted; exit 0.")
@click.option(
    "--show-settings", is_flag=True, help="Show the settings the first file would get; exit 0."
)
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with findings.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(),
    help="Report only findings not in this baseline (see --write-baseline).",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(),
    help="Write every finding to this baseline file (JSON) and exit 0.",
)
@click.option(
    "--stdin-filename",
    type=click.Path(),
    help="Read the source from stdin (path `-`) as this file: config, ignores, messages.",
)
def check(
    paths: tuple[str, ...],
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    extend_ignore: str | None,
    per_file_ignores: tuple[str, ...],
    extend_per_file_ignores: tuple[str, ...],
    fix: bool,
    fix_only: bool,
    unsafe_fixes: bool | None,
    fixable: str | None,
    unfixable: str | None,
    exit_non_zero_on_fix: bool,
    diff: bool,
    output_format: str,
    output_file: str | None,
    no_color: bool,
    quiet: bool,
    silent: bool,
    exit_zero: bool,
    statistics: bool,
    ignore_noqa: bool,
    preview: bool | None,
    config_values: tuple[str, ...],
    jobs: int | None,
    no_cache: bool,
    cache_dir: str | None,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool | None,
    show_files: bool,
    show_settings: bool,
    add_noqa: bool,
    baseline_file: str | None,
    write_baseline_file: str | None,
    stdin_filename: str | None,
) -> None:
    """Lint files and folders (default: the current folder); `-` reads stdin."""
    with _no_collections():  # imported here: --version needs none of it
        from jaxlint.run.check import CheckOptions, run_check

    targets = list(paths) or (["-"] if stdin_filename else ["."])
    if "-" in targets and len(targets) > 1:
        click.echo("jaxlint: error: `-` (stdin) cannot be mixed with other paths", err=True)
        sys.exit(2)
    starts = [stdin_filename or "."] if targets == ["-"] else targets
    try:
        config_file, inline = _split_config(config_values)
        # Each file's nearest configuration, the options below laid over each (as ruff).
        configurations = Configurations.discovered(
            starts,
            config_file,
            Overrides.given(
                select=select,
                ignore=ignore,
                extend_select=extend_select,
                extend_ignore=extend_ignore,
                unsafe_fixes=unsafe_fixes,
                force_exclude=force_exclude,
                fixable=fixable,
                unfixable=unfixable,
                exclude=exclude,
                extend_exclude=extend_exclude,
                per_file_ignores=per_file_ignores,
                extend_per_file_ignores=extend_per_file_ignores,
                preview=preview,
                cache_dir=cache_dir,
                ignore_noqa=ignore_noqa,
                inline=inline,
            ),
        )
        if show_files or show_settings:
            sys.exit(_show(targets, configurations, show_files))
        options = CheckOptions(
            fix=fix or fix_only,  # unsafe fixes: each file's configuration, or the option
            diff=diff,
            output_format=OutputFormat(output_format),
            color=ColorChoice.NEVER if no_color or output_file else ColorChoice.AUTO,
            exit_zero=exit_zero,
            statistics=statistics,
            jobs=jobs,
            use_cache=not no_cache,
            add_noqa=add_noqa,
            baseline=baseline_file,
            write_baseline=write_baseline_file,
            stdin_filename=stdin_filename,
            fix_only=fix_only,
            exit_non_zero_on_fix=exit_non_zero_on_fix,
            quiet=quiet,
        )
        with _report_streams(output_file, silent) as (out, err):
            code = run_check(targets, configurations, options, out=out, err=err)
    except ConfigError as error:
        click.echo(f"jaxlint: error: {error}", err=True)
        sys.exit(2)
    sys.exit(code)


def _show(targets: list[str], configurations: Configurations, files: bool) -> int:
    from jaxlint.run.show import show_files, show_settings

    shown = show_files if files else show_settings
    return shown(targets, configurations, sys.stdout, sys.stderr)


@contextlib.contextmanager
def _report_streams(output_file: str | None, silent: bool) -> Iterator[tuple[TextIO, TextIO]]:
    """Where the report and the notes go: ``--silent`` drops both, ``--output-file``
    takes the report (and the standard streams the rest)."""
    if silent:
        yield io.StringIO(), io.StringIO()
        return
    if output_file is None:
        yield sys.stdout, sys.stderr
        return
    try:
        folder = os.path.dirname(os.path.abspath(output_file))
        os.makedirs(folder, exist_ok=True)
        handle = open(output_file, "w", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {output_file}: {error.strerror or error}") from None
    with handle:
        yield handle, sys.stderr


_LISTING_FORMATS = click.Choice(["text", "json"])


@main.command(name="rules")
@click.option(
    "--output-format",
    type=_LISTING_FORMATS,
    default="text",
    show_default=True,
    help="json: a list.",
)
def list_rules(output_format: str) -> None:
    """One line per rule: code, name, fixable, summary."""
    from jaxlint.rules.catalog import catalog  # no libcst: describing rules loads none

    entries = catalog()
    if output_format == "json":
        summary = ("code", "name", "summary", "fix", "default_enabled", "preview")
        listed = [{key: entry.as_json()[key] for key in summary} for entry in entries]
        click.echo(json.dumps(listed, indent=2))
        return
    for entry in entries:
        note = "" if entry.default_enabled else " (off by default)"
        note += " (preview)" if entry.preview else ""
        click.echo(f"{entry.code}  {entry.name:<24} {entry.fix:<9} {entry.summary}{note}")


@main.command(name="rule")
@click.argument("code", required=False)
@click.option("--all", "every", is_flag=True, help="Every rule's documentation.")
@click.option(
    "--output-format", type=_LISTING_FORMATS, default="text", show_default=True, help="json."
)
def show_rule(code: str | None, every: bool, output_format: str) -> None:
    """One rule's full documentation (`--all`: every rule's)."""
    from jaxlint.rules.catalog import catalog, entry_for

    if every == (code is not None):
        click.echo("jaxlint: error: give either a rule code or --all", err=True)
        sys.exit(2)
    entry = entry_for(code) if code is not None else None
    if code is not None and entry is None:
        click.echo(f"jaxlint: error: unknown rule `{code}` (see `jaxlint rules`)", err=True)
        sys.exit(2)
    entries = catalog() if entry is None else (entry,)
    if output_format == "json":
        listed = [entry.as_json() for entry in entries]
        click.echo(json.dumps(listed if every else listed[0], indent=2))
        return
    click.echo("\n".join(entry.documentation for entry in entries), nl=False)


@main.command()
@click.option(
    "--output-format", type=_LISTING_FORMATS, default="text", show_default=True, help="json."
)
def version(output_format: str) -> None:
    """The version, as `--version` prints it."""
    if output_format == "json":
        click.echo(json.dumps({"version": __version__}))
    else:
        click.echo(f"jaxlint {__version__}")


@main.command()
def server() -> None:
    """Run the language server on stdin and stdout (needs the `lsp` extra)."""
    try:
        from jaxlint.server.lsp import serve  # pygls, not yet the linter
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        click.echo(
            'jaxlint: error: the language server needs pygls: pip install "jaxlint-purity[lsp]"',
            err=True,
        )
        sys.exit(2)
    serve()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "gpu", "tpu"]),
    default="auto",
    show_default=True,
    help="Where to run; gpu/tpu is an error (exit 2) if jax finds none.",
)
@click.option("--only", type=click.Choice(["flagged"]), help="Only functions with static findings.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--timeout", type=float, default=120.0, show_default=True, help="Seconds allowed per module."
)
@click.option(
    "--select-checks",
    multiple=True,
    help="Checks to run, comma-separated: jit, grad, retrace, leaks, effects, keys (default: all).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Modules verified at once (default: all cores on CPU, one per GPU, one on TPU).",
)
@click.option(
    "--fail-on-skip",
    is_flag=True,
    help="Exit 1 when functions were skipped for want of example inputs.",
)
@click.option(
    "--config", "config_file", type=click.Path(), help="A pyproject.toml or jaxlint.toml to use."
)
def verify(
    paths: tuple[str, ...],
    device: str,
    only: str | None,
    output_format: str,
    timeout: float,
    select_checks: tuple[str, ...],
    jobs: int | None,
    fail_on_skip: bool,
    config_file: str | None,
) -> None:
    """Import functions and prove they still jit and grad correctly on the device."""
    from jaxlint.verify import run_verify

    targets = list(paths) or ["."]
    try:
        # Each file's nearest configuration, as `check` has it; `--config`: one for all.
        configurations = Configurations.discovered(targets, config_file)
    except ConfigError as error:
        click.echo(f"jaxlint: error: {error}", err=True)
        sys.exit(2)
    code = run_verify(
        targets,
        device=device,
        only_flagged=only == "flagged",
        output_format=output_format,
        timeout=timeout,
        select_checks=list(select_checks) or None,
        settings=configurations,
        jobs=jobs,
        fail_on_skip=fail_on_skip,
    )
    sys.exit(code)
