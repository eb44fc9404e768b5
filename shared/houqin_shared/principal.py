"""Who is calling, once verified: the roles and the `Principal` rules can reason about.

Pure data: no web framework, no JWT library, no HTTP client. `houqin_shared.identity` verifies
tokens and builds a `Principal` from their claims; rule modules import only this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from houqin_shared.problems import unauthorized


class Role(StrEnum):
    reporter = "reporter"
    front_desk = "front_desk"
    staff = "staff"
    team_lead = "team_lead"
    dept_head = "dept_head"
    supervisor = "supervisor"
    leader = "leader"
    admin = "admin"
    service = "service"


@dataclass(frozen=True)
class ClaimPaths:
    """Where a token's claims say who the caller is: a claim name, or a dotted path into nested
    claims (Keycloak puts realm roles at `realm_access.roles`, a client's at
    `resource_access.<client>.roles`). The defaults are the demo SSO's claims."""

    subject: str = "sub"
    name: str = "name"
    roles: str = "roles"
    department: str = "dept"
    team: str = "team"


DEMO_CLAIMS = ClaimPaths()


def claim_at(claims: Mapping[str, Any], path: str) -> object:
    """The value at a dotted `path` in the claims, or None where any step is missing."""
    value: object = claims
    for step in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


@dataclass(frozen=True)
class Principal:
    """The verified caller. Roles are exactly those in the token: no role implies another."""

    subject: str
    roles: frozenset[Role]
    name: str | None = None
    department_id: str | None = None
    team_id: str | None = None
    scopes: frozenset[str] = frozenset()
    """The OAuth scopes granted to a client (claim `scope`, space-separated, RFC 9068 2.2.3)."""

    def has_any(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], paths: ClaimPaths = DEMO_CLAIMS) -> Principal:
        """From the claims at `paths` (by default `sub`, `name`, `roles`, `dept`, `team`) and
        `scope`. Role names Houqin does not know are ignored (a provider adds its own, such as
        Keycloak's `offline_access`), and so is a roles claim that is not a list."""
        subject = claim_at(claims, paths.subject)
        if not isinstance(subject, str) or not subject:
            raise unauthorized("token-invalid", f"token has no subject ('{paths.subject}')")
        raw_roles = claim_at(claims, paths.roles)
        names = raw_roles if isinstance(raw_roles, list) else []
        known = {role.value for role in Role}
        return cls(
            subject=subject,
            roles=frozenset(Role(n) for n in names if isinstance(n, str) and n in known),
            name=_optional_str(claim_at(claims, paths.name)),
            department_id=_optional_str(claim_at(claims, paths.department)),
            team_id=_optional_str(claim_at(claims, paths.team)),
            scopes=frozenset((_optional_str(claims.get("scope")) or "").split()),
        )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
