"""The tickets process wiring: handled events, the sweeper as a worker Periodic, the OpenAPI
document of every route."""

from __future__ import annotations

from houqin_shared.contracts import (
    ComplaintFiled,
    FixConfirmed,
    FixRejected,
    ReportLinked,
    ServiceCatalogChanged,
)
from tickets.__main__ import SPEC, create_app
from tickets.settings import TicketsSettings


def test_handlers_and_the_sweeper_are_wired() -> None:
    assert set(SPEC.handlers) == {
        ComplaintFiled, ServiceCatalogChanged, FixConfirmed, FixRejected, ReportLinked,
    }  # fmt: skip
    assert set(SPEC.batch_handlers) == {ComplaintFiled}  # bursts of reports open together
    assert [p.name for p in SPEC.periodic] == ["overdue-sweeper", "directory-snapshot"]
    assert 0 < SPEC.periodic[0].every_s <= 60
    assert SPEC.periodic[1].every_s >= 3600  # a whole-directory snapshot now and then


def test_openapi_lists_the_api() -> None:
    paths = create_app(TicketsSettings()).openapi()["paths"]
    for path in (
        "/v1/directory",
        "/v1/directory/snapshot",
        "/v1/tickets/by-report/{report_id}",
        "/v1/tickets/{ticket_id}",
        "/v1/tickets/{ticket_id}/{move}",
        "/v1/queues/overdue",
        "/v1/transfers/{transfer_id}/{decision}",
        "/v1/rectifications/{item_id}/acceptance",
        "/v1/inspections",
        "/v1/incidents/{incident_id}/overturn",
    ):
        assert path in paths, path
