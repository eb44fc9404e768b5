"""The directory's events, in the transaction that changes it (after `repo.lock`).

Each change bumps the version and publishes DirectoryUpdated with only the departments, teams
and staff it added or changed (leave and duty are not in the event: a leave change publishes
an event with no entries), in pages of at most PAGE entries. A snapshot (every entry, `reset`)
is published periodically by the worker and on request, for readers that start afresh or
missed a change. DirectoryChanged (the whole directory in one event) is still published after
an import while the directory fits in one, for readers that know only it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from houqin_shared import outbox
from houqin_shared.contracts import DirectoryChanged, DirectoryUpdated
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry
from houqin_shared.db import Conn
from houqin_shared.service import Periodic
from tickets.domain import Directory
from tickets.repository import directory as repo

PAGE = 1000  # entries per event: about 200 kB of staff, a fifth of what the broker takes
FULL_SNAPSHOT_MAX_STAFF = 2000  # DirectoryChanged (all in one event) up to this many staff
SNAPSHOT_EVERY_S = 6 * 3600.0

Entries = dict[str, dict[str, Any]]  # "department:<id>", "team:<id>", "staff:<id>" -> entry


def entries(d: Directory) -> Entries:
    """The directory as its events carry it (no leave, no duty), by kind and id."""
    out: Entries = {}
    for x in d.departments:
        out[f"department:{x.id}"] = {"id": x.id, "name": x.name, "lead_id": x.head_id}
    for t in d.teams:
        out[f"team:{t.id}"] = {
            "id": t.id,
            "name": t.name,
            "department_id": t.department_id,
            "lead_id": t.lead_id,
        }
    for s in d.staff:
        out[f"staff:{s.id}"] = s.model_dump(exclude={"leave", "on_duty"})
    return out


def changed(before: Entries, after: Entries) -> Entries:
    """The entries of `after` that are new or differ from `before` (nothing is ever removed)."""
    return {k: v for k, v in after.items() if before.get(k) != v}


def updates(
    todo: Entries, version: int, previous: int, at: datetime, reset: bool = False
) -> list[DirectoryUpdated]:
    """`todo` as DirectoryUpdated pages (one page, with no entries, when nothing changed)."""
    items = sorted(todo.items())
    chunks = [items[i : i + PAGE] for i in range(0, len(items), PAGE)] or [[]]
    return [
        DirectoryUpdated(
            version=version,
            previous_version=previous if n == 1 else version,
            reset=reset and n == 1,
            page=n,
            pages=len(chunks),
            departments=[UnitEntry(**v) for k, v in chunk if k.startswith("department:")],
            teams=[UnitEntry(**v) for k, v in chunk if k.startswith("team:")],
            staff=[StaffEntry(**v) for k, v in chunk if k.startswith("staff:")],
            changed_at=at,
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def snapshot(d: Directory, version: int, at: datetime) -> DirectoryChanged:
    """The whole directory in one event (the older contract)."""
    all_entries = entries(d)
    return DirectoryChanged(
        version=version,
        departments=[UnitEntry(**all_entries[f"department:{x.id}"]) for x in d.departments],
        teams=[UnitEntry(**all_entries[f"team:{x.id}"]) for x in d.teams],
        staff=[StaffEntry(**all_entries[f"staff:{x.id}"]) for x in d.staff],
        changed_at=at,
    )


async def publish(conn: Conn, before: Directory) -> Directory:
    """After a change: bump the version, publish what changed since `before` (the directory
    read before the change, in the same transaction); return the directory after it."""
    version = await repo.bump_version(conn)
    at = datetime.now(UTC)
    after = await repo.read(conn)
    events: list[DirectoryUpdated | DirectoryChanged] = []
    events += updates(changed(entries(before), entries(after)), version, version - 1, at)
    if len(after.staff) <= FULL_SNAPSHOT_MAX_STAFF:
        events.append(snapshot(after, version, at))
    await outbox.add(conn, *events)
    return after


async def publish_version(conn: Conn) -> None:
    """After a change of nothing the events carry (leave, duty): bump the version and publish
    an update with no entries, so readers' copies keep step (and read nothing)."""
    version = await repo.bump_version(conn)
    await outbox.add(conn, *updates({}, version, version - 1, datetime.now(UTC)))


async def publish_snapshot(conn: Conn) -> int:
    """Publish the whole directory at its current version as DirectoryUpdated pages (`reset`
    on the first); return the version."""
    await repo.lock(conn)
    d = await repo.read(conn)
    version = d.version or 0
    if version:
        await outbox.add(conn, *updates(entries(d), version, 0, datetime.now(UTC), reset=True))
    return version


async def _periodic_snapshot(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await publish_snapshot(conn)


# In the worker: a snapshot when it starts and every SNAPSHOT_EVERY_S after.
SNAPSHOT = Periodic(name="directory-snapshot", every_s=SNAPSHOT_EVERY_S, run=_periodic_snapshot)
