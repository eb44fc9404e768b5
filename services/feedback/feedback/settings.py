"""Feedback service settings: every variable is FEEDBACK_<NAME> (see houqin_shared.settings)."""

from __future__ import annotations

import hashlib

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_")

    db_schema: str = "feedback"
    http_port: int = 8101
    worker_port: int = 8111
    relay_port: int = 8121
    timezone: str = Field(
        "Asia/Shanghai", description="The campus's time zone: the date in tracking numbers."
    )
    auto_confirm_days: float = Field(
        7, gt=0, description="Days after resolution before an unanswered fix is auto-confirmed."
    )
    auto_confirm_every_s: float = Field(
        300, gt=0, description="How often the worker looks for fixes to auto-confirm, seconds."
    )
    survey_close_every_s: float = Field(
        300,
        gt=0,
        description="How often the worker closes surveys whose period has ended, seconds.",
    )
    rate_reporter_per_min: float = Field(
        20, gt=0, description="Reports a minute one caller may file (after the burst)."
    )
    rate_reporter_burst: int = Field(10, ge=1, description="Reports one caller may file at once.")
    rate_address_per_min: float = Field(
        600, gt=0, description="Write requests a minute from one client address (after the burst)."
    )
    rate_address_burst: int = Field(
        100, ge=1, description="Write requests one client address may make at once."
    )
    rate_track_per_min: float = Field(
        10,
        gt=0,
        description="Public tracking look-ups a minute from one client address, and for one"
        " tracking number (after the burst).",
    )
    rate_track_burst: int = Field(
        10,
        ge=1,
        description="Public tracking look-ups one address, or one number, may make at once.",
    )
    rate_public_per_min: float = Field(
        60,
        gt=0,
        description="Public listings a minute from one client address: Open311 GET requests,"
        " the public board and public photos (after the burst).",
    )
    rate_public_burst: int = Field(
        30, ge=1, description="Public listings one client address may make at once."
    )
    trusted_proxies: str = Field(
        "",
        description="Addresses (comma separated) of proxies, such as the console, whose"
        " X-Forwarded-For names the client that every per-address limit counts: filing, public"
        " tracking, the public feed, board and photos (otherwise all the console's visitors"
        " would share one address's allowance).",
    )
    track_trusted_proxies: str = Field(
        "", description="Older name of FEEDBACK_TRUSTED_PROXIES (both are read)."
    )
    duplicate_radius_m: float = Field(
        50,
        gt=0,
        description="Open reports of a category this close (metres) are offered as duplicates.",
    )
    open311_api_keys: str = Field(
        "",
        description="Open311 POST keys and the system each belongs to: 'key1=system-a,key2=b'.",
    )
    open311_jurisdiction: str = Field(
        "houqin", description="The Open311 jurisdiction_id this endpoint serves."
    )
    tracking_block: int = Field(
        20,
        ge=1,
        le=1000,
        description="Tracking numbers an API process takes from the day's sequence at once (one"
        " round trip per block; a stopped process skips the rest of its block).",
    )
    photo_dir: str = Field(
        ".data/feedback-photos", description="Where the local photo store keeps files."
    )
    photo_max_bytes: int = Field(5_000_000, ge=1, description="Largest photo accepted, bytes.")
    photo_max_per_report: int = Field(6, ge=1, description="Photos one report may carry.")
    photo_unattached_hours: float = Field(
        24.0,
        gt=0,
        description="An upload not attached to a report within this many hours is deleted"
        " (its file and its row), by the worker.",
    )
    photo_unattached_max: int = Field(
        20, ge=1, description="Unattached uploads one user may hold at once (429 beyond)."
    )
    photo_unattached_max_bytes: int = Field(
        50_000_000,
        ge=1,
        description="Bytes of unattached uploads one user may hold at once (413 beyond).",
    )
    photo_sweep_every_s: float = Field(
        600.0, gt=0, description="How often the worker deletes expired uploads, seconds."
    )
    ballot_secret: SecretStr = Field(
        SecretStr(""),
        description="The server secret that keys voter keys (HMAC): without it nobody can tell"
        " who voted for whom, even holding the user list. Required outside the demo mode"
        " (compose's first start makes one); in the demo mode an empty one is a fixed demo key.",
    )

    @model_validator(mode="after")
    def _ballot_secret_given(self) -> FeedbackSettings:
        if not self.ballot_secret.get_secret_value() and not self.demo_mode:
            raise ValueError(
                "FEEDBACK_BALLOT_SECRET is required (a long random string kept secret) outside"
                " the demo mode: it keeps votes secret"
            )
        return self

    def ballot_secret_bytes(self) -> bytes:
        secret = self.ballot_secret.get_secret_value() or "houqin-demo-ballot-secret"
        return hashlib.sha256(secret.encode()).digest()
