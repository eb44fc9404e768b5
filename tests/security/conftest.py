"""The API fuzzer acts as an admin and changes rules and data at random, so it runs after every
other security test (which rely on the demo's rules and data).

It fuzzes the session's platform, or with HOUQIN_FUZZ_RUNNING=1 the APIs already running for
the instance (`./houqin run` for `demo`, or another launcher), to fuzz them for long without
starting them again."""

from __future__ import annotations

import os

import launcher
import pytest
from helpers import INSTANCE


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name == "test_api_fuzz.py")  # stable: keeps order


@pytest.fixture(scope="session")
def fuzz_target(request: pytest.FixtureRequest) -> launcher.Instance:
    if os.environ.get("HOUQIN_FUZZ_RUNNING") == "1":
        return launcher.Instance(INSTANCE, "", "", port_offset=launcher.PORT_OFFSETS[INSTANCE])
    platform: launcher.Platform = request.getfixturevalue("platform")
    return platform.inst
