"""Every router of the supervisors' part (issue 17), for app.ROUTERS."""

from __future__ import annotations

from console.pages import (
    manage,
    supervise,
    supervise_ballots,
    supervise_reception,
    supervise_rect,
    supervise_recurring,
    supervise_surveys,
    surveys,
)

ROUTERS = (
    manage.router,
    supervise.router,
    supervise_rect.router,
    supervise_recurring.router,
    surveys.router,
    supervise_surveys.router,
    supervise_ballots.router,
    supervise_reception.router,
)
