"""The service catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from houqin_shared.db import Conn, get_row

COLUMNS = (
    "code, name, description, standard, fee, limits, calendar, service_phone, complaint_phone, "
    "department_id, active, public, name_en, reply_minutes, escalation, version, updated_at, "
    "description_en, standard_en, fee_en"
)


async def get_service(conn: Conn, code: str, *, for_update: bool = False) -> dict[str, Any] | None:
    return await get_row(conn, "services", COLUMNS, "code", code, lock=for_update)


async def list_services(conn: Conn, include_inactive: bool) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM services WHERE active OR $1 ORDER BY department_id, code",
        include_inactive,
    )
    return [dict(r) for r in rows]


async def is_active_category(conn: Conn, code: str) -> bool:
    return bool(await conn.fetchval("SELECT active FROM services WHERE code = $1", code))


async def upsert_service(
    conn: Conn, code: str, entry: dict[str, Any], by: str, at: datetime
) -> dict[str, Any]:
    """Insert or replace `code`, version 1 or one more than before; returns the stored row."""
    row = await conn.fetchrow(
        "INSERT INTO services (code, name, description, standard, fee, limits, calendar,"
        " service_phone, complaint_phone, department_id, active, version, updated_at, updated_by,"
        " public, name_en, reply_minutes, escalation, description_en, standard_en, fee_en)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1,$12,$13,$14,$15,$16,$17,$18,$19,$20)"
        " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name,"
        " description = EXCLUDED.description, standard = EXCLUDED.standard, fee = EXCLUDED.fee,"
        " limits = EXCLUDED.limits, calendar = EXCLUDED.calendar,"
        " service_phone = EXCLUDED.service_phone, complaint_phone = EXCLUDED.complaint_phone,"
        " department_id = EXCLUDED.department_id, active = EXCLUDED.active,"
        " public = EXCLUDED.public, name_en = EXCLUDED.name_en,"
        " reply_minutes = EXCLUDED.reply_minutes, escalation = EXCLUDED.escalation,"
        " description_en = EXCLUDED.description_en, standard_en = EXCLUDED.standard_en,"
        " fee_en = EXCLUDED.fee_en,"
        " version = services.version + 1, updated_at = EXCLUDED.updated_at,"
        f" updated_by = EXCLUDED.updated_by RETURNING {COLUMNS}",
        code,
        entry["name"],
        entry["description"],
        entry["standard"],
        entry["fee"],
        entry["limits"],
        entry["calendar"],
        entry["service_phone"],
        entry["complaint_phone"],
        entry["department_id"],
        entry["active"],
        at,
        by,
        entry["public"],
        entry["name_en"],
        entry.get("reply_minutes"),
        entry.get("escalation"),
        entry.get("description_en"),
        entry.get("standard_en"),
        entry.get("fee_en"),
    )
    assert row is not None
    return dict(row)
