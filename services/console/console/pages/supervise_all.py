"""Every router of the supervisors' part (issue 17), for app.ROUTERS."""

from __future__ import annotations

from console.pages import manage, supervise, supervise_rect, supervise_recurring, surveys

ROUTERS = (
    manage.router,
    supervise.router,
    supervise_rect.router,
    supervise_recurring.router,
    surveys.router,
)
