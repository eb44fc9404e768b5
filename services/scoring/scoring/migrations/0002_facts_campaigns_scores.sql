-- Read models of every fact scores come from, campaigns as data, and computed scores.
-- depends: 0001_ticket_facts

-- Ticket events may arrive before TicketOpened; a stub row is completed when it comes.
ALTER TABLE ticket_facts ALTER COLUMN category DROP NOT NULL;
ALTER TABLE ticket_facts ALTER COLUMN opened_at DROP NOT NULL;
ALTER TABLE ticket_facts
    ADD COLUMN report_id      uuid,
    ADD COLUMN tracking_no    text,
    ADD COLUMN assignee_id    text,
    ADD COLUMN status         text,
    ADD COLUMN closed_at      timestamptz,   -- the last close
    ADD COLUMN reopened_at    timestamptz,   -- the first reopen (rework)
    ADD COLUMN fix_rejected_at timestamptz,  -- the first failed acceptance by the reporter
    ADD COLUMN updated_at     timestamptz,
    -- the latest completion of each time-limited stage (a stage done again after a reopen
    -- replaces the earlier one), with its due time and whether it was on time
    ADD COLUMN accept_at      timestamptz,
    ADD COLUMN accept_due_at  timestamptz,
    ADD COLUMN accept_on_time boolean,
    ADD COLUMN arrive_at      timestamptz,
    ADD COLUMN arrive_due_at  timestamptz,
    ADD COLUMN arrive_on_time boolean,
    ADD COLUMN finish_at      timestamptz,
    ADD COLUMN finish_due_at  timestamptz,
    ADD COLUMN finish_on_time boolean;
CREATE INDEX ticket_facts_report ON ticket_facts (report_id);
CREATE INDEX ticket_facts_opened ON ticket_facts (opened_at);
CREATE INDEX ticket_facts_closed ON ticket_facts (closed_at);

CREATE TABLE transfers (
    transfer_id        uuid PRIMARY KEY,
    ticket_id          uuid        NOT NULL,
    state              text        NOT NULL,
    from_department_id text,
    from_team_id       text,
    to_department_id   text,
    to_team_id         text,
    reason             text        NOT NULL,
    at                 timestamptz NOT NULL
);

-- Overdue stages and rectification items (warnings are not stored).
CREATE TABLE overdue (
    subject_id     uuid        NOT NULL,
    stage          text        NOT NULL,
    due_at         timestamptz NOT NULL,
    subject_kind   text        NOT NULL,
    tracking_no    text,
    department_id  text,
    team_id        text,
    responsible_id text,
    detected_at    timestamptz NOT NULL,
    PRIMARY KEY (subject_id, stage, due_at)
);

CREATE TABLE ratings (
    rating_id   uuid PRIMARY KEY,
    report_id   uuid        NOT NULL,
    ticket_id   uuid,
    tracking_no text        NOT NULL,
    quality     smallint    NOT NULL,
    timeliness  smallint    NOT NULL,
    attitude    smallint    NOT NULL,
    comment     text,
    rated_at    timestamptz NOT NULL
);
CREATE INDEX ratings_rated ON ratings (rated_at);
CREATE INDEX ratings_report ON ratings (report_id) WHERE ticket_id IS NULL;

-- Confirmations (auto or by the reporter) and rejections of fixes.
CREATE TABLE confirmations (
    report_id   uuid        NOT NULL,
    at          timestamptz NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('confirmed', 'auto_confirmed', 'rejected')),
    ticket_id   uuid,
    tracking_no text        NOT NULL,
    PRIMARY KEY (report_id, at, outcome)
);
-- Ratings and confirmations that name only the report get the ticket id when it is known.

-- Survey answers: one row per response and unit, or (source 'result') a closed survey's result,
-- which then replaces that survey's individual responses for the unit.
CREATE TABLE survey_answers (
    survey_id   uuid        NOT NULL,
    answer_id   text        NOT NULL,     -- the response id, or 'result'
    unit_type   text        NOT NULL,
    unit_id     text        NOT NULL,
    campaign_id uuid,
    score       numeric     NOT NULL,
    responses   integer     NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (survey_id, answer_id, unit_type, unit_id)
);

CREATE TABLE votes (
    vote_id     uuid PRIMARY KEY,
    ballot_id   uuid        NOT NULL,
    campaign_id uuid,
    unit_type   text        NOT NULL,
    unit_id     text        NOT NULL,
    cast_at     timestamptz NOT NULL
);

CREATE TABLE inspections (
    inspection_id uuid PRIMARY KEY,
    kind          text        NOT NULL,
    unit_type     text        NOT NULL,
    unit_id       text        NOT NULL,
    department_id text,
    score         numeric     NOT NULL,
    findings      integer     NOT NULL,
    hazards       integer     NOT NULL,
    inspector_id  text        NOT NULL,
    inspected_at  timestamptz NOT NULL
);

CREATE TABLE incidents (
    incident_id     uuid PRIMARY KEY,
    kind            text,
    unit_type       text        NOT NULL,
    unit_id         text        NOT NULL,
    department_id   text,
    team_id         text,
    ticket_id       uuid,
    summary         text,
    occurred_at     timestamptz,
    verified_by     text,
    verified_at     timestamptz,
    overturned_at   timestamptz,
    overturn_reason text
);

-- The directory, replaced by each newer DirectoryChanged snapshot.
CREATE TABLE directory_version (id boolean PRIMARY KEY DEFAULT true CHECK (id), version integer NOT NULL);
CREATE TABLE departments (id text PRIMARY KEY, name text NOT NULL, lead_id text);
CREATE TABLE teams (id text PRIMARY KEY, name text NOT NULL, department_id text, lead_id text);
CREATE TABLE staff (
    id text PRIMARY KEY, name text NOT NULL, department_id text, team_id text, roles text[] NOT NULL
);

CREATE TABLE campaigns (
    id           uuid PRIMARY KEY,
    name         text        NOT NULL,
    period_start date        NOT NULL,
    period_end   date        NOT NULL CHECK (period_end >= period_start),
    timezone     text        NOT NULL DEFAULT 'Asia/Shanghai',
    departments  text[],                     -- null: every department in the directory
    rules        jsonb       NOT NULL,       -- weights, quotas, rounding, min samples, veto
    published_at timestamptz,
    published_by text,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE work_marks (
    campaign_id   uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    unit_type     text        NOT NULL,
    unit_id       text        NOT NULL,
    mark          numeric     NOT NULL CHECK (mark BETWEEN 0 AND 100),
    justification text        NOT NULL,
    marked_by     text        NOT NULL,
    marked_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, unit_type, unit_id)
);

-- Campaigns with facts newer than their scores; `seq` changes on every touch, so a recompute
-- that started before a touch leaves the campaign dirty.
CREATE SEQUENCE touch_seq;
CREATE TABLE campaign_touches (
    campaign_id uuid PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    seq         bigint      NOT NULL,
    touched_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE scores (
    campaign_id        uuid    NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    unit_type          text    NOT NULL,
    unit_id            text    NOT NULL,
    unit_name          text    NOT NULL,
    department_id      text,
    team_id            text,
    composite          double precision,
    work_score         double precision,
    inspection_score   double precision,
    satisfaction_score double precision,
    on_time_rate       double precision,
    pass_rate          double precision,
    rank               integer,
    award              text,
    vetoed             boolean NOT NULL,
    not_ranked_reason  text,
    detail             jsonb   NOT NULL,     -- metrics, work source, vetoing incidents
    computed_at        timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, unit_type, unit_id)
);

CREATE TABLE published_awards (
    campaign_id uuid    NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    award       text    NOT NULL,
    unit_type   text    NOT NULL,
    unit_id     text    NOT NULL,
    rank        integer NOT NULL,
    composite   double precision NOT NULL,
    PRIMARY KEY (campaign_id, unit_type, unit_id)
);

-- Scores group tickets by (department, team, assignee): tell the planner how few such
-- combinations there are, so it aggregates in memory instead of sorting a million rows.
CREATE STATISTICS ticket_facts_units (ndistinct) ON department_id, team_id, assignee_id FROM ticket_facts;
