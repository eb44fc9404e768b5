"""The directory changes in one transaction with its DirectoryChanged snapshot (version + 1)."""

from __future__ import annotations

from datetime import UTC, datetime

from houqin_shared import outbox
from houqin_shared.contracts import DirectoryChanged
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry
from houqin_shared.db import Conn
from tickets.domain import Directory
from tickets.repository import directory as repo


def snapshot(d: Directory, version: int, at: datetime) -> DirectoryChanged:
    return DirectoryChanged(
        version=version,
        departments=[UnitEntry(id=x.id, name=x.name, lead_id=x.head_id) for x in d.departments],
        teams=[
            UnitEntry(id=x.id, name=x.name, department_id=x.department_id, lead_id=x.lead_id)
            for x in d.teams
        ],
        staff=[
            StaffEntry.model_validate(s.model_dump(exclude={"leave", "on_duty"})) for s in d.staff
        ],
        changed_at=at,
    )


async def publish(conn: Conn) -> Directory:
    """Call inside the transaction that changed the directory (after `repo.lock`)."""
    version = await repo.bump_version(conn)
    d = await repo.read(conn)
    await outbox.add(conn, snapshot(d, version, datetime.now(UTC)))
    return d
