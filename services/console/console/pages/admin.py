"""For administrators (信息中心): the /admin hub, and what every /admin page shares: only an
admin's session gets past `admin_token` (the APIs check the role again on every call)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from console.api import ApiProblem
from console.web import Ctx, Page

router = APIRouter()
ROLE_REQUIRED = "https://houqin.dev/problems/role-required"


async def admin_token(ctx: Ctx) -> str:
    """The signed-in admin's token; anyone else is shown 'your account may not do this'."""
    token = await ctx.token()
    user = ctx.session.user
    if user is None or not user.has("admin"):
        raise ApiProblem(403, {"type": ROLE_REQUIRED})
    return token


@router.get("/admin")
async def hub(ctx: Page) -> Response:
    await admin_token(ctx)
    return ctx.render("admin.html")
