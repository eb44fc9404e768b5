"""Every /admin page's router, for console.app's ROUTERS."""

from __future__ import annotations

from console.pages import (
    admin,
    admin_area_map,
    admin_calendar,
    admin_catalog,
    admin_directory,
    admin_directory_edit,
    admin_directory_more,
    admin_directory_new,
    admin_notify,
    admin_notify_channels,
    admin_qr,
)

ROUTERS = (
    admin.router,
    admin_qr.router,
    admin_directory.router,
    admin_directory_new.router,
    admin_directory_edit.router,
    admin_directory_more.router,
    admin_area_map.router,
    admin_catalog.router,
    admin_calendar.router,
    admin_notify.router,
    admin_notify_channels.router,
)
