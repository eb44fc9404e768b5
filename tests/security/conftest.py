"""The API fuzzer acts as an admin and changes rules and data at random, so it runs after every
other security test (which rely on the demo's rules and data)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name == "test_api_fuzz.py")  # stable: keeps order
