"""What public tracking reads: a report's access hash and public facts, by tracking number."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from feedback.repository.reports import STAGE
from houqin_shared.db import Conn


async def set_access_hash(conn: Conn, report_id: UUID, access_hash: bytes) -> None:
    """Replace the report's access code (the old one stops working)."""
    await conn.execute("UPDATE reports SET access_hash = $2 WHERE id = $1", report_id, access_hash)


async def public_report(conn: Conn, tracking_no: str) -> dict[str, Any] | None:
    """The report's id, access hash and the facts anyone with its code may see."""
    row = await conn.fetchrow(
        f"SELECT reports.id, tracking_no, kind, category, s.name AS category_name, status,"
        f" filed_at, access_hash, {STAGE} AS stage"
        " FROM reports LEFT JOIN services s ON s.code = reports.category"
        " WHERE tracking_no = $1",
        tracking_no,
    )
    return dict(row) if row else None
