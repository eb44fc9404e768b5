"""Who works on a report (issue 16), without I/O: the staff assigned to it and the staff, team
leads and heads of its department read what the reporter wrote, with their photos and contact
(never an anonymous reporter's), and add photos of the finished work."""

from __future__ import annotations

from feedback.rows import ReportRow
from houqin_shared.principal import Principal, Role

WORKERS = (Role.staff, Role.team_lead, Role.dept_head)


def works_on(report: ReportRow, who: Principal) -> bool:
    if who.has_any(Role.supervisor):
        return True
    if who.subject in (report.get("assignees") or []) and who.has_any(*WORKERS):
        return True
    department = report.get("department_id")
    return who.has_any(*WORKERS) and department is not None and department == who.department_id


def contact_for_work(report: ReportRow) -> str | None:
    """The reporter's contact, unless they filed anonymously."""
    return None if report["anonymous"] else report.get("contact")
