"""SQL building shared by the tickets repositories."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from houqin_shared.db import Conn


async def update_by_id(
    conn: Conn, table: str, row_id: UUID, fields: dict[str, Any], allowed: frozenset[str] | set[str]
) -> None:
    """`UPDATE table SET <fields> WHERE id = row_id`, only for whitelisted column names (the
    names become SQL; the values are always parameters)."""
    bad = set(fields) - set(allowed)
    if bad:
        raise ValueError(f"not updatable: {sorted(bad)}")
    names = list(fields)
    sets = ", ".join(f"{n} = ${i + 2}" for i, n in enumerate(names))
    await conn.execute(
        f"UPDATE {table} SET {sets} WHERE id = $1", row_id, *(fields[n] for n in names)
    )
