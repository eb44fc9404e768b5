"""Praises credited (tickets.praises): one row per report."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn

_COLUMNS = "report_id, tracking_no, category, department_id, team_id, staff_id, received_at"


async def record(conn: Conn, rows: list[dict[str, Any]]) -> set[UUID]:
    """Insert the praises not recorded yet (one statement); returns the report ids inserted."""
    if not rows:
        return set()
    found = await conn.fetch(
        f"INSERT INTO praises ({_COLUMNS}) SELECT {_COLUMNS}"
        " FROM jsonb_populate_recordset(NULL::praises, $1::text::jsonb)"
        " ON CONFLICT (report_id) DO NOTHING RETURNING report_id",
        json.dumps(rows),
    )
    return {r["report_id"] for r in found}
