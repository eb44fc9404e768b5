"""Server-side sessions: the browser holds only a random id in an HttpOnly cookie.

A session carries its CSRF token, the sign-in in progress (state, PKCE verifier, nonce, where to
go next) and, once signed in, the person and their tokens. The store is bounded: past
`max_sessions` the least recently used session goes, and one idle for `idle_s` is forgotten.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "houqin_session"


@dataclass(frozen=True)
class User:
    subject: str
    name: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


@dataclass
class Tokens:
    access: str
    expires_at: float
    refresh: str | None = None
    id_token: str | None = None


@dataclass(frozen=True)
class PendingLogin:
    state: str
    verifier: str
    nonce: str
    next_path: str
    started_at: float


@dataclass
class Session:
    id: str
    csrf: str
    last_seen: float
    user: User | None = None
    tokens: Tokens | None = None
    login: PendingLogin | None = None
    # Reports filed in this session: id -> the access code the API gave (shown once more).
    filed: dict[str, str] = field(default_factory=dict)
    # Photos uploaded for a form (by its idempotency key), so a second click reuses them.
    uploads: dict[str, list[str]] = field(default_factory=dict)
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)

    def remember_upload(self, key: str, photo_ids: list[str]) -> None:
        self.uploads[key] = photo_ids
        while len(self.uploads) > 20:
            del self.uploads[next(iter(self.uploads))]

    def remember_filed(self, report_id: str, access_code: str | None) -> None:
        if access_code:
            self.filed[report_id] = access_code
            while len(self.filed) > 20:
                del self.filed[next(iter(self.filed))]


def new_id() -> str:
    return secrets.token_urlsafe(32)


class SessionStore:
    def __init__(
        self, max_sessions: int, idle_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_sessions = max_sessions
        self.idle_s = idle_s
        self.clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def has(self, session_id: str) -> bool:
        return session_id in self._sessions

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        now = self.clock()
        if session is None:
            return None
        if now - session.last_seen > self.idle_s:
            del self._sessions[session_id]
            return None
        session.last_seen = now
        self._sessions.move_to_end(session_id)
        return session

    def create(self) -> Session:
        session = Session(id=new_id(), csrf=secrets.token_urlsafe(32), last_seen=self.clock())
        self._put(session)
        return session

    def renew(self, session: Session) -> Session:
        """The same session under a new id and CSRF token (after sign-in: no session fixation)."""
        self._sessions.pop(session.id, None)
        session.id = new_id()
        session.csrf = secrets.token_urlsafe(32)
        session.last_seen = self.clock()
        self._put(session)
        return session

    def drop(self, session: Session) -> None:
        self._sessions.pop(session.id, None)

    def _put(self, session: Session) -> None:
        while len(self._sessions) >= self.max_sessions:
            self._sessions.popitem(last=False)
        self._sessions[session.id] = session
