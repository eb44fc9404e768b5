"""Renders shared by the open pages that show the same version of a queue (issue 16).

A hundred phones open on one worker's queue (or on one team's tab) poll every second; when the
queue changes, each of them used to render the same cards again. Here a render is kept under
what it is a render of: the kind of queue, the language, how many cards it shows and the
queue's version (tickets' ETag: a digest of every matching ticket's id and row version). The
same version is the same tickets as tickets' API gives them, so the same HTML, whoever asks;
who may see it is still decided by tickets, which answers 304 (the version held is current) or
the cards only to a caller who may read that queue.

Each viewer (a person, a kind, a language, a length) also remembers the last render they were
given, so a poll can name it to tickets beside the version its page shows: one indexed query
then tells which of the two is current, and a poll whose page is behind gets the shared render
without tickets reading the cards again.

Bounded (least recently used out) and short-lived (`ttl_s`): a render also holds what tickets'
version does not cover (assignees' and categories' names, and the countdowns' words as of when
it was made, which the page's script keeps ticking)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

Key = tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    version: str
    html: str
    about: dict[str, str] = field(default_factory=dict)  # ticket id: what it is, where
    at: float = 0.0


class RenderCache:
    def __init__(
        self, size: int = 256, ttl_s: float = 15.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size, self.ttl_s, self.clock = size, ttl_s, clock
        self._renders: OrderedDict[Key, Rendered] = OrderedDict()
        self._viewers: OrderedDict[Key, Key] = OrderedDict()

    def _fresh(self, key: Key) -> Rendered | None:
        found = self._renders.get(key)
        if found is None:
            return None
        if self.clock() - found.at > self.ttl_s:
            del self._renders[key]
            return None
        self._renders.move_to_end(key)
        return found

    def held(self, viewer: Key) -> Rendered | None:
        """The last render this viewer was given, while it is fresh."""
        key = self._viewers.get(viewer)
        return self._fresh(key) if key is not None else None

    def find(self, kind: Key, version: str) -> Rendered | None:
        """A fresh render of this kind of queue at this version, made for anyone."""
        return self._fresh((*kind, version))

    def put(self, viewer: Key, kind: Key, rendered: Rendered) -> Rendered:
        key = (*kind, rendered.version)
        if key not in self._renders:
            rendered = Rendered(rendered.version, rendered.html, rendered.about, self.clock())
            self._renders[key] = rendered
        self._renders.move_to_end(key)
        self._viewers[viewer] = key
        self._viewers.move_to_end(viewer)
        for kept in (self._renders, self._viewers):
            while len(kept) > self.size:
                kept.popitem(last=False)
        return self._renders[key]
