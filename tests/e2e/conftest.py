"""The whole platform as real processes on the test instance (session-wide)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import INSTANCE, Infra


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

    running = launcher.Platform(test_instance)
    try:
        running.start()
        launcher.load_demo(test_instance)
        yield running
    finally:
        running.stop()
