"""Claims at configurable paths (issue 19, a real identity provider): the APIs and the console
read who the caller is from a campus provider's own claims, e.g. Keycloak's `preferred_username`
and `realm_access.roles` (deploy/keycloak/houqin-realm.json, docs/identity.md)."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from pydantic import ValidationError

from console.auth import user_of
from console.sessions import User
from houqin_shared.identity import JwksCache, LocalIssuer, TokenVerifier, claim_paths
from houqin_shared.principal import DEMO_CLAIMS, ClaimPaths, Principal, Role, claim_at
from houqin_shared.problems import ProblemError
from houqin_shared.settings import ServiceSettings

KEYCLOAK = ClaimPaths(
    subject="preferred_username",
    roles="realm_access.roles",
    department="department",
    team="team",
)

# What Keycloak 26.7.3 put in an access token for the realm's `plumber` (taken from a real one).
KEYCLOAK_CLAIMS: dict[str, Any] = {
    "iss": "http://127.0.0.1:8980/realms/houqin",
    "aud": ["houqin", "account"],
    "sub": "1bd52c38-aeb3-4ada-af4a-cf673f5dc803",
    "typ": "Bearer",
    "azp": "console",
    "realm_access": {
        "roles": ["offline_access", "staff", "uma_authorization", "default-roles-houqin"]
    },
    "resource_access": {"account": {"roles": ["manage-account", "view-profile"]}},
    "scope": "openid profile email",
    "name": "张师傅 plumber",
    "preferred_username": "plumber",
    "department": "maintenance",
    "team": "plumbers",
}


def test_claim_at_follows_a_dotted_path() -> None:
    claims = {"a": {"b": {"c": [1]}}, "x": "y"}

    assert claim_at(claims, "a.b.c") == [1]
    assert claim_at(claims, "x") == "y"
    assert claim_at(claims, "a.missing") is None
    assert claim_at(claims, "x.y") is None  # a step into something that is not an object
    assert claim_at(claims, "nothing") is None


def test_keycloak_claims_give_the_directory_subject_roles_and_units() -> None:
    principal = Principal.from_claims(KEYCLOAK_CLAIMS, KEYCLOAK)

    assert principal == Principal(
        subject="plumber",
        roles=frozenset({Role.staff}),  # offline_access, default-roles-houqin... are not Houqin's
        name="张师傅 plumber",
        department_id="maintenance",
        team_id="plumbers",
        scopes=frozenset({"openid", "profile", "email"}),
    )


def test_the_demo_paths_do_not_read_keycloak_claims_as_roles() -> None:
    principal = Principal.from_claims(KEYCLOAK_CLAIMS, DEMO_CLAIMS)

    assert principal.subject == KEYCLOAK_CLAIMS["sub"]
    assert principal.roles == frozenset()
    assert principal.department_id is None


def test_client_roles_path() -> None:
    claims = {"sub": "s", "resource_access": {"houqin": {"roles": ["admin", "x"]}}}

    principal = Principal.from_claims(claims, ClaimPaths(roles="resource_access.houqin.roles"))

    assert principal.roles == {Role.admin}


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "s"},
        {"sub": "s", "preferred_username": ""},
        {"sub": "s", "preferred_username": ["plumber"]},
    ],
)
def test_a_token_without_the_configured_subject_is_unauthorized(claims: dict[str, Any]) -> None:
    with pytest.raises(ProblemError) as caught:
        Principal.from_claims(claims, KEYCLOAK)

    assert caught.value.status == 401
    assert "preferred_username" in str(caught.value.detail)


@pytest.mark.parametrize("roles", ["staff", {"staff": True}, [["staff"]], [{"a": 1}]])
def test_roles_not_a_list_of_names_give_no_roles(roles: object) -> None:
    claims = {"preferred_username": "p", "realm_access": {"roles": roles}}

    assert Principal.from_claims(claims, KEYCLOAK).roles == frozenset()


def test_settings_name_the_claim_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SUBJECT_CLAIM", "preferred_username")
    monkeypatch.setenv("JWT_ROLES_CLAIM", "realm_access.roles")
    monkeypatch.setenv("JWT_DEPARTMENT_CLAIM", "department")

    paths = claim_paths(ServiceSettings())

    assert paths == ClaimPaths("preferred_username", "name", "realm_access.roles", "department")


@pytest.mark.parametrize("bad", ["", "a..b", ".roles", "roles.", "a b", "a/b", "x" * 201])
def test_settings_refuse_a_claim_path_that_is_not_one(bad: str) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(jwt_roles_claim=bad)


async def test_the_verifier_reads_the_configured_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    issuer = LocalIssuer(None, issuer=KEYCLOAK_CLAIMS["iss"])
    jwks = JwksCache("https://keycloak.test/certs")

    async def download() -> bytes:
        return json.dumps(issuer.jwks()).encode()

    monkeypatch.setattr(jwks, "_download", download)
    now = int(time.time())
    token = jwt.encode(
        {**KEYCLOAK_CLAIMS, "iat": now, "exp": now + 300},
        issuer.private_key,
        algorithm="RS256",
        headers={"kid": issuer.kid},
    )
    verifier = TokenVerifier(KEYCLOAK_CLAIMS["iss"], "houqin", jwks, paths=KEYCLOAK)

    principal = await verifier.verify(token)

    assert (principal.subject, principal.roles) == ("plumber", {Role.staff})
    assert (principal.department_id, principal.team_id) == ("maintenance", "plumbers")


# --- the console's signed-in user --------------------------------------------------------------

ID_TOKEN = {k: v for k, v in KEYCLOAK_CLAIMS.items() if k not in ("realm_access", "aud")}
USERINFO = {
    "sub": KEYCLOAK_CLAIMS["sub"],
    "name": "张师傅 plumber",
    "preferred_username": "plumber",
    "realm_access": {"roles": ["offline_access", "staff"]},
}


def test_console_user_from_keycloak_id_token_and_userinfo() -> None:
    user = user_of(ID_TOKEN, USERINFO, KEYCLOAK)

    assert user == User("plumber", "张师傅 plumber", frozenset({"offline_access", "staff"}))


def test_console_user_from_the_demo_sso() -> None:
    claims = {"sub": "plumber", "name": "张师傅 (plumber)"}

    user = user_of(claims, {"roles": ["staff"], "name": "张师傅"}, DEMO_CLAIMS)

    assert user == User("plumber", "张师傅", frozenset({"staff"}))


def test_console_subject_comes_from_the_signed_id_token_first() -> None:
    claims = {"sub": "u-9", "preferred_username": "plumber"}

    user = user_of(claims, {"preferred_username": "someone-else", "name": "张师傅"}, KEYCLOAK)

    assert (user.subject, user.name) == ("plumber", "张师傅")


def test_console_user_falls_back_to_sub_and_takes_roles_from_the_id_token() -> None:
    claims = {"sub": "u-9", "realm_access": {"roles": ["reporter"]}}

    user = user_of(claims, {}, KEYCLOAK)

    assert user == User("u-9", "u-9", frozenset({"reporter"}))
