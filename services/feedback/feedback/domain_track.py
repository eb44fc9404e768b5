"""Public progress tracking (查询进度) for people without a campus account: the access code given
once at intake, how it is kept (a hash only) and checked, and what the public may see. No I/O."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from houqin_shared.strict import TrimmedModel

# No 0/O, 1/I/L: read out over the phone and typed from a slip of paper without mistakes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
TRACKING_NO = r"^FK[0-9]{8}-[0-9]{4,}$"
_DUMMY_ID = uuid.UUID(int=0)

Stage = Literal["received", "in_progress", "to_confirm", "done"]
STAGES: tuple[Stage, ...] = ("received", "in_progress", "to_confirm", "done")


def new_code() -> str:
    """A fresh access code, e.g. 7KQ4MZ2P (31^8, about 8.5e11 possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    """What a person typed, as the code was printed: case, spaces and dashes do not matter."""
    return code.upper().replace(" ", "").replace("-", "")


def code_hash(report_id: uuid.UUID, code: str) -> bytes:
    """What is stored instead of the code: salted by the report's (random) id."""
    return hashlib.sha256(report_id.bytes + normalise(code).encode()).digest()


def matches(stored: bytes | None, report_id: uuid.UUID | None, code: str) -> bool:
    """Whether `code` opens this report, in constant time; an unknown report (None) costs the
    same hash and comparison as a known one, so timing does not tell them apart."""
    candidate = code_hash(report_id or _DUMMY_ID, code)
    expected = stored if stored is not None else bytes(32)
    same = hmac.compare_digest(candidate, expected)
    return same and stored is not None and report_id is not None


class TrackIn(TrimmedModel):
    """A tracking number and the access code printed with it."""

    tracking_no: str = Field(
        min_length=1, max_length=32, pattern=TRACKING_NO, examples=["FK20261204-0042"]
    )
    code: str = Field(
        min_length=1,
        max_length=16,
        pattern=r"^[A-Za-z0-9 -]+$",
        description="The access code given when the report was filed (case, spaces and dashes"
        " do not matter).",
        examples=["7KQ4MZ2P"],
    )


class TrackStep(BaseModel):
    """One step of the report's progress: what happened and when, nothing else."""

    kind: str
    status: str | None = None
    at: datetime


class TrackOut(BaseModel):
    """What anyone with the number and code may see: no names, contact, place or text."""

    tracking_no: str
    kind: str
    category: str
    category_name: str | None = None
    status: str
    stage: Stage
    filed_at: datetime
    steps: list[TrackStep]


# Timeline kinds the public sees, as kind and time only (never their notes): the report's own
# steps, not photos added or "me too" counts.
PUBLIC_STEPS: frozenset[str] = frozenset(
    {
        "ticket_opened",
        "assigned",
        "status",
        "transfer_requested",
        "transfer_accepted",
        "transfer_rejected",
        "confirmed",
        "rejected",
        "auto_confirmed",
        "answered_on_spot",
        "praise_thanked",
        "reporter_answer",
        "linked",
    }
)
