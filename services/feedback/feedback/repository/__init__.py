"""The only place feedback's SQL lives, one module per aggregate. Functions take the caller's
connection; callers own and commit the transaction."""

from feedback.repository.reports import (
    ensure_day_sequence,
    get_report,
    insert_report,
    next_day_seqs,
    report_by_idempotency_key,
    report_by_tracking_no,
    reports_by_ids,
    reports_of,
    search_reports,
    set_status,
)

__all__ = [
    "ensure_day_sequence",
    "get_report",
    "insert_report",
    "next_day_seqs",
    "report_by_idempotency_key",
    "report_by_tracking_no",
    "reports_by_ids",
    "reports_of",
    "search_reports",
    "set_status",
]
