"""Fixtures of the notify integration tests (defined in notify_support.py with its helpers)."""

from notify_support import handle, notify_env, peers  # noqa: F401
