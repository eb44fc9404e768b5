"""Who sees a photo, and who fetches it as it was sent (issue 14). No I/O.

Everyone who may see a photo gets it without its metadata (EXIF position, camera serial,
comments); only the report's reporter and the staff assigned to it fetch the original bytes. An
upload not yet on a report is its uploader's alone."""

from __future__ import annotations

from typing import Any

from feedback.rows import ReportRow
from houqin_shared.principal import Principal, Role

EVERY_REPORT = (Role.supervisor, Role.admin, Role.front_desk)
"""Roles that see the photos of every report (as they read every report)."""
DEPARTMENT = (Role.staff, Role.team_lead, Role.dept_head)
"""Roles that see the photos of their own department's reports."""


def _reporter(report: ReportRow, who: Principal) -> bool:
    return report["reporter_id"] is not None and report["reporter_id"] == who.subject


def _assigned(report: ReportRow, who: Principal) -> bool:
    return who.subject in (report.get("assignees") or [])


def may_see(photo: dict[str, Any], report: ReportRow | None, who: Principal) -> bool:
    """The reporter, the assigned staff, staff of the report's department, supervisors, admins
    and front desk; never another student (a "me too" supporter sees no photos)."""
    if report is None:
        return bool(photo["uploaded_by"] == who.subject)
    if _reporter(report, who) or _assigned(report, who) or who.has_any(*EVERY_REPORT):
        return True
    department = report.get("department_id")
    return who.has_any(*DEPARTMENT) and department is not None and department == who.department_id


def may_fetch_original(photo: dict[str, Any], report: ReportRow | None, who: Principal) -> bool:
    """The bytes as sent (with their metadata): the reporter and the assigned staff only."""
    if report is None:
        return bool(photo["uploaded_by"] == who.subject)
    return _reporter(report, who) or _assigned(report, who)
