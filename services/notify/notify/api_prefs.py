"""Preferences per person: channels per kind of message, quiet hours, language, daily digest.
Everyone manages their own; admins anyone's."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StrictBool, field_validator, model_validator

from houqin_shared.field_errors import invalid_field
from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import ClockTime
from houqin_shared.route_params import PathName
from houqin_shared.webapp import DbPool
from houqin_shared.zones import known_zone
from notify.domain import CHANNEL_TYPES
from notify.repository import config

router = APIRouter(prefix="/v1", tags=["preferences"])
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
ChannelName = Literal[CHANNEL_TYPES]  # type: ignore[valid-type]


class PreferencesIn(BaseModel):
    lang: Literal["zh-CN", "en"] = "zh-CN"
    channels: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")], list[ChannelName]] = (
        Field(default_factory=dict, description="Kind of message -> channels (else the rule's).")
    )
    quiet_start: ClockTime | None = Field(
        None, description="Local time quiet hours begin, e.g. 22:00."
    )
    quiet_end: ClockTime | None = Field(
        None, description="Local time they end (working hours begin)."
    )
    timezone: str = Field("Asia/Shanghai", max_length=64)
    digest: StrictBool = Field(False, description="Gather low-priority items into a daily digest.")
    digest_at: ClockTime = Field(time(8, 30), description="Local time the digest is sent.")

    _zone = field_validator("timezone")(known_zone)

    @model_validator(mode="after")
    def quiet_hours_whole(self) -> PreferencesIn:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise invalid_field("quiet_hours_pair")
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise invalid_field("quiet_hours_empty")
        return self


class PreferencesOut(PreferencesIn):
    person_id: str


async def _get(pool: Any, person_id: str) -> dict[str, Any]:
    async with pool.acquire() as conn:
        found = await config.preferences(conn, person_id)
    if found is None:
        return {**PreferencesIn().model_dump(), "person_id": person_id}
    return found


async def _put(pool: Any, person_id: str, body: PreferencesIn) -> dict[str, Any]:
    stored = {**body.model_dump(), "channels": {k: list(v) for k, v in body.channels.items()}}
    async with pool.acquire() as conn:
        await config.put_preferences(conn, person_id, stored)
    return {**stored, "person_id": person_id}


@router.get("/preferences/me", response_model=PreferencesOut)
async def my_preferences(who: CurrentPrincipal, pool: DbPool) -> dict[str, Any]:
    return await _get(pool, who.subject)


@router.put(
    "/preferences/me",
    response_model=PreferencesOut,
    responses=refusals("validation"),  # quiet_hours_pair, quiet_hours_empty
)
async def set_my_preferences(
    who: CurrentPrincipal, pool: DbPool, body: PreferencesIn
) -> dict[str, Any]:
    return await _put(pool, who.subject, body)


@router.get("/preferences/{person_id}", response_model=PreferencesOut)
async def preferences_of(_: Admin, pool: DbPool, person_id: PathName) -> dict[str, Any]:
    return await _get(pool, person_id)


@router.put(
    "/preferences/{person_id}",
    response_model=PreferencesOut,
    responses=refusals("validation"),  # quiet_hours_pair, quiet_hours_empty
)
async def set_preferences_of(
    _: Admin, pool: DbPool, person_id: PathName, body: PreferencesIn
) -> dict[str, Any]:
    return await _put(pool, person_id, body)
