"""Path and query parameters the routes of every service share (FastAPI's `Path`, `Query`).

Kept apart from houqin_shared.params, whose types are pure, so that a rule module never reaches
a web framework through them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from houqin_shared.params import MAX_ID, PLAIN

# A row id in a path.
SerialId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive id.")]
# A name or user id in a path (a person, a template, a channel, a member of staff).
PathName = Annotated[str, Path(min_length=1, max_length=64, pattern=PLAIN)]
# An optional code filter in a query (a team, a department, a status): lower-case letters,
# digits, _ and -, so a NUL or a stray character is a 422 rather than a database error.
CodeFilter = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
