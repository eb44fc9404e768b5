"""Photo records (the bytes live in the photo store)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def insert_photo(conn: Conn, row: dict[str, Any]) -> None:
    """Insert a photo record, unattached or (with `report_id`) already on its report."""
    await conn.execute(
        "INSERT INTO photos (id, uploaded_by, content_type, size, storage_key, uploaded_at,"
        " report_id) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        row["id"],
        row["uploaded_by"],
        row["content_type"],
        row["size"],
        row["storage_key"],
        row["uploaded_at"],
        row.get("report_id"),
    )


async def attach(conn: Conn, photo_ids: list[UUID], uploader: str, report_id: UUID) -> int:
    """Attach the uploader's unattached photos to the report; returns how many were."""
    rows = await conn.fetch(
        "UPDATE photos SET report_id = $3 WHERE id = ANY($1::uuid[]) AND uploaded_by = $2"
        " AND report_id IS NULL RETURNING id",
        photo_ids,
        uploader,
        report_id,
    )
    return len(rows)


async def get_photo(conn: Conn, photo_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT id, uploaded_by, report_id, content_type, size, storage_key FROM photos"
        " WHERE id = $1",
        photo_id,
    )
    return dict(row) if row else None


async def photos_of(conn: Conn, report_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT id FROM photos WHERE report_id = $1 ORDER BY uploaded_at, id", report_id
    )
    return [r["id"] for r in rows]


async def count_of(conn: Conn, report_id: UUID) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM photos WHERE report_id = $1", report_id))


async def attached_photo(conn: Conn, photo_id: UUID) -> dict[str, Any] | None:
    """A photo that is on a report (never an unattached upload), for public links."""
    row = await conn.fetchrow(
        "SELECT id, content_type, storage_key FROM photos WHERE id = $1 AND report_id IS NOT NULL",
        photo_id,
    )
    return dict(row) if row else None


async def hold_uploads_of(conn: Conn, uploader: str) -> None:
    """Serialise one uploader's quota checks until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('photos:' || $1))", uploader)


async def unattached_of(conn: Conn, uploader: str) -> tuple[int, int]:
    """How many unattached uploads the uploader holds, and their bytes."""
    row = await conn.fetchrow(
        "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM photos"
        " WHERE uploaded_by = $1 AND report_id IS NULL",
        uploader,
    )
    assert row is not None
    return int(row["n"]), int(row["bytes"])


async def delete_unattached_before(conn: Conn, before: datetime, limit: int) -> list[str]:
    """Delete up to `limit` uploads still unattached that were made before `before` (a filing
    that attaches one at the same moment wins: the row is then no longer unattached); returns
    their storage keys."""
    rows = await conn.fetch(
        "DELETE FROM photos WHERE id IN (SELECT id FROM photos WHERE report_id IS NULL"
        " AND uploaded_at < $1 ORDER BY uploaded_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " AND report_id IS NULL RETURNING storage_key",
        before,
        limit,
    )
    return [r["storage_key"] for r in rows]


async def known_keys(conn: Conn, keys: list[str]) -> set[str]:
    """Which of these storage keys belong to a photo."""
    rows = await conn.fetch(
        "SELECT storage_key FROM photos WHERE storage_key = ANY($1::text[])", keys
    )
    return {r["storage_key"] for r in rows}


async def photos_by_purpose(conn: Conn, report_id: UUID) -> tuple[list[UUID], list[UUID]]:
    """The report's own photos and the photos of the finished work, oldest first."""
    rows = await conn.fetch(
        "SELECT id, completion FROM photos WHERE report_id = $1 ORDER BY uploaded_at, id",
        report_id,
    )
    return [r["id"] for r in rows if not r["completion"]], [
        r["id"] for r in rows if r["completion"]
    ]


async def mark_completion(conn: Conn, photo_id: UUID) -> None:
    await conn.execute("UPDATE photos SET completion = true WHERE id = $1", photo_id)
