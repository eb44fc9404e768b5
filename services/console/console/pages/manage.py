"""管理 /manage: the hub listing the sections each role may use (supervisors, leaders, admins,
department heads). Each part adds its own links to SECTIONS with one small edit; the page shows
those the signed-in person's roles allow (the APIs check again on every call)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response

from console.api import ApiProblem
from console.web import Ctx, Page

router = APIRouter()
ROLE_REQUIRED = "https://houqin.dev/problems/role-required"
MANAGERS = ("supervisor", "leader", "admin", "dept_head")


@dataclass(frozen=True)
class Section:
    path: str
    title: str  # English msgid, translated on the page
    about: str
    roles: tuple[str, ...]
    group: str  # "supervise", "lead", "admin"


SECTIONS: tuple[Section, ...] = (
    Section(
        "/supervise/overdue",
        "Overdue board",
        "Late and nearly late tickets by department, team and person; chase them",
        ("supervisor", "leader", "dept_head"),
        "supervise",
    ),
    Section(
        "/supervise/rectifications",
        "Rectifications",
        "Follow each item's notes, accept it or send it back with a new deadline",
        ("supervisor", "leader", "dept_head"),
        "supervise",
    ),
    Section(
        "/supervise/surveys",
        "Satisfaction surveys",
        "Make a survey, send each person their link, follow the answers, close it",
        ("supervisor",),
        "supervise",
    ),
    Section(
        "/supervise/ballots",
        "Vote for your service (ballots)",
        "Set up a ballot of departments and teams, follow the votes, close it",
        ("supervisor", "leader"),
        "supervise",
    ),
    Section(
        "/supervise/reception",
        "Reception days",
        "Schedule a session, log what is raised there, answer on the spot",
        ("supervisor", "leader"),
        "supervise",
    ),
    Section(
        "/supervise/inspections/new",
        "Record an inspection",
        "Score a team from a checklist; findings become rectification items",
        ("supervisor",),
        "supervise",
    ),
    Section(
        "/supervise/recurring",
        "Recurring problems",
        "Problems that keep coming back at one place; acknowledge them with what is being done",
        ("supervisor", "leader", "dept_head", "admin"),
        "supervise",
    ),
    Section(
        "/supervise/incidents",
        "Incidents and the one-vote veto",
        "Record a verified incident, follow its appeal, uphold or overturn it",
        ("supervisor", "leader", "dept_head", "admin"),
        "supervise",
    ),
    Section(
        "/supervise/unmask",
        "See who filed an anonymous report",
        "With a recorded reason; the audit trail of every unmasking",
        ("supervisor",),
        "supervise",
    ),
    Section(
        "/lead",
        "Rankings and awards",
        "Campaigns, rankings and their explanations, charts, work marks, awards",
        ("leader", "admin", "supervisor", "dept_head"),
        "lead",
    ),
    Section(
        "/lead/awards",
        "Award nominations",
        "Nominations within the quota, the sign-off chain, the recommendation forms",
        ("leader", "admin", "dept_head", "team_lead"),
        "lead",
    ),
    Section(
        "/admin",
        "Administration",
        "Directory, service commitments, working calendar, notifications, QR sheets",
        ("admin",),
        "admin",
    ),
)


def sections_for(roles: frozenset[str]) -> list[Section]:
    return [s for s in SECTIONS if not roles.isdisjoint(s.roles)]


async def manager_token(ctx: Ctx, *roles: str) -> str:
    """The signed-in person's token when they hold one of `roles` (default: any manager's);
    anyone else is shown 'your account may not do this'."""
    token = await ctx.token()
    user = ctx.session.user
    if user is None or not user.has(*(roles or MANAGERS)):
        raise ApiProblem(403, {"type": ROLE_REQUIRED})
    return token


@router.get("/manage")
async def hub(ctx: Page) -> Response:
    await manager_token(ctx)
    user = ctx.session.user
    assert user is not None
    return ctx.render("manage.html", sections=sections_for(user.roles))
