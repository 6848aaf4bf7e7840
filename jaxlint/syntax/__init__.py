"""Tree helpers without semantics, each written once for both trees (libcst and CPython
``ast``): literals (ints as Python reads them, strings, displays, ``range``), options
(what ``*_argnums``/``*_argnames`` select), chains (``a.b.c``), imports (local name ->
dotted name) and positions (libcst only)."""
