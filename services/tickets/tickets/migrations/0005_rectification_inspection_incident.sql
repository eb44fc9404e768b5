-- Rectification items (整改) with progress notes and acceptance, inspections, incidents, and
-- recurring-problem detection.
-- depends: 0004_escalations

CREATE TABLE rectifications (
    id             uuid PRIMARY KEY,
    origin         text        NOT NULL,
    origin_id      text,
    problem        text        NOT NULL,
    measures       text,
    responsible_id text REFERENCES staff (id),
    department_id  text REFERENCES departments (id),
    team_id        text REFERENCES teams (id),
    deadline       timestamptz NOT NULL,
    status         text        NOT NULL CHECK (status IN ('open', 'accepted')),
    round          integer     NOT NULL DEFAULT 0,
    round_started_at timestamptz NOT NULL,
    opened_by      text        NOT NULL,
    opened_at      timestamptz NOT NULL,
    accepted_by    text,
    accepted_at    timestamptz,
    esc_step       integer     NOT NULL DEFAULT 0,
    next_check_at  timestamptz
);
CREATE INDEX rectifications_next_check ON rectifications (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX rectifications_unit ON rectifications (department_id, team_id, status);

CREATE TABLE rectification_notes (
    id        bigserial PRIMARY KEY,
    item_id   uuid        NOT NULL REFERENCES rectifications (id),
    at        timestamptz NOT NULL,
    author_id text        NOT NULL,
    kind      text        NOT NULL,
    note      text        NOT NULL
);
CREATE INDEX rectification_notes_item ON rectification_notes (item_id, id);

CREATE TABLE inspections (
    id            uuid PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('quality', 'safety')),
    unit_type     text        NOT NULL CHECK (unit_type IN ('department', 'team')),
    unit_id       text        NOT NULL,
    department_id text,
    score         double precision NOT NULL,
    items         jsonb       NOT NULL,
    photos        jsonb       NOT NULL,
    findings      integer     NOT NULL,
    hazards       integer     NOT NULL,
    inspector_id  text        NOT NULL,
    inspected_at  timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX inspections_unit ON inspections (unit_type, unit_id, inspected_at);

CREATE TABLE incidents (
    id            uuid PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('service_quality', 'safety')),
    unit_type     text        NOT NULL CHECK (unit_type IN ('department', 'team', 'staff')),
    unit_id       text        NOT NULL,
    department_id text,
    team_id       text,
    ticket_id     uuid,
    summary       text        NOT NULL,
    evidence      jsonb       NOT NULL,
    occurred_at   timestamptz NOT NULL,
    status        text        NOT NULL CHECK (status IN ('verified', 'appealed', 'overturned')),
    verified_by   text        NOT NULL,
    verified_at   timestamptz NOT NULL,
    appeal_reason text,
    appealed_by   text,
    appealed_at   timestamptz,
    decided_by    text,
    decided_at    timestamptz,
    decision_note text
);

ALTER TABLE tickets ADD COLUMN place_key text;
CREATE INDEX tickets_place_category ON tickets (place_key, category, opened_at) WHERE place_key IS NOT NULL;

CREATE TABLE recurring_problems (
    problem_id       text PRIMARY KEY,
    last_detected_at timestamptz NOT NULL,
    count            integer     NOT NULL
);

CREATE TABLE ticket_rules (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    doc jsonb NOT NULL
);
