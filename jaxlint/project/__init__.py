"""The cross-module project index, its per-module reader, the project root and the prefilter."""
