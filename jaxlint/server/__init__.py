"""``jaxlint server``: a language server over stdio, on pygls (the ``lsp`` extra).

Diagnostics on open, change and save, from the same engine as ``jaxlint check``, with the
configuration found for each file and the project's cross-module index (built from the
files as saved; a save indexes that file again, and lints again the open files whose
cross-module facts it changed); per finding, a quick fix carrying the text edits of that
one fix (those of ``--output-format json``) and a "disable for this line" action; "Fix all
jaxlint problems" (what ``--fix`` would write); hover with the rule's summary. What
``check`` would warn about (a file libcst cannot parse) goes to the client's log.

Linting runs on a worker thread, the newest version of each document only, after a pause
in typing (:mod:`jaxlint.server.scheduler`); requests answer from the last finished lint
(:mod:`jaxlint.server.lsp`); what a lint is, editor aside, is :mod:`jaxlint.server.core`.
``jaxlint server`` loads pygls, answers ``initialize``, and only then imports the linter.
"""
