-- Intake details, idempotency, the service catalogue, the reporter's timeline, confirmations,
-- ratings and the unmasking audit.
-- depends: 0001_reports

ALTER TABLE reports
    ADD COLUMN origin          text,
    ADD COLUMN transcribed_by  text,
    ADD COLUMN idempotency_key text,
    ADD COLUMN request_hash    text,
    ADD COLUMN source_system   text,
    ADD COLUMN external_id     text,
    ADD COLUMN ticket_id       uuid,
    ADD COLUMN ticket_status   text,
    ADD COLUMN department_id   text,
    ADD COLUMN team_id         text,
    ADD COLUMN assignees       text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN explanation     text,
    ADD COLUMN resolved_at     timestamptz,
    ADD COLUMN awaiting_confirmation boolean NOT NULL DEFAULT false,
    ADD COLUMN confirmation    text,
    ADD COLUMN confirmed_at    timestamptz;

-- A retried POST with the same Idempotency-Key by the same caller finds the first report.
CREATE UNIQUE INDEX reports_idempotency ON reports (filed_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- A campus system's report is taken once per (source system, external id).
CREATE UNIQUE INDEX reports_external ON reports (source_system, external_id)
    WHERE source_system IS NOT NULL;
CREATE INDEX reports_ticket ON reports (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX reports_awaiting ON reports (resolved_at) WHERE awaiting_confirmation;

-- The public catalogue of services and their commitments (服务承诺).
CREATE TABLE services (
    code            text PRIMARY KEY,
    name            text        NOT NULL,
    description     text        NOT NULL DEFAULT '',
    standard        text        NOT NULL DEFAULT '',
    fee             text        NOT NULL DEFAULT '',
    limits          jsonb       NOT NULL DEFAULT '[]',
    calendar        text        NOT NULL DEFAULT 'working_hours',
    service_phone   text,
    complaint_phone text,
    department_id   text,
    active          boolean     NOT NULL DEFAULT true,
    version         integer     NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text        NOT NULL
);

-- What happened to a report, as its reporter sees it (built from tickets' events).
CREATE TABLE report_events (
    id          bigserial PRIMARY KEY,
    report_id   uuid        NOT NULL REFERENCES reports (id),
    event_id    text,
    kind        text        NOT NULL,
    status      text,
    note        text,
    team_id     text,
    department_id text,
    author_id   text,
    at          timestamptz NOT NULL
);
CREATE INDEX report_events_report ON report_events (report_id, at, id);

CREATE TABLE ratings (
    id          uuid PRIMARY KEY,
    report_id   uuid        NOT NULL REFERENCES reports (id),
    rater_id    text        NOT NULL,
    quality     smallint    NOT NULL CHECK (quality BETWEEN 1 AND 5),
    timeliness  smallint    NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    attitude    smallint    NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    comment     text,
    rated_at    timestamptz NOT NULL,
    UNIQUE (report_id, rater_id)
);

-- Every time a supervisor saw an anonymous reporter's identity, and why.
CREATE TABLE unmask_audit (
    id          bigserial PRIMARY KEY,
    report_id   uuid        NOT NULL REFERENCES reports (id),
    supervisor_id text      NOT NULL,
    reason      text        NOT NULL,
    at          timestamptz NOT NULL
);
