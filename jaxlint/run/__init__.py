"""Runs over many files: check, parallel workers, cache, discovery, baseline, add-noqa."""
