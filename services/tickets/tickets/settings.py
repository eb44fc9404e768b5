"""Tickets service settings: every variable is TICKETS_<NAME> (see houqin_shared.settings)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings


class TicketsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TICKETS_")

    db_schema: str = "tickets"
    http_port: int = 8102
    worker_port: int = 8112
    relay_port: int = 8122
