"""Feedback service settings: every variable is FEEDBACK_<NAME> (see houqin_shared.settings)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_")

    db_schema: str = "feedback"
    http_port: int = 8101
    worker_port: int = 8111
    relay_port: int = 8121
