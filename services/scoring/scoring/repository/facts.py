"""Read models written from consumed events: idempotent upserts, so a redelivered event (or the
same fact told twice) changes nothing. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def record_ticket_opened(
    conn: Conn,
    ticket_id: UUID,
    report_id: UUID,
    tracking_no: str,
    category: str,
    department_id: str | None,
    team_id: str | None,
    opened_at: datetime,
    track: str = "repair",
) -> None:
    """The opening; a stub made by an earlier event keeps the owner that event set."""
    await conn.execute(
        "INSERT INTO ticket_facts (ticket_id, report_id, tracking_no, category, department_id,"
        " team_id, opened_at, status, updated_at, track)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $7, $8)"
        " ON CONFLICT (ticket_id) DO UPDATE SET report_id = EXCLUDED.report_id,"
        " tracking_no = EXCLUDED.tracking_no, category = EXCLUDED.category,"
        " opened_at = EXCLUDED.opened_at, track = EXCLUDED.track,"
        " department_id = COALESCE(ticket_facts.department_id, EXCLUDED.department_id),"
        " team_id = COALESCE(ticket_facts.team_id, EXCLUDED.team_id)",
        ticket_id,
        report_id,
        tracking_no,
        category,
        department_id,
        team_id,
        opened_at,
        track,
    )
    # Ratings and confirmations that came first and named only the report.
    for table in ("ratings", "confirmations"):
        await conn.execute(
            f"UPDATE {table} SET ticket_id = $1 WHERE report_id = $2 AND ticket_id IS NULL",
            ticket_id,
            report_id,
        )
    # The reporter may have rejected the fix before this event reached us.
    await conn.execute(
        "UPDATE ticket_facts SET fix_rejected_at = (SELECT min(at) FROM confirmations"
        " WHERE report_id = $2 AND outcome = 'rejected')"
        " WHERE ticket_id = $1 AND fix_rejected_at IS NULL",
        ticket_id,
        report_id,
    )


async def record_owner(
    conn: Conn,
    ticket_id: UUID,
    report_id: UUID,
    tracking_no: str,
    at: datetime,
    department_id: str | None,
    team_id: str | None,
    assignee_id: str | None,
    clear_assignee: bool = False,
) -> None:
    """Who is responsible for the ticket now; only newer facts move it (null keeps the old)."""
    await conn.execute(
        "INSERT INTO ticket_facts (ticket_id, report_id, tracking_no, department_id, team_id,"
        " assignee_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (ticket_id) DO UPDATE SET"
        " department_id = COALESCE(EXCLUDED.department_id, ticket_facts.department_id),"
        " team_id = COALESCE(EXCLUDED.team_id, ticket_facts.team_id),"
        " assignee_id = CASE WHEN $8 THEN NULL"
        "   ELSE COALESCE(EXCLUDED.assignee_id, ticket_facts.assignee_id) END,"
        " report_id = COALESCE(ticket_facts.report_id, EXCLUDED.report_id),"
        " tracking_no = COALESCE(ticket_facts.tracking_no, EXCLUDED.tracking_no),"
        " updated_at = EXCLUDED.updated_at"
        " WHERE ticket_facts.updated_at IS NULL OR ticket_facts.updated_at <= EXCLUDED.updated_at",
        ticket_id,
        report_id,
        tracking_no,
        department_id,
        team_id,
        assignee_id,
        at,
        clear_assignee,
    )


async def record_merge(
    conn: Conn, ticket_id: UUID, report_id: UUID, tracking_no: str, into: UUID, at: datetime
) -> None:
    """A linked duplicate's ticket merged into its primary's: it leaves every ticket count."""
    await conn.execute(
        "INSERT INTO ticket_facts (ticket_id, report_id, tracking_no, merged_into, status,"
        " updated_at) VALUES ($1, $2, $3, $4, 'closed', $5)"
        " ON CONFLICT (ticket_id) DO UPDATE SET merged_into = EXCLUDED.merged_into,"
        " status = 'closed'",
        ticket_id,
        report_id,
        tracking_no,
        into,
        at,
    )


async def record_status(conn: Conn, ticket_id: UUID, status: str, at: datetime) -> None:
    """Close (the last close counts), reopen (the first reopen marks rework), current status."""
    await conn.execute(
        "UPDATE ticket_facts SET"
        " status = $2,"
        " closed_at = CASE WHEN $2 = 'closed' THEN GREATEST(closed_at, $3) ELSE closed_at END,"
        " reopened_at = CASE WHEN $2 = 'reopened' THEN LEAST(reopened_at, $3) ELSE reopened_at END"
        " WHERE ticket_id = $1",
        ticket_id,
        status,
        at,
    )


STAGE_COLUMNS = {
    "accept": ("accept_at", "accept_due_at", "accept_on_time"),
    "arrive": ("arrive_at", "arrive_due_at", "arrive_on_time"),
    "finish": ("finish_at", "finish_due_at", "finish_on_time"),
}


async def record_stage(
    conn: Conn,
    ticket_id: UUID,
    stage: str,
    completed_at: datetime,
    due_at: datetime | None,
    on_time: bool,
) -> None:
    """The latest completion of a time-limited stage (an older one arriving late is ignored)."""
    at_col, due_col, on_time_col = STAGE_COLUMNS[stage]
    await conn.execute(
        f"UPDATE ticket_facts SET {at_col} = $2, {due_col} = $3, {on_time_col} = $4"
        f" WHERE ticket_id = $1 AND ({at_col} IS NULL OR {at_col} <= $2)",
        ticket_id,
        completed_at,
        due_at,
        on_time,
    )


async def record_transfer(conn: Conn, values: dict[str, Any]) -> None:
    """The latest state of a transfer (requested, then accepted or rejected)."""
    cols = list(values)
    await conn.execute(
        f"INSERT INTO transfers ({', '.join(cols)})"
        f" VALUES ({', '.join(f'${i}' for i in range(1, len(cols) + 1))})"
        " ON CONFLICT (transfer_id) DO UPDATE SET state = EXCLUDED.state, at = EXCLUDED.at"
        " WHERE transfers.at <= EXCLUDED.at",
        *values.values(),
    )


async def record_fix_rejected(
    conn: Conn, report_id: UUID, ticket_id: UUID | None, tracking_no: str, at: datetime
) -> None:
    await record_confirmation(conn, report_id, ticket_id, tracking_no, "rejected", at)
    await conn.execute(
        "UPDATE ticket_facts SET fix_rejected_at = LEAST(fix_rejected_at, $3)"
        " WHERE ticket_id = $1 OR report_id = $2",
        ticket_id,
        report_id,
        at,
    )


async def record_confirmation(
    conn: Conn,
    report_id: UUID,
    ticket_id: UUID | None,
    tracking_no: str,
    outcome: str,
    at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO confirmations (report_id, at, outcome, ticket_id, tracking_no)"
        " VALUES ($1, $2, $3, COALESCE($4, (SELECT ticket_id FROM ticket_facts"
        "   WHERE report_id = $1 LIMIT 1)), $5) ON CONFLICT DO NOTHING",
        report_id,
        at,
        outcome,
        ticket_id,
        tracking_no,
    )


async def insert_row(conn: Conn, table: str, values: dict[str, Any], key: str) -> None:
    """Insert one fact keyed by `key`; the same fact again changes nothing."""
    cols = list(values)
    await conn.execute(
        f"INSERT INTO {table} ({', '.join(cols)})"
        f" VALUES ({', '.join(f'${i}' for i in range(1, len(cols) + 1))})"
        f" ON CONFLICT ({key}) DO NOTHING",
        *values.values(),
    )


async def record_rating(conn: Conn, values: dict[str, Any]) -> None:
    """A rating; one that names only the report gets its ticket when the ticket is known."""
    cols = list(values)
    await conn.execute(
        f"INSERT INTO ratings ({', '.join(cols)})"
        f" VALUES ({', '.join(f'${i}' for i in range(1, len(cols) + 1))})"
        " ON CONFLICT (rating_id) DO NOTHING",
        *values.values(),
    )
    await conn.execute(
        "UPDATE ratings r SET ticket_id = t.ticket_id FROM ticket_facts t"
        " WHERE r.rating_id = $1 AND r.ticket_id IS NULL AND t.report_id = r.report_id",
        values["rating_id"],
    )


async def record_survey_answers(conn: Conn, rows: list[tuple[Any, ...]]) -> None:
    """(survey_id, answer_id, unit_type, unit_id, campaign_id, score, responses, at) rows."""
    await conn.executemany(
        "INSERT INTO survey_answers (survey_id, answer_id, unit_type, unit_id, campaign_id,"
        " score, responses, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (survey_id, answer_id, unit_type, unit_id) DO UPDATE SET"
        " score = EXCLUDED.score, responses = EXCLUDED.responses, at = EXCLUDED.at",
        rows,
    )


async def record_incident(conn: Conn, values: dict[str, Any]) -> None:
    """A verified incident; an overturn that came first is kept."""
    cols = list(values)
    await conn.execute(
        f"INSERT INTO incidents ({', '.join(cols)})"
        f" VALUES ({', '.join(f'${i}' for i in range(1, len(cols) + 1))})"
        " ON CONFLICT (incident_id) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c != "incident_id"),
        *values.values(),
    )


async def record_overturn(
    conn: Conn, incident_id: UUID, unit_type: str, unit_id: str, reason: str, at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO incidents (incident_id, unit_type, unit_id, overturned_at, overturn_reason)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id) DO UPDATE SET"
        " overturned_at = EXCLUDED.overturned_at, overturn_reason = EXCLUDED.overturn_reason",
        incident_id,
        unit_type,
        unit_id,
        at,
        reason,
    )


async def replace_directory(
    conn: Conn,
    version: int,
    departments: list[tuple[str, str, str | None]],
    teams: list[tuple[str, str, str | None, str | None]],
    staff: list[tuple[str, str, str | None, str | None, list[str]]],
) -> bool:
    """Replace the copy of the directory with a newer snapshot; an older one is ignored."""
    held = await directory_version_for_update(conn)
    if held is not None and held >= version:
        return False
    await store_directory(conn, version, departments, teams, staff, reset=True)
    return True


async def directory_version_for_update(conn: Conn) -> int | None:
    """The copy's version, locked until the transaction ends (None: no copy yet)."""
    v = await conn.fetchval("SELECT version FROM directory_version FOR UPDATE")
    return int(v) if v is not None else None


async def store_directory(
    conn: Conn,
    version: int,
    departments: list[tuple[str, str, str | None]],
    teams: list[tuple[str, str, str | None, str | None]],
    staff: list[tuple[str, str, str | None, str | None, list[str]]],
    reset: bool,
) -> None:
    """Take these entries (added or changed; after emptying the copy when `reset`) and `version`."""
    await conn.execute(
        "INSERT INTO directory_version (id, version) VALUES (true, $1)"
        " ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version",
        version,
    )
    if reset:
        await conn.execute("DELETE FROM departments")
        await conn.execute("DELETE FROM teams")
        await conn.execute("DELETE FROM staff")
    await conn.executemany(
        "INSERT INTO departments VALUES ($1, $2, $3)"
        " ON CONFLICT (id) DO UPDATE SET name = $2, lead_id = $3",
        departments,
    )
    await conn.executemany(
        "INSERT INTO teams VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (id) DO UPDATE SET name = $2, department_id = $3, lead_id = $4",
        teams,
    )
    await conn.executemany(
        "INSERT INTO staff VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (id) DO UPDATE SET name = $2, department_id = $3, team_id = $4, roles = $5",
        staff,
    )


async def touch_open_campaigns(conn: Conn) -> None:
    """Mark every unpublished campaign as having facts newer than its scores."""
    await conn.execute(
        "INSERT INTO campaign_touches (campaign_id, seq)"
        " SELECT id, nextval('touch_seq') FROM campaigns WHERE published_at IS NULL ORDER BY id"
        " ON CONFLICT (campaign_id) DO UPDATE SET seq = EXCLUDED.seq,"
        " touched_at = clock_timestamp()"
    )


async def volume_by_unit(conn: Conn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT department_id, team_id, count(*) AS tickets FROM ticket_facts"
        " WHERE opened_at IS NOT NULL"
        " GROUP BY department_id, team_id ORDER BY tickets DESC, department_id, team_id"
    )
    return [dict(r) for r in rows]
