"""The facts behind each score component, as one SQL text per component.

Each `BASE` query lists the facts of a period ($1 start inclusive, $2 end exclusive; $3 the
campaign id) with the units they count for: `dept`, `team`, `staff` (null where a fact does not
count for that kind of unit). The same facts feed both the set-based totals (`totals`, one grouped scan
per component) and the explanation of one unit (`facts_of`), so
the numbers and their breakdown can never disagree.

Only repair tickets count in the ticket components (volume, stages, closures): a complaint's
or a suggestion's answer (tickets' `track`) is not repair work done on time (issue 14); a linked
duplicate's ticket merged into its primary's (`merged_into`) counts once, as the primary.

Attribution: a ticket counts for its current department, team and assignee; a team's facts also
count for its department; a transfer counts for the unit that passed the ticket on; an overdue
item for its department, team and responsible person; a praise for the team and person it
credits and their department; a rectification result for its department, team and responsible
person.
"""

from __future__ import annotations

# A ticket's units: its department (or its team's), its team, its assignee; `dept_raw` is the
# department of its own (see `facts_page`).
_TICKET_UNITS = """
    COALESCE(t.department_id, tm.department_id) AS dept, t.team_id AS team, t.assignee_id AS staff,
    t.department_id AS dept_raw
"""
# The same for totals, without the join: a missing department is taken from the team by the
# caller (`scores.metrics`), which keeps the grouping on plain columns the planner can estimate.
_TICKET_UNITS_RAW = "t.department_id AS dept, t.team_id AS team, t.assignee_id AS staff"

TICKETS = f"""
SELECT {_TICKET_UNITS}, t.ticket_id, t.tracking_no, t.category, t.opened_at
FROM ticket_facts t LEFT JOIN teams tm ON tm.id = t.team_id
WHERE t.opened_at >= $1 AND t.opened_at < $2 AND t.track = 'repair' AND t.merged_into IS NULL
"""

# A ticket's time-limited stages as rows (the latest completion of each): one branch per stage,
# so that each is read in its completion time's order (an index per stage) and a page of them
# is merged from the three.
_STAGE = """
SELECT {units}, t.ticket_id, t.tracking_no, '{x}'::text AS stage, t.{x}_on_time AS on_time,
       t.{x}_due_at AS due_at, t.{x}_at AS completed_at
FROM ticket_facts t LEFT JOIN teams tm ON tm.id = t.team_id
WHERE t.{x}_at >= $1 AND t.{x}_at < $2 AND t.track = 'repair' AND t.merged_into IS NULL
"""
STAGES = "UNION ALL".join(
    _STAGE.format(units=_TICKET_UNITS, x=x) for x in ("accept", "arrive", "finish")
)

CLOSED = f"""
SELECT {_TICKET_UNITS}, t.ticket_id, t.tracking_no, t.closed_at, t.reopened_at, t.fix_rejected_at,
       (t.reopened_at IS NULL AND t.fix_rejected_at IS NULL) AS passed
FROM ticket_facts t LEFT JOIN teams tm ON tm.id = t.team_id
WHERE t.closed_at >= $1 AND t.closed_at < $2 AND t.track = 'repair' AND t.merged_into IS NULL
"""

# Ratings and confirmations get their ticket id when they are stored or when the ticket
# arrives; one still without (two workers raced) is matched by its report here.
_BY_TICKET_RAW = """
JOIN ticket_facts t ON t.ticket_id = COALESCE(
    x.ticket_id, (SELECT r.ticket_id FROM ticket_facts r WHERE r.report_id = x.report_id LIMIT 1))
"""
# For listing, the same match as two branches, each an equi-join the planner can drive from
# either side (a person's few tickets, or a department's ratings in time order): by the ticket
# id, and by the report for those still without (the report's ticket has that report).
_LISTED = """
SELECT {units}, {columns}
FROM {table} x JOIN ticket_facts t ON t.ticket_id = x.ticket_id LEFT JOIN teams tm ON tm.id = t.team_id
WHERE x.{at} >= $1 AND x.{at} < $2
UNION ALL
SELECT {units}, {columns}
FROM {table} x JOIN ticket_facts t ON t.report_id = x.report_id
LEFT JOIN teams tm ON tm.id = t.team_id
WHERE x.ticket_id IS NULL AND x.{at} >= $1 AND x.{at} < $2
  AND t.ticket_id IN (SELECT r.ticket_id FROM ticket_facts r WHERE r.report_id = x.report_id LIMIT 1)
"""

RATINGS = _LISTED.format(
    units=_TICKET_UNITS,
    columns="x.rating_id, t.ticket_id, x.tracking_no, x.quality, x.timeliness, x.attitude,"
    " x.comment, x.rated_at",
    table="ratings",
    at="rated_at",
)

CONFIRMATIONS = _LISTED.format(
    units=_TICKET_UNITS,
    columns="t.ticket_id, x.report_id, x.tracking_no, x.outcome, x.at",
    table="confirmations",
    at="at",
)

# A unit named in a survey, vote or inspection: a team's also counts for its department.
_NAMED_UNIT = """
    CASE x.unit_type WHEN 'department' THEN x.unit_id
                     WHEN 'team' THEN COALESCE(tm.department_id, {dept}) END AS dept,
    CASE x.unit_type WHEN 'team' THEN x.unit_id END AS team,
    CASE x.unit_type WHEN 'staff' THEN x.unit_id END AS staff
"""

# A closed survey's result for a unit replaces the individual responses for it.
SURVEYS = f"""
SELECT {_NAMED_UNIT.format(dept="NULL")}, x.survey_id, x.answer_id, x.unit_type, x.unit_id,
       x.score, x.responses, x.at
FROM survey_answers x LEFT JOIN teams tm ON x.unit_type = 'team' AND tm.id = x.unit_id
WHERE (x.campaign_id = $3 OR (x.campaign_id IS NULL AND x.at >= $1 AND x.at < $2))
  AND (x.answer_id = 'result' OR NOT EXISTS (
        SELECT 1 FROM survey_answers r WHERE r.survey_id = x.survey_id AND r.answer_id = 'result'
          AND r.unit_type = x.unit_type AND r.unit_id = x.unit_id)) /*scope*/
"""

VOTES = f"""
SELECT {_NAMED_UNIT.format(dept="NULL")}, x.vote_id, x.ballot_id, x.cast_at
FROM votes x LEFT JOIN teams tm ON x.unit_type = 'team' AND tm.id = x.unit_id
WHERE (x.campaign_id = $3 OR (x.campaign_id IS NULL AND x.cast_at >= $1 AND x.cast_at < $2)) /*scope*/
"""

INSPECTIONS = f"""
SELECT {_NAMED_UNIT.format(dept="x.department_id")}, x.inspection_id, x.kind, x.unit_type,
       x.unit_id, x.score, x.findings, x.hazards, x.inspector_id, x.inspected_at
FROM inspections x LEFT JOIN teams tm ON x.unit_type = 'team' AND tm.id = x.unit_id
WHERE x.inspected_at >= $1 AND x.inspected_at < $2 /*scope*/
"""

OVERDUE = """
SELECT COALESCE(x.department_id, tm.department_id) AS dept, x.team_id AS team,
       x.responsible_id AS staff, x.department_id AS dept_raw, x.subject_kind, x.subject_id, x.tracking_no, x.stage,
       x.due_at, x.detected_at
FROM overdue x LEFT JOIN teams tm ON tm.id = x.team_id
WHERE x.detected_at >= $1 AND x.detected_at < $2 /*scope*/
"""

TRANSFERS = """
SELECT COALESCE(x.from_department_id, tm.department_id) AS dept, x.from_team_id AS team,
       NULL::text AS staff, x.from_department_id AS dept_raw, x.transfer_id, x.ticket_id, x.to_department_id, x.to_team_id,
       x.reason, x.at
FROM transfers x LEFT JOIN teams tm ON tm.id = x.from_team_id
WHERE x.state = 'accepted' AND x.at >= $1 AND x.at < $2 /*scope*/
"""


# A praise counts for the team and person credited, and for the department (the team's).
PRAISES = """
SELECT COALESCE(x.department_id, tm.department_id) AS dept, x.team_id AS team,
       x.staff_id AS staff, x.report_id, x.tracking_no, x.category, x.received_at
FROM praises x LEFT JOIN teams tm ON tm.id = x.team_id
WHERE x.received_at >= $1 AND x.received_at < $2 /*scope*/
"""

# A rectification result counts for the item's department (its team's), team and responsible
# person: passed (accepted on time), failed (accepted late, or rejected: 验收不合格).
RECTIFICATIONS = """
SELECT COALESCE(x.department_id, tm.department_id) AS dept, x.team_id AS team,
       x.responsible_id AS staff, x.item_id, x.outcome, x.at
FROM rectification_results x LEFT JOIN teams tm ON tm.id = x.team_id
WHERE x.at >= $1 AND x.at < $2 /*scope*/
"""

# A recurring problem's detection counts for its department (its team's) and team; its weight is
# its number among the problem's detections (penalties rise when the same link fails again).
RECURRING = """
SELECT COALESCE(x.department_id, tm.department_id) AS dept, x.team_id AS team,
       NULL::text AS staff, x.detection_id, x.problem_id, x.count, x.detected_at,
       (SELECT count(*) FROM recurring_detections o WHERE o.problem_id = x.problem_id
         AND o.detected_at <= x.detected_at) AS weight
FROM recurring_detections x LEFT JOIN teams tm ON tm.id = x.team_id
WHERE x.detected_at >= $1 AND x.detected_at < $2 /*scope*/
"""


def _in_period(column: str) -> str:
    return f"({column} >= $1 AND {column} < $2)"


_STAGE_NAMES = ("accept", "arrive", "finish")

# For the totals, everything about tickets is counted in one scan of ticket_facts.
_TICKET_TOTALS = f"""
SELECT {_TICKET_UNITS_RAW}, {_in_period("t.opened_at")} AS opened, {_in_period("t.closed_at")} AS closed,
       (t.reopened_at IS NULL AND t.fix_rejected_at IS NULL) AS passed,
       {", ".join(f"{_in_period(f't.{x}_at')} AS {x}_in, t.{x}_on_time" for x in _STAGE_NAMES)}
FROM ticket_facts t
WHERE ({" OR ".join(_in_period(f"t.{c}_at") for c in ("opened", "closed", *_STAGE_NAMES))})
  AND t.track = 'repair' AND t.merged_into IS NULL /*scope*/
"""

# The facts behind each component, as listed in an explanation.
FACTS: dict[str, str] = {
    "tickets": TICKETS,
    "stages": STAGES,
    "closed": CLOSED,
    "ratings": RATINGS,
    "confirmations": CONFIRMATIONS,
    "surveys": SURVEYS,
    "votes": VOTES,
    "inspections": INSPECTIONS,
    "overdue": OVERDUE,
    "transfers": TRANSFERS,
    "praises": PRAISES,
    "rectifications": RECTIFICATIONS,
    "recurring": RECURRING,
}

# The order the facts of each component are listed in, page by page (keyset pagination): the
# fact's time, then a text unique among the facts of that time. Both are columns of `b`, the
# component's query above.
ORDER: dict[str, tuple[str, str]] = {
    "tickets": ("b.opened_at", "b.ticket_id::text"),
    "stages": ("b.completed_at", "b.ticket_id::text || '/' || b.stage"),
    "closed": ("b.closed_at", "b.ticket_id::text"),
    "ratings": ("b.rated_at", "b.rating_id::text"),
    "confirmations": ("b.at", "b.report_id::text || '/' || b.outcome"),
    "surveys": (
        "b.at",
        "b.survey_id::text || '/' || b.answer_id || '/' || b.unit_type || '/' || b.unit_id",
    ),
    "votes": ("b.cast_at", "b.vote_id::text"),
    "inspections": ("b.inspected_at", "b.inspection_id::text"),
    "overdue": ("b.detected_at", "b.subject_id::text || '/' || b.stage || '/' || b.due_at::text"),
    "transfers": ("b.at", "b.transfer_id::text"),
    "praises": ("b.received_at", "b.report_id::text"),
    "rectifications": ("b.at", "b.item_id::text || '/' || b.outcome"),
    "recurring": ("b.detected_at", "b.detection_id::text"),
}

# Totals: (query of the facts, aggregate columns computed over it); the same facts as FACTS,
# with tickets, closures and stages counted in one scan, and ratings with confirmations in one.
TOTALS: dict[str, tuple[str, str]] = {
    "tickets": (
        _TICKET_TOTALS,
        "count(*) FILTER (WHERE b.opened) AS volume, count(*) FILTER (WHERE b.closed) AS closed,"
        " count(*) FILTER (WHERE b.closed AND b.passed) AS passed, "
        + ", ".join(
            f"count(*) FILTER (WHERE b.{x}_in) AS {x}_done,"
            f" count(*) FILTER (WHERE b.{x}_in AND b.{x}_on_time) AS {x}_on_time"
            for x in _STAGE_NAMES
        ),
    ),
    # ratings and confirmations of the period, joined to their tickets in one pass
    "feedback": (
        f"""SELECT {_TICKET_UNITS_RAW}, x.points, x.outcome
        FROM (SELECT ticket_id, report_id, quality + timeliness + attitude AS points,
                     NULL::text AS outcome
              FROM ratings WHERE rated_at >= $1 AND rated_at < $2 /*scope*/
              UNION ALL
              SELECT ticket_id, report_id, NULL, outcome
              FROM confirmations WHERE at >= $1 AND at < $2 /*scope*/) x
        {_BY_TICKET_RAW}""",
        "count(*) FILTER (WHERE b.outcome IS NULL) AS ratings,"
        " COALESCE(sum(b.points), 0)::bigint AS rating_points,"
        " count(*) FILTER (WHERE b.outcome = 'confirmed') AS confirmed,"
        " count(*) FILTER (WHERE b.outcome = 'auto_confirmed') AS auto_confirmed,"
        " count(*) FILTER (WHERE b.outcome = 'rejected') AS fix_rejected",
    ),
    "surveys": (
        SURVEYS,
        "sum(b.responses)::bigint AS survey_responses, sum(b.score * b.responses) AS survey_points",
    ),
    "votes": (VOTES, "count(*) AS votes"),
    "inspections": (
        INSPECTIONS,
        "count(*) FILTER (WHERE b.kind = 'quality') AS quality_inspections,"
        " COALESCE(sum(b.score) FILTER (WHERE b.kind = 'quality'), 0) AS inspection_points,"
        " count(*) FILTER (WHERE b.kind = 'safety') AS safety_inspections",
    ),
    "overdue": (OVERDUE, "count(*) AS overdue"),
    "transfers": (TRANSFERS, "count(*) AS transfers"),
    "praises": (PRAISES, "count(*) AS praises"),
    "rectifications": (
        RECTIFICATIONS,
        "count(*) FILTER (WHERE b.outcome = 'on_time') AS rectifications_passed,"
        " count(*) FILTER (WHERE b.outcome <> 'on_time') AS rectifications_failed",
    ),
    "recurring": (
        RECURRING,
        "count(*) AS recurring_problems, COALESCE(sum(b.weight), 0)::bigint AS recurring_weight",
    ),
}


def totals(component: str) -> str:
    """Totals of one component per (department, team, person) combination, in one scan; every
    aggregate is a count or a sum, so the caller adds them up per unit exactly."""
    base, aggregates = TOTALS[component]
    return f"SELECT b.dept, b.team, b.staff, {aggregates} FROM ({base}) b GROUP BY 1, 2, 3"


UNIT_COLUMN = {"department": "dept", "team": "team", "staff": "staff"}


def uses_campaign(component: str) -> bool:
    """Whether the component's queries take the campaign id as $3."""
    return "$3" in FACTS.get(component, "") or "$3" in TOTALS.get(component, ("", ""))[0]


def facts_of(component: str, unit_type: str) -> str:
    """The facts of one component behind one unit's totals (the unit id is the last parameter)."""
    base = FACTS[component]
    n = 4 if uses_campaign(component) else 3
    return f"SELECT b.* FROM ({base}) b WHERE b.{UNIT_COLUMN[unit_type]} = ${n}"


def facts_page(component: str, unit_type: str, after: bool, few: bool) -> str:
    """One page of `facts_of`, in `ORDER`: the unit id, then (`after`) the time and key of the
    last fact of the page before, then the number of rows. Adds the fact's `_at` and `_key`.

    A unit with `few` facts of the component has them all read (through its own tickets or
    rows) and sorted. Otherwise its facts are dense in the component's time order, so each
    branch of a UNION ALL is read in that order from its time index and cut to the page on its
    own, and the branches are merged; the time bound stands alone so that the index serves it.
    (Read in time order, a unit with few facts would make the scan pass over most of the
    period's facts to find none.)"""
    at, key = ORDER[component]
    n = 4 if uses_campaign(component) else 3
    where = f"b.{UNIT_COLUMN[unit_type]} = ${n}"
    if unit_type == "department" and "dept_raw" in FACTS[component]:
        # the same test, in terms the planner can estimate (a department is a large share of
        # the facts, so it reads them in time order rather than all of them)
        where = (
            f"(b.dept_raw = ${n} OR (b.dept_raw IS NULL"
            f" AND b.team IN (SELECT id FROM teams WHERE department_id = ${n})))"
        )
    if after:
        where += f" AND {at} >= ${n + 1} AND ({at} > ${n + 1} OR ({key}) > ${n + 2})"
    limit = f"${n + 3}" if after else f"${n + 1}"
    select = f"SELECT b.*, {at} AS _at, ({key}) AS _key FROM ({{}}) b WHERE {where}"
    if few:
        every = select.format(FACTS[component])
        return f"WITH f AS MATERIALIZED ({every}) SELECT * FROM f ORDER BY _at, _key LIMIT {limit}"
    branches = [
        f"({select.format(branch)} ORDER BY {at}, ({key}) LIMIT {limit})"
        for branch in FACTS[component].split("UNION ALL")
    ]
    if len(branches) == 1:
        return branches[0][1:-1]
    return f"SELECT * FROM ({' UNION ALL '.join(branches)}) p ORDER BY _at, _key LIMIT {limit}"


# Running totals (`repository.totals`): the handlers add, per event, the difference between the
# totals of the facts the event can change, read before and after it is recorded. These are the
# same queries restricted to those facts (`/*scope*/` in the queries above marks the place).
# Each names the kinds of ids its scope takes, as uuid[] parameters after the period (and the
# campaign, where the component takes it).
SCOPES: dict[str, tuple[tuple[str, str], ...]] = {
    "tickets": (("tickets", "t.ticket_id = ANY({})"),),
    "feedback": (("tickets", "ticket_id = ANY({})"), ("reports", "report_id = ANY({})")),
    "surveys": (("surveys", "x.survey_id = ANY({})"),),
    "votes": (("votes", "x.vote_id = ANY({})"),),
    "inspections": (("inspections", "x.inspection_id = ANY({})"),),
    "overdue": (("overdue", "x.subject_id = ANY({})"),),
    "transfers": (("transfers", "x.transfer_id = ANY({})"),),
    "praises": (("praises", "x.report_id = ANY({})"),),
    "rectifications": (("rectifications", "x.item_id = ANY({})"),),
    "recurring": (("recurring", "x.detection_id = ANY({})"),),
}


def scoped_totals(component: str) -> str:
    """`totals(component)` over only the facts named by the scope parameters."""
    first = 4 if uses_campaign(component) else 3
    conditions = [
        test.format(f"${first + i}::uuid[]") for i, (_, test) in enumerate(SCOPES[component])
    ]
    return totals(component).replace("/*scope*/", f"AND ({' OR '.join(conditions)})")


TOTAL_COLUMNS = (
    "volume",
    "closed",
    "passed",
    *(f"{x}_{what}" for x in _STAGE_NAMES for what in ("done", "on_time")),
    "ratings",
    "rating_points",
    "confirmed",
    "auto_confirmed",
    "fix_rejected",
    "survey_responses",
    "survey_points",
    "votes",
    "quality_inspections",
    "inspection_points",
    "safety_inspections",
    "overdue",
    "transfers",
    "praises",
    "rectifications_passed",
    "rectifications_failed",
    "recurring_problems",
    "recurring_weight",
)
"""Every aggregate of `TOTALS`, as the columns of the `unit_totals` table."""
