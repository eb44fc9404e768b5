"""The whole platform as real processes on the test instance (session-wide)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import INSTANCE, Infra

# The fault tests send 1,000 reports from one student and one address in seconds: far past the
# per-reporter and per-address limits a real campus wants, so they are raised here.
E2E_ENV = {
    "FEEDBACK_RATE_REPORTER_PER_MIN": "100000",
    "FEEDBACK_RATE_REPORTER_BURST": "100000",
    "FEEDBACK_RATE_ADDRESS_PER_MIN": "100000",
    "FEEDBACK_RATE_ADDRESS_BURST": "100000",
}


@pytest.fixture(scope="session")
def test_instance(infra: Infra):  # type: ignore[no-untyped-def]
    import launcher

    inst = launcher.Instance(
        INSTANCE, infra.admin_dsn, infra.kafka, port_offset=launcher.PORT_OFFSETS[INSTANCE]
    )
    launcher.migrate_all(inst)
    return inst


@pytest.fixture(scope="session")
def platform(test_instance) -> Iterator[object]:  # type: ignore[no-untyped-def]
    import launcher

    running = launcher.Platform(test_instance, env=E2E_ENV)
    try:
        running.start()
        launcher.load_demo(test_instance)
        yield running
    finally:
        running.stop()
