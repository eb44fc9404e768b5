"""Running totals per campaign (`unit_totals`): the rows of the grouped queries of `sql.TOTALS`
(counts and sums per department, team and person combination), kept by the event handlers and
rebuilt from the facts by a full recompute.

Concurrency. Each handler holds a shared advisory lock on the totals and an exclusive one on the
ids of the facts it changes (its scope) from before it reads the scope's totals until its
transaction ends, so two events about the same ticket never both count the same change; a
rebuild takes the totals lock exclusively, so no handler's delta is lost or counted twice
across a rebuild. Callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from scoring.repository import sql

Key = tuple[str | None, str | None, str | None]  # (dept, team, staff) as the queries give them
Totals = dict[Key, dict[str, Any]]  # per key: column -> int or Decimal

# Advisory lock keys: (class, key) pairs, the class naming the scoring service's totals.
_LOCK_CLASS = "scoring-totals"


@dataclass
class Scope:
    """The ids of the facts one event can change, per kind (see `sql.SCOPES`)."""

    tickets: set[UUID] = field(default_factory=set)
    reports: set[UUID] = field(default_factory=set)
    surveys: set[UUID] = field(default_factory=set)
    votes: set[UUID] = field(default_factory=set)
    inspections: set[UUID] = field(default_factory=set)
    overdue: set[UUID] = field(default_factory=set)
    transfers: set[UUID] = field(default_factory=set)
    praises: set[UUID] = field(default_factory=set)
    rectifications: set[UUID] = field(default_factory=set)
    recurring: set[UUID] = field(default_factory=set)

    def ids(self, kind: str) -> list[UUID]:
        return sorted(getattr(self, kind))

    def lock_keys(self) -> list[str]:
        return sorted(f"{kind}/{i}" for kind in KINDS for i in getattr(self, kind))

    def empty(self) -> bool:
        return not any(getattr(self, kind) for kind in KINDS)


KINDS = (
    "tickets", "reports", "surveys", "votes", "inspections", "overdue", "transfers", "praises",
    "rectifications", "recurring",
)  # fmt: skip


async def lock_shared(conn: Conn) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", _LOCK_CLASS)


async def lock_exclusive(conn: Conn) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", _LOCK_CLASS)


async def lock_scope(conn: Conn, scope: Scope) -> None:
    """Exclusive locks on the scope's ids, in one order (so two handlers never deadlock)."""
    keys = scope.lock_keys()
    if keys:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || k, 0))"
            " FROM unnest($2::text[]) AS k",
            _LOCK_CLASS,
            keys,
        )


async def widen_ticket_scope(conn: Conn, scope: Scope) -> None:
    """Add the other tickets of the scope's reports and the reports of its tickets: a rating or
    confirmation that names only its report counts for the ticket of that report."""
    if not scope.tickets and not scope.reports:
        return
    rows = await conn.fetch(
        "SELECT ticket_id, report_id FROM ticket_facts"
        " WHERE ticket_id = ANY($1::uuid[]) OR report_id = ANY($2::uuid[])",
        scope.ids("tickets"),
        scope.ids("reports"),
    )
    for r in rows:
        scope.tickets.add(r["ticket_id"])
        if r["report_id"] is not None:
            scope.reports.add(r["report_id"])


# Totals are built for one version of the campaign (its period): an edit changes `updated_at`.
_BUILT = (
    "FROM campaigns c JOIN unit_totals_built b"
    " ON b.campaign_id = c.id AND b.campaign_updated_at = c.updated_at"
)


async def built_campaigns(conn: Conn) -> list[dict[str, Any]]:
    """Unpublished campaigns whose running totals are kept (built for the campaign as it is
    now, and not invalidated since)."""
    rows = await conn.fetch(
        f"SELECT c.id, c.period_start, c.period_end, c.timezone {_BUILT}"
        " WHERE c.published_at IS NULL ORDER BY c.id"
    )
    return [dict(r) for r in rows]


async def is_built(conn: Conn, campaign_id: UUID) -> bool:
    return bool(
        await conn.fetchval(f"SELECT EXISTS (SELECT 1 {_BUILT} WHERE c.id = $1)", campaign_id)
    )


async def invalidate(conn: Conn, campaign_id: UUID | None = None) -> None:
    """Totals of this campaign (None: of every campaign) must be rebuilt before use: its period
    or the directory (which unit a team's facts roll up to) changed."""
    await conn.execute(
        "DELETE FROM unit_totals_built WHERE $1::uuid IS NULL OR campaign_id = $1", campaign_id
    )


def _add_rows(out: Totals, rows: list[Any], sign: int = 1) -> None:
    for r in rows:
        row = dict(r)
        key = (row.pop("dept"), row.pop("team"), row.pop("staff"))
        target = out.setdefault(key, {})
        for column, value in row.items():
            if value is None:
                continue
            target[column] = target.get(column, 0) + sign * value


async def from_facts(
    conn: Conn,
    start: datetime,
    end: datetime,
    campaign_id: UUID | None,
    scope: Scope | None = None,
    sign: int = 1,
    into: Totals | None = None,
) -> Totals:
    """The totals of the period's facts (only the scope's facts when given), summed per key,
    times `sign`, added into `into`. Survey answers and votes that name a campaign count for
    `campaign_id` (None: for none, only by their date)."""
    out: Totals = {} if into is None else into
    if scope is None:
        # In the caller's transaction only: JIT compiling costs more than these scans gain,
        # and a larger work_mem keeps the join of a month's ratings to its tickets in memory.
        await conn.execute("SET LOCAL jit = off")
        await conn.execute("SET LOCAL work_mem = '64MB'")
    for component in sql.TOTALS:
        args: list[Any] = [start, end] + ([campaign_id] if sql.uses_campaign(component) else [])
        if scope is None:
            query = sql.totals(component)
        else:
            ids = [scope.ids(kind) for kind, _ in sql.SCOPES[component]]
            if not any(ids):
                continue
            query, args = sql.scoped_totals(component), args + ids
        _add_rows(out, await conn.fetch(query, *args), sign)
    return out


def nonzero(totals: Totals) -> Totals:
    """The keys and columns that are not zero (what a comparison of totals should look at)."""
    out: Totals = {}
    for key, columns in totals.items():
        kept = {c: v for c, v in columns.items() if v != 0}
        if kept:
            out[key] = kept
    return out


_COLUMNS = ", ".join(sql.TOTAL_COLUMNS)
_NUMERIC = {"survey_points", "inspection_points"}


def _row_values(columns: dict[str, Any]) -> list[Any]:
    return [
        Decimal(columns.get(c, 0)) if c in _NUMERIC else int(columns.get(c, 0))
        for c in sql.TOTAL_COLUMNS
    ]


async def add(conn: Conn, campaign_id: UUID, delta: Totals) -> None:
    """Add a difference to the campaign's running totals (rows that reach zero are kept)."""
    changes = nonzero(delta)
    if not changes:
        return
    n = len(sql.TOTAL_COLUMNS)
    await conn.executemany(
        f"INSERT INTO unit_totals (campaign_id, dept, team, staff, {_COLUMNS})"
        f" VALUES ($1, $2, $3, $4, {', '.join(f'${i}' for i in range(5, n + 5))})"
        " ON CONFLICT ON CONSTRAINT unit_totals_key DO UPDATE SET "
        + ", ".join(f"{c} = unit_totals.{c} + EXCLUDED.{c}" for c in sql.TOTAL_COLUMNS),
        [(campaign_id, *key, *_row_values(columns)) for key, columns in changes.items()],
    )


async def replace(conn: Conn, campaign: dict[str, Any], totals: Totals, at: datetime) -> None:
    """Replace the campaign's running totals (a rebuild) and mark them built for the campaign
    as read (`updated_at`), so an edit committed meanwhile makes them stale again."""
    await conn.execute("DELETE FROM unit_totals WHERE campaign_id = $1", campaign["id"])
    await add(conn, campaign["id"], totals)
    await conn.execute(
        "INSERT INTO unit_totals_built (campaign_id, campaign_updated_at, built_at)"
        " VALUES ($1, $2, $3) ON CONFLICT (campaign_id) DO UPDATE SET"
        " campaign_updated_at = EXCLUDED.campaign_updated_at, built_at = EXCLUDED.built_at",
        campaign["id"],
        campaign["updated_at"],
        at,
    )


async def load(conn: Conn, campaign_id: UUID) -> Totals:
    rows = await conn.fetch(
        f"SELECT dept, team, staff, {_COLUMNS} FROM unit_totals WHERE campaign_id = $1",
        campaign_id,
    )
    out: Totals = {}
    _add_rows(out, rows)
    return out


def _per_unit(unit_type: str, column: str) -> str:
    sums = ", ".join(
        f"sum({c}){'' if c in _NUMERIC else '::bigint'} AS {c}" for c in sql.TOTAL_COLUMNS
    )
    return (
        f"SELECT '{unit_type}' AS unit_type, {column} AS unit_id, {sums} FROM u"
        f" WHERE {column} IS NOT NULL GROUP BY {column}"
    )


# The kept totals added up per unit in the database (what `scores.roll_up` does in Python):
# a combination counts for its department (its team's when it names none), team and person.
_LOAD_UNITS = (
    f"WITH u AS (SELECT COALESCE(t.dept, tm.department_id) AS dept, t.team, t.staff, {_COLUMNS}"
    " FROM unit_totals t LEFT JOIN teams tm ON t.dept IS NULL AND tm.id = t.team"
    " WHERE t.campaign_id = $1) "
    + " UNION ALL ".join(
        _per_unit(unit_type, column) for unit_type, column in sql.UNIT_COLUMN.items()
    )
)


async def load_units(conn: Conn, campaign_id: UUID) -> list[tuple[str, str, dict[str, Any]]]:
    """The campaign's kept totals per unit: (unit_type, unit_id, column -> total) rows."""
    out = []
    for r in await conn.fetch(_LOAD_UNITS, campaign_id):
        row = dict(r)
        out.append((row.pop("unit_type"), row.pop("unit_id"), row))
    return out


async def built_at(conn: Conn, campaign_id: UUID) -> datetime | None:
    value = await conn.fetchval(
        "SELECT built_at FROM unit_totals_built WHERE campaign_id = $1", campaign_id
    )
    return value if isinstance(value, datetime) else None
