"""Findings, fixes and their edits."""
