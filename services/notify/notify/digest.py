"""The daily digest (a Periodic of the worker): once a person's local digest time has passed,
their held low-priority items become one message per channel; later items wait for the next
day's digest. Safe with several replicas (the digest's id is unique per person, channel, day)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from markupsafe import Markup

from houqin_shared.logs import get_logger
from notify import templates
from notify.domain import Message, Preferences, release_at
from notify.names import local_date
from notify.repository import digests

log = get_logger(__name__)
DIGEST = {  # one language per reader, as every message
    "zh-CN": templates.Template(
        "每日汇总 {{ day }}（{{ items | length }} 条）",
        "{% for i in items %}- {{ i.subject }}\n{% endfor %}",
    ),
    "en": templates.Template(
        "Daily digest, {{ day }} ({{ items | length }})",
        "{% for i in items %}- {{ i.subject }}\n{% endfor %}",
    ),
}


def due_day(now: datetime, timezone: str, digest_at: time) -> date | None:
    """The local day whose digest is due at `now`, or None before the digest time."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() if local.time() >= digest_at else None


def digest_message(
    recipient: str,
    channel: str,
    day: date,
    items: list[dict[str, Any]],
    when: datetime,
    lang: str = "zh-CN",
) -> Message:
    # The items' subjects were rendered (and escaped) already: not escaped a second time.
    safe = [{**i, "subject": Markup(i["subject"])} for i in items]  # noqa: S704
    template = DIGEST.get(lang, DIGEST["zh-CN"])
    subject, body = templates.render(template, {"day": local_date(day, lang), "items": safe})
    return Message(
        recipient=recipient,
        channel=channel,
        subject=subject,
        body=body,
        tracking_no=None,
        kind="digest",
        priority="low",
        status="pending",
        next_attempt_at=when,
        address=items[-1]["address"],
        # A digest holding news of a report is to its reporter: the log does not name them.
        to_reporter=any(i.get("to_reporter") for i in items),
    )


async def run_digests(pool: asyncpg.Pool, now: datetime | None = None) -> int:
    """Make the digests that are due; returns how many were made."""
    now = now or datetime.now(UTC)
    made = 0
    async with pool.acquire() as conn:
        groups = await digests.waiting(conn)
    for g in groups:
        day = due_day(now, g["timezone"], g["digest_at"])
        if day is None:
            continue
        event_id = f"digest:{day.isoformat()}"
        prefs = Preferences(
            quiet_start=g["quiet_start"], quiet_end=g["quiet_end"], timezone=g["timezone"]
        )
        try:
            async with pool.acquire() as conn, conn.transaction():
                if await digests.exists(conn, event_id, g["recipient"], g["channel"]):
                    continue  # today's digest went out; these wait for tomorrow's
                items = await digests.take(conn, g["recipient"], g["channel"])
                if not items:
                    continue
                when = release_at(now, prefs, "low")
                m = digest_message(g["recipient"], g["channel"], day, items, when, g["lang"])
                if not await digests.add(conn, event_id, m):
                    raise _Raced()
                made += 1
        except _Raced:
            continue  # another replica made it at the same moment; ours rolled back
    if made:
        log.info("digests_made", count=made)
    return made


class _Raced(Exception):
    pass


async def digest_round(pool: asyncpg.Pool) -> None:
    """The worker's Periodic."""
    await run_digests(pool)
