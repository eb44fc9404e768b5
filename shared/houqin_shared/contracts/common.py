"""Value types shared by several contracts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ReportKind = Literal["repair", "complaint", "suggestion", "praise", "consultation"]
Channel = Literal[
    "web", "wechat", "hotline", "suggestion_box", "reception_day", "inspection", "external"
]
Urgency = Literal["low", "normal", "urgent", "emergency"]
UnitType = Literal["department", "team", "staff"]


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):  # JSON true/false is no number, though Python says it is
        raise ValueError("a coordinate is a number, not true or false")
    return value


Coordinate = Annotated[float | None, BeforeValidator(_not_a_boolean)]


class Location(BaseModel):
    """Where a problem is: area codes from campus down to room, free text, optional position."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    campus: str | None = Field(None, description="Campus code, e.g. 'main'.")
    building: str | None = Field(None, description="Building code, e.g. 'dorm-7'.")
    floor: str | None = Field(None, description="Floor within the building, e.g. '3'.")
    room: str | None = Field(None, description="Room within the floor, e.g. '312'.")
    text: str | None = Field(None, description="Free-text description of the place.")
    lat: Coordinate = Field(None, ge=-90, le=90, description="WGS84 latitude.")
    long: Coordinate = Field(None, ge=-180, le=180, description="WGS84 longitude.")
