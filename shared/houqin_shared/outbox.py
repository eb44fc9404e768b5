"""The transactional outbox: an event is stored in the same transaction as the change it reports.

`add` must be called on the connection of the transaction that makes the change. It takes a
transaction-scoped advisory lock on the event's key, so two transactions writing events for the
same aggregate commit in the order of their outbox ids; the relay publishes in id order, hence
in commit order per key, without any global lock or NOTIFY on the commit path.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable

from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import correlation_id

# Events serialised and inserted per statement: a large batch (a recompute's thousands of scores)
# goes in several, so no single step holds the event loop for long.
CHUNK = 500

_INSERT = """
INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
SELECT * FROM unnest(${0}::uuid[], ${1}::text[], ${2}::text[], ${3}::text[], ${4}::text[]::jsonb[],
                     ${5}::bytea[])
"""

_INSERT_ONE = """
INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
SELECT ${0}::uuid, ${1}::text, ${2}::text, ${3}::text, ${4}::text::jsonb, ${5}::bytea
"""


async def add(conn: Conn, *events: Event | Envelope, new_aggregate: bool = False) -> list[Envelope]:
    """Store events in the caller's transaction; return their envelopes (with ids).

    `new_aggregate=True` when the events are the first of an aggregate this very transaction
    creates (a new report's ComplaintFiled): nobody else can be writing events under that key
    before it commits, so the key lock (a round trip) is skipped."""
    if not conn.is_in_transaction():
        raise RuntimeError("outbox.add must run inside the transaction that makes the change")
    envs: list[Envelope] = []
    for start in range(0, len(events), CHUNK):
        if start:
            await asyncio.sleep(0)  # a large batch lets the event loop run between chunks
        envs += envelopes(*events[start : start + CHUNK])
    if not new_aggregate:
        await lock_keys(conn, (e.data.key() for e in envs))
    for start in range(0, len(envs), CHUNK):
        sql, args = insert(envs[start : start + CHUNK], 1)
        await conn.execute(sql, *args)
    return envs


def envelopes(*events: Event | Envelope) -> list[Envelope]:
    """Envelopes for events, under the current correlation id."""
    return [
        e if isinstance(e, Envelope) else Envelope(e, correlation_id=correlation_id())
        for e in events
    ]


def insert(envs: list[Envelope], first: int, when: str = "") -> tuple[str, list[object]]:
    """The outbox INSERT of `envs`, its parameters numbered from $first, inserting only `when`
    that SQL condition holds: for a repository to run as a CTE of the very statement that
    creates a new aggregate (one statement is one transaction, so the change and its events
    need no BEGIN and COMMIT round trips, and no key lock: see `add`)."""
    columns: list[list[object]] = [
        [e.id for e in envs],
        [e.data.topic for e in envs],
        [e.data.key() for e in envs],
        [e.type for e in envs],
        [json.dumps(e.headers()) for e in envs],  # text, so no codec is needed
        [e.value() for e in envs],
    ]
    where = f" WHERE {when}" if when else ""
    if len(envs) == 1:  # one event (a new report's): plain parameters, no arrays to build
        return _INSERT_ONE.format(*range(first, first + 6)) + where, [c[0] for c in columns]
    return _INSERT.format(*range(first, first + 6)) + where, list(columns)


_LOCK = """
SELECT pg_advisory_xact_lock(h)
FROM (SELECT DISTINCT hashtextextended(current_schema() || '/' || k, 7) AS h
      FROM unnest($1::text[]) AS k ORDER BY 1) AS s
"""


async def lock_keys(conn: Conn, keys: Iterable[str]) -> None:
    """Serialise transactions per aggregate key; locks are taken in one fixed order (no deadlock
    between two callers that lock several keys)."""
    await conn.execute(_LOCK, list(keys))
