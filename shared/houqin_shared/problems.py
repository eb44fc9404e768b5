"""RFC 9457 problem details: the one error shape every service answers with."""

from __future__ import annotations

from typing import Any

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    """Raise anywhere in a request to answer with problem+json.

    `type_` is a URI reference naming the kind of problem; "about:blank" means the title is just
    the HTTP status phrase. `extra` adds extension members (for example `errors` for validation).
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.type_ = type_
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type_, "title": self.title, "status": self.status}
        if self.detail:
            out["detail"] = self.detail
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "Unauthorized",
        detail,
        type_="https://houqin.dev/problems/unauthorized",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def forbidden(detail: str) -> ProblemError:
    return ProblemError(403, "Forbidden", detail, type_="https://houqin.dev/problems/forbidden")


def not_found(detail: str) -> ProblemError:
    return ProblemError(404, "Not Found", detail, type_="https://houqin.dev/problems/not-found")


def conflict(detail: str) -> ProblemError:
    return ProblemError(409, "Conflict", detail, type_="https://houqin.dev/problems/conflict")
