"""Browser tests: Debian's chromium (Playwright cannot download browsers here) driving the
console of the whole platform on the test instance (every service's real processes, real Kafka
and PostgreSQL: the `platform` fixture of tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import launcher
import pytest
from browser_support import Console
from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("HOUQIN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "args": ["--no-sandbox"], "headless": True}


@pytest.fixture(scope="session")
def console(request: pytest.FixtureRequest, browser: Browser) -> Console:
    """The platform started for these tests; HOUQIN_BROWSER_REUSE=1 uses one already running
    on the test instance instead (while working on the pages)."""
    if os.environ.get("HOUQIN_BROWSER_REUSE") == "1":
        inst = launcher.Instance("test", "", "", port_offset=launcher.PORT_OFFSETS["test"])
    else:
        inst = request.getfixturevalue("platform").inst
    return Console(launcher.console_url(inst), inst, browser)


@pytest.fixture
def phone(console: Console) -> Iterator[Page]:
    ctx = console.context()
    yield ctx.new_page()
    ctx.close()
