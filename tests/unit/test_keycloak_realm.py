"""deploy/keycloak/houqin-realm.json matches the demo users and is safe as an example: the same
people with the same roles, department and team as deploy/demo/users.json; the console's client
confidential, code flow with PKCE S256 only, its redirect URIs those of every local console."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import keycloak  # noqa: E402
import launcher  # noqa: E402

REALM: dict[str, Any] = json.loads(keycloak.REALM_FILE.read_text())
DEMO: list[dict[str, Any]] = json.loads((ROOT / "deploy/demo/users.json").read_text())


def group_attributes(path: str) -> dict[str, str]:
    """The attributes a member of the group at `path` inherits (a subgroup's win)."""
    found: dict[str, str] = {}
    groups = REALM["groups"]
    for name in path.strip("/").split("/"):
        group = next(g for g in groups if g["name"] == name)
        found |= {k: v[0] for k, v in group.get("attributes", {}).items()}
        groups = group.get("subGroups", [])
    return found


def test_the_realm_has_every_demo_person_with_their_roles_and_units() -> None:
    people = {u["username"]: u for u in DEMO if "client_secret" not in u}
    people = {n: u for n, u in people.items() if "service" not in u["roles"]}
    users = {u["username"]: u for u in REALM["users"]}
    assert set(users) == set(people)
    for name, demo in people.items():
        user = users[name]
        houqin_roles = set(user["realmRoles"]) - {"default-roles-houqin"}
        assert houqin_roles == set(demo["roles"]), name
        units: dict[str, str] = {}
        for path in user["groups"]:
            units |= group_attributes(path)
        assert units.get("department") == demo.get("dept"), name
        assert units.get("team") == demo.get("team"), name
        # Keycloak asks a person to complete a profile that lacks these, before any sign-in
        assert user["email"] and user["firstName"] and user["lastName"], name


def test_the_console_client_is_confidential_with_pkce_and_no_password_grant() -> None:
    (console,) = [c for c in REALM["clients"] if c["clientId"] == "console"]
    assert console["publicClient"] is False
    assert console["standardFlowEnabled"] is True
    assert console["implicitFlowEnabled"] is False
    assert console["directAccessGrantsEnabled"] is False
    assert console["attributes"]["pkce.code.challenge.method"] == "S256"
    mappers = {m["protocolMapper"]: m["config"] for m in console["protocolMappers"]}
    assert mappers["oidc-audience-mapper"]["included.custom.audience"] == "houqin"


def test_the_console_may_come_back_to_every_local_console() -> None:
    (console,) = [c for c in REALM["clients"] if c["clientId"] == "console"]
    for offset in launcher.PORT_OFFSETS.values():
        for port in (launcher.CONSOLE_PORT, keycloak.TEST_CONSOLE_PORT):
            assert f"http://127.0.0.1:{port + offset}/auth/callback" in console["redirectUris"]
            assert f"http://127.0.0.1:{port + offset}/" in console["attributes"][
                "post.logout.redirect.uris"
            ].split("##")
