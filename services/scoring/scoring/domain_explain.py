"""An explanation's summary, pure: each component of a score with its inputs (the counts, sums
and rates the score was computed from, as the grouped totals gave them) and how many facts lie
behind it; and the cursor of a page of those facts (opaque to callers: the time and key of the
last fact of the page before)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

COMPONENTS = (
    "tickets",
    "stages",
    "closed",
    "ratings",
    "confirmations",
    "surveys",
    "votes",
    "inspections",
    "overdue",
    "transfers",
    "praises",
    "rectifications",
    "recurring",
)
STAGES = ("accept", "arrive", "finish")

# The totals (keys of a score's detail.metrics) each component's facts add up to; the facts are
# as many as the sum of the `counted` ones (None: not known from the totals).
INPUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]] = {
    "tickets": (("volume",), ("volume",)),
    "stages": (("on_time",), None),
    "closed": (("closed", "passed"), ("closed",)),
    "ratings": (("ratings", "average_rating"), ("ratings",)),
    "confirmations": (
        ("confirmed", "auto_confirmed", "fix_rejected", "satisfied_rate"),
        ("confirmed", "auto_confirmed", "fix_rejected"),
    ),
    "surveys": (("survey_responses", "survey_average"), None),  # a result stands for many
    "votes": (("votes",), ("votes",)),
    "inspections": (
        ("quality_inspections", "safety_inspections"),
        ("quality_inspections", "safety_inspections"),
    ),
    "overdue": (("overdue",), ("overdue",)),
    "transfers": (("transfers",), ("transfers",)),
    "praises": (("praises",), ("praises",)),
    "rectifications": (
        ("rectifications_passed", "rectifications_failed"),
        ("rectifications_passed", "rectifications_failed"),
    ),
    "recurring": (("recurring_problems", "recurring_weight"), ("recurring_problems",)),
}


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def components(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Each component with its inputs from `metrics` (a score's detail.metrics) and its number
    of facts."""
    out = []
    for name in COMPONENTS:
        shown, counted = INPUTS[name]
        inputs = {k: metrics.get(k) for k in shown}
        facts: int | None = None
        if name == "stages":
            stages = metrics.get("on_time") or {}
            facts = sum(_count((stages.get(s) or {}).get("done")) for s in STAGES)
        elif counted is not None:
            facts = sum(_count(metrics.get(k)) for k in counted)
        out.append({"component": name, "inputs": inputs, "facts": facts})
    return out


FEW = 5000  # facts of a component a unit has all read and sorted for a page (more: in order)


def few(metrics: dict[str, Any], component: str) -> bool:
    """Whether the unit has few facts of the component, as its totals say (unknown: not few)."""
    found = next(c["facts"] for c in components(metrics) if c["component"] == component)
    return found is not None and found <= FEW


CURSOR_MAX = 1000  # characters of a cursor, at most (keys are ids: some 250 characters at most)
_KEY_MAX = 400


class CursorInvalid(ValueError):
    """Not a cursor this service made."""


def cursor(at: datetime, key: str) -> str:
    raw = json.dumps([at.isoformat(), key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def place(value: str) -> tuple[datetime, str]:
    """The (time, key) a cursor names; CursorInvalid when it names none."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        at, key = json.loads(raw.decode())
        when = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as e:
        raise CursorInvalid(str(e)) from e
    if not isinstance(key, str) or len(key) > _KEY_MAX or when.tzinfo is None:
        raise CursorInvalid("not a cursor of this list")
    return when, key
