"""Scoring's copy of the directory follows DirectoryUpdated: a snapshot fills it, a change moves
only its entries (a team to another department), a gap waits for the next snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scoring_support import Scoring

from houqin_shared.contracts import DirectoryUpdated
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry

pytestmark = pytest.mark.infra


def update(version: int, previous: int, **fields: object) -> DirectoryUpdated:
    return DirectoryUpdated.model_validate(
        {"version": version, "previous_version": previous, "changed_at": datetime.now(UTC)} | fields
    )


async def state(s: Scoring) -> tuple[int, dict[str, str | None], list[str]]:
    """(version, team -> department, staff ids)."""
    version = (await s.fetch("SELECT version FROM directory_version"))[0]["version"]
    teams = {r["id"]: r["department_id"] for r in await s.fetch("SELECT * FROM teams")}
    staff = [r["id"] for r in await s.fetch("SELECT id FROM staff ORDER BY id")]
    return version, teams, staff


async def test_snapshot_then_a_change_then_a_gap(scoring: Scoring) -> None:
    s = scoring
    depts = [UnitEntry(id=d, name=d) for d in ("maintenance", "works")]
    team = UnitEntry(id="plumbers", name="水工班", department_id="maintenance")
    staff = [StaffEntry(id=f"w-{n}", name=f"工人{n}", team_id="plumbers") for n in range(3)]
    await s.feed(update(5, 0, reset=True, departments=depts, teams=[team], staff=staff))
    assert await state(s) == (5, {"plumbers": "maintenance"}, ["w-0", "w-1", "w-2"])
    moved = team.model_copy(update={"department_id": "works"})
    await s.feed(update(6, 5, teams=[moved]), update(7, 6))
    assert await state(s) == (7, {"plumbers": "works"}, ["w-0", "w-1", "w-2"])
    await s.feed(update(9, 8, staff=[StaffEntry(id="w-9", name="九")]))  # missed 8: ignored
    assert await state(s) == (7, {"plumbers": "works"}, ["w-0", "w-1", "w-2"])
    await s.feed(update(9, 0, reset=True, departments=depts, teams=[moved], staff=staff[:1]))
    assert await state(s) == (9, {"plumbers": "works"}, ["w-0"])
