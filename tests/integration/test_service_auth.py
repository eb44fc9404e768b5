"""A service's own credentials: the dev SSO's client-credentials grant (RFC 6749 section 4.4)
and the client that keeps its token, against the SSO served over HTTP."""

from __future__ import annotations

import httpx
import pytest
from helpers import Sso

from houqin_shared.consumer import Unavailable
from houqin_shared.identity import JwksCache, Role, TokenVerifier
from houqin_shared.service_auth import ClientCredentials


async def test_a_client_gets_a_service_token_the_services_accept(sso: Sso) -> None:
    async with httpx.AsyncClient() as http:
        creds = ClientCredentials(http, sso.token_url, "notify", "notify-s3")
        token = await creds.token()
        assert await creds.token() == token  # kept, not fetched again
        creds.forget()
        renewed = await creds.token()
        assert renewed != token
        verifier = TokenVerifier(sso.url, "houqin", JwksCache(sso.jwks_url))
        who = await verifier.verify(renewed)
        assert who.subject == "notify" and Role.service in who.roles


async def test_form_credentials_work_and_bad_ones_get_oauth_errors(sso: Sso) -> None:
    async with httpx.AsyncClient() as http:
        form = {"grant_type": "client_credentials", "client_id": "notify"}
        ok = await http.post(sso.token_url, data={**form, "client_secret": "notify-s3"})
        assert ok.status_code == 200 and ok.json()["token_type"] == "Bearer"
        wrong = await http.post(sso.token_url, data={**form, "client_secret": "guess"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        grant = await http.post(sso.token_url, data={"grant_type": "password"})
        assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
        # A demo user without a secret is not a client, whatever secret is tried.
        stranger = await http.post(
            sso.token_url, data={**form, "client_id": "nobody", "client_secret": ""}
        )
        assert stranger.status_code == 401
        users = (await http.get(sso.url + "/demo-users")).json()
        assert all("client_secret" not in u for u in users)

        with pytest.raises(Unavailable, match="refused"):
            await ClientCredentials(http, sso.token_url, "notify", "guess").token()
        with pytest.raises(Unavailable, match="unreachable"):
            await ClientCredentials(http, "http://127.0.0.1:9/token", "notify", "x").token()
