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
def console(request: pytest.FixtureRequest) -> Console:
    """The platform started for these tests; HOUQIN_BROWSER_REUSE=1 uses one already running
    on the instance (HOUQIN_TEST_INSTANCE, default test) instead, while working on the pages.
    The platform starts before the browser: Playwright's sync API leaves an event loop running
    in this thread, where the platform's set-up (asyncio.run) would be refused."""
    if os.environ.get("HOUQIN_BROWSER_REUSE") == "1":
        name = os.environ.get("HOUQIN_TEST_INSTANCE", "test")
        inst = launcher.Instance(name, "", "", port_offset=launcher.PORT_OFFSETS[name])
    else:
        inst = request.getfixturevalue("platform").inst
    browser: Browser = request.getfixturevalue("browser")
    return Console(launcher.console_url(inst), inst, browser)


@pytest.fixture
def phone(console: Console) -> Iterator[Page]:
    ctx = console.context()
    yield ctx.new_page()
    ctx.close()
