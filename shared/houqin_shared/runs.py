"""How a consumer batch is cut into runs for batch handlers. No I/O.

Kafka orders events only within one key (one aggregate), so a handler may rely on the order of
one key's events and on nothing else. Inside a batch, an event therefore joins the latest run of
its type if that run comes after every earlier event of its own key; otherwise it starts a new
run. A batch where a ticket's TicketOpened and TicketAssigned alternate with other tickets' then
takes two runs instead of one per event, with each ticket's events still in their order.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def group_runs(
    items: Sequence[T],
    kinds: Sequence[Hashable],
    keys: Sequence[Hashable | None],
    batchable: Collection[Hashable],
) -> list[list[T]]:
    """`items` cut into runs, in an order that keeps each key's items in their order. Items of a
    kind in `batchable` gather into runs of their kind; others run alone. An item without a key
    is a barrier: nothing after it moves before it."""
    runs: list[list[T]] = []
    latest_of_kind: dict[Hashable, int] = {}
    last_of_key: dict[Hashable, int] = {}
    floor = 0  # no item may join a run before this one (the last barrier's)
    for item, kind, key in zip(items, kinds, keys, strict=True):
        at = latest_of_kind.get(kind, -1) if kind in batchable else -1
        if key is None or at < max(floor, last_of_key.get(key, -1)):
            runs.append([item])
            at = len(runs) - 1
            if kind in batchable:
                latest_of_kind[kind] = at
        else:
            runs[at].append(item)
        if key is None:
            floor = at + 1
        else:
            last_of_key[key] = at
    return runs


def distinct_chunks(items: Sequence[T], keys: Sequence[Hashable]) -> list[list[T]]:
    """`items` in order, cut where a key would repeat: each piece holds a key at most once (for
    one set-based statement per piece, such as an UPDATE ... FROM, which changes a row once)."""
    chunks: list[list[T]] = []
    seen: set[Hashable] = set()
    for item, key in zip(items, keys, strict=True):
        if not chunks or key in seen:
            chunks.append([])
            seen = set()
        chunks[-1].append(item)
        seen.add(key)
    return chunks
