"""Console settings: every variable is CONSOLE_<NAME> (see houqin_shared.settings).

The console keeps no business data: it signs people in with OpenID Connect (any campus provider,
configured here only) and calls the four services' APIs with the signed-in person's token.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from houqin_shared.settings import ServiceSettings

PACKAGE = Path(__file__).resolve().parent
NODE_MODULES = PACKAGE.parent / "node_modules"


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_")

    db_schema: str = "console"
    http_port: int = 8100
    public_url: str = Field(
        "http://127.0.0.1:8100",
        description="The console's address as browsers reach it (its OIDC redirect_uri is"
        " <public_url>/auth/callback).",
    )
    oidc_discovery_url: str = Field(
        "http://127.0.0.1:8900/.well-known/openid-configuration",
        description="OpenID Connect discovery document of the campus SSO (or the demo SSO).",
    )
    oidc_client_id: str = Field("console", description="The console's client id at the SSO.")
    oidc_client_secret: SecretStr = Field(
        SecretStr(""), description="The console's client secret at the SSO."
    )
    oidc_scope: str = Field("openid profile", description="Scopes asked for at sign-in.")
    sso_timeout_s: float = Field(5.0, gt=0, description="Timeout of a call to the SSO, seconds.")
    cookie_secure: bool = Field(
        False, description="Mark the session cookie Secure (set it when served over HTTPS)."
    )
    session_idle_s: int = Field(
        8 * 3600, ge=60, description="A session unused this long is forgotten, seconds."
    )
    session_max: int = Field(
        20_000, ge=10, description="Sessions kept in memory at most (the least recent go first)."
    )
    feedback_url: str = Field("http://127.0.0.1:8101", description="Base URL of the feedback API.")
    tickets_url: str = Field("http://127.0.0.1:8102", description="Base URL of the tickets API.")
    scoring_url: str = Field("http://127.0.0.1:8103", description="Base URL of the scoring API.")
    notify_url: str = Field("http://127.0.0.1:8104", description="Base URL of the notify API.")
    api_timeout_s: float = Field(
        8.0, gt=0, description="Timeout of one call to a service's API, seconds."
    )
    api_max_in_flight: int = Field(
        16, ge=1, le=500, description="Calls in flight to one API at once (the rest wait)."
    )
    timezone: str = Field("Asia/Shanghai", description="Time zone times are shown in.")
    vendor_dir: Path = Field(
        NODE_MODULES,
        description="Where `npm ci` put the browser packages (htmx); served under /static/vendor.",
    )

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/auth/callback"
