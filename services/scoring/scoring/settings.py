"""Scoring service settings: every variable is SCORING_<NAME> (see houqin_shared.settings)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORING_")

    db_schema: str = "scoring"
    http_port: int = 8103
    worker_port: int = 8113
    relay_port: int = 8123
