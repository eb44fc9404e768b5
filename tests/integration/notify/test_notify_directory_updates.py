"""Notify's copy of the directory follows DirectoryUpdated: a snapshot in pages fills it, each
change then adds or changes only its entries, a change it cannot follow on from (a gap) is left
for the next snapshot, and an old or repeated event changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest
from notify_support import Handle, directory

from houqin_shared.contracts import DirectoryUpdated
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
STAFF = 6000


def person(n: int, email: str | None = None) -> StaffEntry:
    return StaffEntry(
        id=f"w-{n:05d}",
        name=f"工人{n:05d}",
        team_id="plumbers",
        department_id="maintenance",
        roles=["staff"],
        email=email or f"w-{n:05d}@campus.test",
    )


def update(version: int, previous: int, **fields: object) -> DirectoryUpdated:
    return DirectoryUpdated.model_validate(
        {"version": version, "previous_version": previous, "changed_at": datetime.now(UTC)} | fields
    )


async def copy(pool: asyncpg.Pool) -> tuple[int, dict[str, str | None], dict[str, str]]:
    """(version, staff id -> e-mail, team id -> lead) of notify's copy."""
    async with pool.acquire() as conn:
        version = await conn.fetchval("SELECT version FROM directory_state")
        staff = {r["id"]: r["email"] for r in await conn.fetch("SELECT * FROM directory_staff")}
        teams = await conn.fetch("SELECT id, lead_id FROM directory_units WHERE kind = 'team'")
    return version, staff, {r["id"]: r["lead_id"] for r in teams}


async def test_snapshot_pages_then_changes_then_a_gap(
    notify_env: tuple[NotifySettings, asyncpg.Pool], handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory(version=3))  # an older whole-directory event: replaced below
    team = UnitEntry(id="plumbers", name="水工班", department_id="maintenance", lead_id="w-00000")
    people = [person(n) for n in range(STAFF)]
    pages = [people[i : i + 1000] for i in range(0, STAFF, 1000)]
    for n, page in enumerate(pages, start=1):
        first = n == 1
        await handle(
            update(
                10,
                0 if first else 10,
                reset=first,
                page=n,
                pages=len(pages),
                teams=[team] if first else [],
                staff=page,
            )
        )
    version, staff, teams = await copy(pool)
    assert version == 10 and len(staff) == STAFF and "plumber" not in staff  # reset emptied it
    assert teams == {"plumbers": "w-00000"}

    # one change: one person's e-mail, one new person, the team's lead; nothing else touched
    new_lead = team.model_copy(update={"lead_id": "w-00001"})
    await handle(
        update(11, 10, staff=[person(7, "seven@new.test"), person(STAFF)], teams=[new_lead])
    )
    version, staff, teams = await copy(pool)
    assert version == 11 and len(staff) == STAFF + 1
    assert staff["w-00007"] == "seven@new.test" and staff["w-00008"] == "w-00008@campus.test"
    assert teams == {"plumbers": "w-00001"}

    await handle(update(12, 11))  # a leave change: no entries, the version keeps step
    await handle(update(11, 10, staff=[person(7, "old@new.test")]))  # a repeat: skipped
    await handle(update(14, 13, staff=[person(9, "gap@new.test")]))  # missed 13: a gap
    version, staff, _ = await copy(pool)
    assert version == 12
    assert staff["w-00007"] == "seven@new.test" and staff["w-00009"] == "w-00009@campus.test"

    # the next snapshot brings the copy back in step, whatever it missed
    await handle(update(14, 0, reset=True, staff=[person(9, "gap@new.test")]))
    version, staff, _ = await copy(pool)
    assert (version, staff) == (14, {"w-00009": "gap@new.test"})
