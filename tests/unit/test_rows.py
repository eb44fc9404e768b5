"""Each typed row (`<service>/rows.py`) names exactly the columns its repository selects, so
the type a caller reads and the SQL that fills it cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from feedback.repository import reports
from feedback.rows import REPORT_DEFAULTS, ReportRow, StagedReportRow
from notify.repository import messages
from notify.rows import AttemptRow, MessageRow
from tickets.repository import escalations, rectifications, transfers
from tickets.repository import tickets as ticket_rows
from tickets.rows import DueTicketRow, RectificationRow, TicketRow, TransferRow, ticket_with

# (the TypedDict, the repository's column list it is filled from)
ROWS: list[tuple[Any, str]] = [
    (ReportRow, reports.COLUMNS),
    (StagedReportRow, reports.COLUMNS + ", stage"),
    (MessageRow, messages.COLUMNS),
    (MessageRow, messages.OPERATOR_COLUMNS),
    (AttemptRow, messages.ATTEMPT_COLUMNS),
    (TransferRow, transfers.COLUMNS),
    (TicketRow, ticket_rows.COLUMNS),
    (RectificationRow, rectifications.COLUMNS),
    (DueTicketRow, escalations.DUE_COLUMNS),
]


def column_names(columns: str) -> list[str]:
    """The names a SELECT list gives its columns: an alias after AS, else the column itself."""
    depth, quoted, parts, current = 0, False, [], ""
    for ch in columns:
        quoted ^= ch == "'"
        depth += ch == "(" and not quoted
        depth -= ch == ")" and not quoted
        if ch == "," and depth == 0 and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    names = []
    for part in (p.strip() for p in parts if p.strip()):
        alias = re.search(r"\bAS\s+(\w+)$", part, re.I)
        names.append(alias.group(1) if alias else part.rsplit(".", 1)[-1])
    return names


@pytest.mark.parametrize(("row", "columns"), ROWS, ids=lambda v: getattr(v, "__name__", "cols"))
def test_a_row_names_the_columns_it_is_filled_from(row: Any, columns: str) -> None:
    assert sorted(column_names(columns)) == sorted(row.__annotations__)


def test_the_column_parser_reads_aliases_and_expressions() -> None:
    assert column_names("a, t.b, CASE WHEN x THEN 'y, z' ELSE c END AS d, f(g, h) AS i") == [
        "a",
        "b",
        "d",
        "i",
    ]


def test_report_defaults_name_columns_of_the_row() -> None:
    assert set(REPORT_DEFAULTS) <= set(ReportRow.__annotations__)


def test_the_sweepers_row_is_part_of_a_ticket() -> None:
    due = DueTicketRow.__annotations__
    assert {k: due[k] for k in due} == {k: TicketRow.__annotations__[k] for k in due}


def test_a_ticket_takes_only_its_own_columns() -> None:
    t = dict.fromkeys(TicketRow.__annotations__)
    assert ticket_with(t, {"status": "accepted"})["status"] == "accepted"  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="staus"):
        ticket_with(t, {"staus": "accepted"})  # type: ignore[arg-type]


WIDE_TUPLE = re.compile(r"tuple\[(?:[^\[\]]|\[[^\[\]]*\])*\]")


def test_no_wide_anonymous_tuples() -> None:
    """A tuple of six or more things is a NamedTuple or a dataclass, so each has a name."""
    root = Path(__file__).resolve().parents[2]
    wide = []
    for py in sorted(root.glob("services/*/*/**/*.py")) + sorted(root.glob("shared/**/*.py")):
        for match in WIDE_TUPLE.finditer(py.read_text(encoding="utf-8")):
            inner = match.group(0)[len("tuple[") : -1]
            if _top_level_commas(inner) >= 5:
                wide.append(f"{py.relative_to(root)}: {match.group(0)}")
    assert not wide


def _top_level_commas(text: str) -> int:
    depth = commas = 0
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        commas += ch == "," and depth == 0
    return commas
