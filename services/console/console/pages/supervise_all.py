"""Every router of the supervisors' part (issue 17), for app.ROUTERS."""

from __future__ import annotations

from console.pages import manage, supervise, supervise_rect, surveys

ROUTERS = (manage.router, supervise.router, supervise_rect.router, surveys.router)
