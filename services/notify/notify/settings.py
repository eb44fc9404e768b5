"""Notify service settings: every variable is NOTIFY_<NAME> (see houqin_shared.settings)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_")

    db_schema: str = "notify"
    http_port: int = 8104
    worker_port: int = 8114
    relay_port: int = 8124
