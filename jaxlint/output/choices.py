"""What the user chooses about output: the format and whether it is coloured. Apart from
the reporters, so that the command line can offer the choices without importing them."""

from __future__ import annotations

import enum


class OutputFormat(str, enum.Enum):
    """What ``--output-format`` (or its older name ``--format``) asks for."""

    TEXT = "text"  # ``full`` on a terminal, ``concise`` elsewhere (pipes, CI logs, hooks)
    CONCISE = "concise"  # one line a finding
    FULL = "full"  # each finding with its source lines underlined and its fix's title
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"


FORMATS = tuple(output_format.value for output_format in OutputFormat)


class ColorChoice(enum.Enum):
    """Whether text output is coloured: ``AUTO`` decides by ``NO_COLOR``, then
    ``FORCE_COLOR``, then whether the output is a terminal."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"
