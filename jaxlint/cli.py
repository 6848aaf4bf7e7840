"""Command line: parses options and calls the library. Nothing else lives here."""

from __future__ import annotations

import difflib
import os
import re
import sys

import click

from jaxlint._version import __version__
from jaxlint.config import ConfigError, Configurations, Overrides, load_settings
from jaxlint.output.choices import FORMATS, ColorChoice, OutputFormat


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [code.strip().upper() for code in value.split(",") if code.strip()]


_COMMAND_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class _DefaultCheckGroup(click.Group):
    """``jaxlint src/`` means ``jaxlint check src/``, as ruff's bare invocation does."""

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
@click.option("--fix", is_flag=True, help="Apply safe fixes in place; report what is left.")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="With --fix or --diff, also apply unsafe fixes (default: the `unsafe-fixes` setting).",
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
@click.option("--no-color", is_flag=True, help="Never colour text output (also: NO_COLOR=1).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--statistics", is_flag=True, help="Show counts per rule code instead of findings.")
@click.option(
    "--config", "config_file", type=click.Path(), help="A pyproject.toml or jaxlint.toml to use."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write .jaxlint_cache/.")
@click.option(
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply exclude and .gitignore to files named explicitly too (as pre-commit needs).",
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
    fix: bool,
    unsafe_fixes: bool | None,
    diff: bool,
    output_format: str,
    no_color: bool,
    exit_zero: bool,
    statistics: bool,
    config_file: str | None,
    jobs: int | None,
    no_cache: bool,
    force_exclude: bool | None,
    add_noqa: bool,
    baseline_file: str | None,
    write_baseline_file: str | None,
    stdin_filename: str | None,
) -> None:
    """Lint files and folders (default: the current folder); `-` reads stdin."""
    from jaxlint.run.check import (  # imported here: --version needs none of it
        CheckOptions,
        run_check,
    )

    targets = list(paths) or (["-"] if stdin_filename else ["."])
    if "-" in targets and len(targets) > 1:
        click.echo("jaxlint: error: `-` (stdin) cannot be mixed with other paths", err=True)
        sys.exit(2)
    starts = [stdin_filename or "."] if targets == ["-"] else targets
    try:
        # Each file's nearest configuration, the options below laid over each (as ruff).
        configurations = Configurations.discovered(
            starts,
            config_file,
            Overrides(
                select=_codes(select),
                ignore=_codes(ignore),
                extend_select=_codes(extend_select) or (),
                extend_ignore=_codes(extend_ignore) or (),
                unsafe_fixes=unsafe_fixes,
                force_exclude=force_exclude,
            ),
        )
        settings = configurations.primary
        options = CheckOptions(
            fix=fix,
            unsafe_fixes=settings.unsafe_fixes,
            diff=diff,
            output_format=OutputFormat(output_format),
            color=ColorChoice.NEVER if no_color else ColorChoice.AUTO,
            exit_zero=exit_zero,
            statistics=statistics,
            jobs=jobs,
            use_cache=not no_cache,
            add_noqa=add_noqa,
            baseline=baseline_file,
            write_baseline=write_baseline_file,
            stdin_filename=stdin_filename,
        )
        code = run_check(targets, configurations, options)
    except ConfigError as error:
        click.echo(f"jaxlint: error: {error}", err=True)
        sys.exit(2)
    sys.exit(code)


@main.command(name="rules")
def list_rules() -> None:
    """One line per rule: code, name, fixable, summary."""
    from jaxlint.rules import ALL_RULES

    for rule in ALL_RULES:
        note = "" if rule.default_enabled else " (off by default)"
        click.echo(f"{rule.code}  {rule.name:<24} {rule.fix:<9} {rule.summary}{note}")


@main.command(name="rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """One rule's full documentation."""
    from jaxlint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        click.echo(f"jaxlint: error: unknown rule `{code}` (see `jaxlint rules`)", err=True)
        sys.exit(2)
    click.echo(rule.documentation(), nl=False)


@main.command()
def server() -> None:
    """Run the language server on stdin and stdout (needs the `lsp` extra)."""
    try:
        from jaxlint.server import serve
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
        settings = load_settings(config_file, targets[0])
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
        settings=settings,
        jobs=jobs,
        fail_on_skip=fail_on_skip,
    )
    sys.exit(code)
