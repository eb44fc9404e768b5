"""Fixtures of the feedback integration tests (defined in feedback_support.py with its helpers)."""

from feedback_support import feedback  # noqa: F401
