"""Notify service settings: every variable is NOTIFY_<NAME> (see houqin_shared.settings)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings
from notify.outbound import Allow


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_")

    db_schema: str = "notify"
    http_port: int = 8104
    worker_port: int = 8114
    relay_port: int = 8124
    webhook_allow_hosts: str = Field(
        "",
        description="Host names, addresses or networks (comma separated, e.g."
        " `localhost,127.0.0.1,10.8.0.0/16`) that webhooks, robots, the SMS gateway and SMTP"
        " servers may be reached at although they are internal (private, loopback, link-local,"
        " shared, reserved...); every other internal address is refused when connecting.",
    )
    delivery_every_ms: int = Field(
        100, ge=5, description="Delivery loop's pause between rounds, ms."
    )
    delivery_batch: int = Field(500, ge=1, description="Deliveries claimed per channel per round.")
    delivery_concurrency: int = Field(
        8,
        ge=1,
        description="Deliveries in flight at once per channel in one worker (an SMTP channel"
        " is also bounded by its pool size).",
    )
    delivery_max_attempts: int = Field(
        6, ge=1, description="Attempts of a delivery before it is dead (resend revives it)."
    )
    delivery_backoff_ms: int = Field(
        2000, ge=1, description="First retry delay of a delivery, doubled each time, ±50% jitter."
    )
    delivery_backoff_cap_s: int = Field(3600, ge=1, description="Longest retry delay, seconds.")
    delivery_lease_s: int = Field(
        60,
        ge=2,
        description="A claimed delivery whose worker died is taken again after this, seconds;"
        " a live worker extends its lease while its round lasts. At least"
        " DELIVERY_TIMEOUT_S + 1.",
    )
    delivery_timeout_s: float = Field(
        10.0, gt=0, description="Deadline of one whole send (connect included), seconds."
    )
    delivery_connect_timeout_s: float = Field(
        5.0,
        gt=0,
        description="Deadline for resolving and connecting to a channel's server (HTTP or"
        " SMTP, TLS handshake and SMTP greeting included), seconds.",
    )
    digest_every_s: float = Field(
        60.0, gt=0, description="How often the worker looks for digests that are due, seconds."
    )

    feedback_url: str = Field(
        "",
        description="Base URL of the feedback API, asked who hears about a report (anonymous"
        " reporters and everyone on a linked group of duplicates); empty: only the reporters"
        " of non-anonymous reports seen in ComplaintFiled are told.",
    )
    tickets_url: str = Field(
        "",
        description="Base URL of the tickets API, asked for the names of departments, teams,"
        " campuses and buildings messages use (GET /v1/units, /v1/places); set: no message is"
        " recorded before the first names are fetched; empty: places read as their codes.",
    )
    console_url: str = Field(
        "",
        description="The web console's public base URL (e.g. https://houqin.example.edu.cn):"
        " every message carries a link to the console page that acts on it, and SMS a short"
        " link <console>/go/<code>; empty: only the in-app inbox links (by path).",
    )
    names_every_s: float = Field(
        300.0,
        gt=0,
        description="How often the worker fetches the names of categories, units and places"
        " again, seconds (every 5 s while a fetch fails).",
    )
    sso_token_url: str = Field(
        "",
        description="OAuth 2.0 token endpoint for notify's own credentials (client"
        " credentials grant); empty: <jwt_issuer>/token.",
    )
    client_id: str = Field("notify", description="Notify's OAuth client id at the SSO.")
    client_secret: SecretStr = Field(
        SecretStr(""), description="Notify's OAuth client secret at the SSO."
    )
    followers_every_ms: int = Field(
        200,
        ge=5,
        description="How often the worker tells reports' followers found through feedback, ms.",
    )
    peer_timeout_s: float = Field(
        3.0,
        gt=0,
        description="Deadline of one whole call to the feedback API or the SSO's token"
        " endpoint, seconds.",
    )
    peer_connect_timeout_s: float = Field(
        2.0, gt=0, description="Deadline for connecting to the feedback API or the SSO, seconds."
    )

    @model_validator(mode="after")
    def _lease_outlives_a_send(self) -> Self:
        if self.delivery_lease_s < self.delivery_timeout_s + 1:
            raise ValueError("NOTIFY_DELIVERY_LEASE_S must be at least DELIVERY_TIMEOUT_S + 1")
        return self

    def token_url(self) -> str:
        return self.sso_token_url or self.jwt_issuer.rstrip("/") + "/token"

    def allow(self) -> Allow:
        return Allow.parse(self.webhook_allow_hosts)
