"""RFC 9457 problem details: the one error shape every service answers with."""

from __future__ import annotations

from typing import Any

from houqin_shared.problem_types import CATALOGUE, Lang, lookup

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    """Raise anywhere in a request to answer with problem+json; build it with `problem(slug)`.

    `type_` is a URI reference naming the kind of problem, a catalogued one in every answer of
    the services (a unit test walks their source). `extra` adds extension members (for example
    `errors` for validation).
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str,
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

    def body(self, instance: str | None = None, lang: Lang | None = None) -> dict[str, Any]:
        """The problem+json document; with `lang`, a catalogued type's title in that language."""
        known = lookup(self.type_) if lang else None
        title = known.title(lang) if known and lang else self.title
        out: dict[str, Any] = {"type": self.type_, "title": title, "status": self.status}
        if self.detail:
            out["detail"] = self.detail
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


def problem(
    slug: str,
    detail: str | None = None,
    *,
    status: int | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ProblemError:
    """The problem of a catalogued type (houqin_shared.problem_types): its status and English
    title come from the catalogue; `detail` says what exactly, in English for developers (the
    English title when not given). `status` overrides the catalogue's, for `http-error`."""
    kind = CATALOGUE[slug]
    return ProblemError(
        status or kind.status, kind.en, detail or kind.en, type_=kind.uri, headers=headers, **extra
    )


def unauthorized(slug: str, detail: str) -> ProblemError:
    """401 with RFC 6750's WWW-Authenticate (slug: token-missing, token-invalid, token-expired)."""
    return problem(slug, detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
