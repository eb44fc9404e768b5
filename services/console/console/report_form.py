"""The filing form as data: what was typed, checked before anything is sent, and the body the
feedback API takes. No I/O, so a failed submission can always render it again, filled in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, fields
from typing import Any

KINDS = ("repair", "complaint", "suggestion", "praise", "consultation")
URGENCIES = ("low", "normal", "urgent", "emergency")
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FLOOR = re.compile(r"^[A-Za-z0-9-]{1,16}$")
ROOM = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_PHOTOS = 6


@dataclass
class ReportForm:
    kind: str = "repair"
    category: str = ""
    urgency: str = "normal"
    building: str = ""
    floor: str = ""
    room: str = ""
    place: str = ""
    description: str = ""
    anonymous: bool = False
    contact: str = ""
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    photo_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> ReportForm:
        """From query or form values; anything unknown or malformed is left out, not trusted."""
        form = cls()
        for f in fields(cls):
            raw = values.get(f.name)
            if f.name == "anonymous":
                form.anonymous = raw in ("on", "true", "1", True)
            elif f.name == "photo_ids":
                ids = raw if isinstance(raw, list) else []
                form.photo_ids = [i for i in ids if _is_uuid(i)][:MAX_PHOTOS]
            elif isinstance(raw, str):
                setattr(form, f.name, raw.strip()[:4000])
        other = values.get("room_other")
        if isinstance(other, str) and other.strip():  # a room typed because it is not listed
            form.room = other.strip()[:4000]
        if form.kind not in KINDS:
            form.kind = "repair"
        if form.urgency not in URGENCIES:
            form.urgency = "normal"
        if not re.fullmatch(r"[0-9a-f]{32}", form.key):
            form.key = uuid.uuid4().hex
        return form

    def problems(self) -> dict[str, str]:
        """Field names with what is wrong (the words come from console.errors)."""
        out: dict[str, str] = {}
        if not CODE.match(self.category):
            out["category"] = "category"
        if not (self.building or self.place):
            out["building"] = "building"
        if self.building and not CODE.match(self.building):
            out["building"] = "building"
        if self.floor and not FLOOR.match(self.floor):
            out["floor"] = "floor"
        if self.room and not ROOM.match(self.room):
            out["room"] = "room"
        if len(self.place) > 200:
            out["text"] = "text"
        if not 1 <= len(self.description) <= 4000:
            out["description"] = "description"
        if len(self.contact) > 200:
            out["contact"] = "contact"
        return out

    def body(self, photo_ids: list[str]) -> dict[str, Any]:
        """The JSON the feedback API takes (POST /v1/reports)."""
        location: dict[str, Any] = {}
        if self.building:
            location["building"] = self.building
            if self.floor:
                location["floor"] = self.floor
            if self.room:
                location["room"] = self.room
        if self.place:
            location["text"] = self.place
        body: dict[str, Any] = {
            "kind": self.kind,
            "category": self.category,
            "channel": "web",
            "urgency": self.urgency,
            "location": location,
            "description": self.description,
            "anonymous": self.anonymous,
            "photo_ids": photo_ids,
        }
        if self.contact:
            body["contact"] = self.contact
        return body


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
