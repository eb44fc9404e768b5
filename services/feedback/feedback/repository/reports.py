"""Reports: insert (idempotent), read, the per-day tracking sequences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

import asyncpg

from feedback.rows import ReportRow, StagedReportRow
from houqin_shared import outbox
from houqin_shared.contracts.base import Envelope
from houqin_shared.db import Conn

COLUMNS = (
    "id, tracking_no, kind, category, channel, urgency, location, description, anonymous, "
    "reporter_id, contact, filed_by, status, filed_at, origin, transcribed_by, request_hash, "
    "source_system, external_id, ticket_id, ticket_status, department_id, team_id, assignees, "
    "explanation, resolved_at, awaiting_confirmation, confirmation, confirmed_at, primary_id, "
    "media_url"
)
# The reporter's four tabs (待受理 / 处理中 / 待确认评价 / 已完成, feedback.domain_track.Stage): a
# confirmed fix stays "to confirm and rate" until its reporter has rated it; an auto-confirmed
# one is done. Used on an unaliased `reports`.
STAGE = (
    "CASE WHEN reports.awaiting_confirmation OR (reports.confirmation = 'confirmed'"
    " AND NOT EXISTS (SELECT FROM ratings g WHERE g.report_id = reports.id"
    " AND g.rater_id = reports.reporter_id)) THEN 'to_confirm'"
    " WHEN reports.status IN ('confirmed', 'closed') THEN 'done'"
    " WHEN reports.status IN ('filed', 'ticket_opened') THEN 'received'"
    " ELSE 'in_progress' END"
)
_READ = f"SELECT {COLUMNS}, {STAGE} AS stage FROM reports"


def _sequence_name(day: date) -> str:
    return f"report_seq_{day:%Y%m%d}"


async def ensure_day_sequence(conn: Conn, day: date) -> None:
    """Create the day's tracking sequence if missing (safe when several callers race)."""
    try:
        async with conn.transaction():
            await conn.execute(f"CREATE SEQUENCE IF NOT EXISTS {_sequence_name(day)}")
    except (asyncpg.UniqueViolationError, asyncpg.DuplicateTableError):
        pass  # another caller created it at the same moment


async def next_day_seqs(conn: Conn, day: date, count: int = 1) -> list[int]:
    """The next `count` numbers of `day`'s sequence, in one round trip: one sequence object per
    day, created on demand, so concurrent intake never waits on a shared row (numbers that are
    never used, as those of rolled-back reports, are skipped)."""
    name = _sequence_name(day)

    async def draw() -> list[int]:
        sql = "SELECT nextval($1::text::regclass) FROM generate_series(1, $2)"
        return [int(r[0]) for r in await conn.fetch(sql, name, count)]

    try:
        if conn.is_in_transaction():  # a savepoint, so a missing sequence spoils nothing
            async with conn.transaction():
                return await draw()
        return await draw()
    except asyncpg.UndefinedTableError:
        await ensure_day_sequence(conn, day)
    return await draw()


async def insert_report(
    conn: Conn, row: dict[str, Any], events: list[Envelope] | None = None
) -> bool:
    """Insert; False when the same Idempotency-Key or external id is already there. With
    `events`, the report's first events go into the outbox in the same statement (and only
    when the report was inserted)."""
    cols = list(row)
    marks = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
    sql = (
        f"INSERT INTO reports ({', '.join(cols)}) VALUES ({marks})"
        " ON CONFLICT DO NOTHING RETURNING id"
    )
    args = list(row.values())
    if events:
        events_sql, events_args = outbox.insert(events, len(args) + 1, "EXISTS (SELECT FROM r)")
        sql = f"WITH r AS ({sql}), e AS ({events_sql}) SELECT id FROM r"
        args += events_args
    return await conn.fetchval(sql, *args) is not None


async def report_by_idempotency_key(conn: Conn, filed_by: str, key: str) -> ReportRow | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM reports WHERE filed_by = $1 AND idempotency_key = $2",
        filed_by,
        key,
    )
    return cast(ReportRow, dict(row)) if row else None


async def get_report(
    conn: Conn, report_id: UUID, *, for_update: bool = False
) -> StagedReportRow | None:
    lock = " FOR UPDATE OF reports" if for_update else ""
    row = await conn.fetchrow(f"{_READ} WHERE id = $1{lock}", report_id)
    return cast(StagedReportRow, dict(row)) if row else None


async def report_by_tracking_no(conn: Conn, tracking_no: str) -> StagedReportRow | None:
    row = await conn.fetchrow(f"{_READ} WHERE tracking_no = $1", tracking_no)
    return cast(StagedReportRow, dict(row)) if row else None


async def reports_of(
    conn: Conn, reporter_id: str, before: datetime | None, limit: int, stage: str | None = None
) -> list[StagedReportRow]:
    """The reporter's reports, newest first, optionally of one stage (tab)."""
    rows = await conn.fetch(
        f"SELECT * FROM ({_READ} WHERE reporter_id = $1"
        " AND ($2::timestamptz IS NULL OR filed_at < $2)) mine"
        " WHERE ($4::text IS NULL OR stage = $4) ORDER BY filed_at DESC LIMIT $3",
        reporter_id,
        before,
        limit,
        stage,
    )
    return [cast(StagedReportRow, dict(r)) for r in rows]


async def reports_by_ids(conn: Conn, ids: list[UUID]) -> list[StagedReportRow]:
    rows = await conn.fetch(f"{_READ} WHERE id = ANY($1::uuid[]) ORDER BY filed_at DESC", ids)
    return [cast(StagedReportRow, dict(r)) for r in rows]


async def set_status(conn: Conn, report_id: UUID, status: str, only_from: str) -> None:
    await conn.execute(
        "UPDATE reports SET status = $2 WHERE id = $1 AND status = $3", report_id, status, only_from
    )


async def search_reports(
    conn: Conn,
    status: str | None,
    category: str | None,
    channel: str | None,
    before: datetime | None,
    limit: int,
) -> list[ReportRow]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM reports WHERE ($1::text IS NULL OR status = $1)"
        " AND ($2::text IS NULL OR category = $2) AND ($3::text IS NULL OR channel = $3)"
        " AND ($4::timestamptz IS NULL OR filed_at < $4) ORDER BY filed_at DESC LIMIT $5",
        status,
        category,
        channel,
        before,
        limit,
    )
    return [cast(ReportRow, dict(r)) for r in rows]
