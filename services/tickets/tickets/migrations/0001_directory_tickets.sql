-- The organisation directory and area map (data, loaded through the API) and tickets.
-- depends: shared_0001_outbox_inbox

CREATE TABLE departments (
    id        text PRIMARY KEY,
    name      text NOT NULL,
    name_en   text
);

CREATE TABLE teams (
    id            text PRIMARY KEY,
    department_id text NOT NULL REFERENCES departments (id),
    name          text NOT NULL,
    name_en       text
);

CREATE TABLE areas (
    id        text PRIMARY KEY,
    parent_id text REFERENCES areas (id),
    kind      text NOT NULL CHECK (kind IN ('campus', 'building', 'floor', 'room')),
    name      text NOT NULL
);

CREATE TABLE tickets (
    id            uuid PRIMARY KEY,
    report_id     uuid        NOT NULL UNIQUE,
    tracking_no   text        NOT NULL,
    kind          text        NOT NULL,
    category      text        NOT NULL,
    urgency       text        NOT NULL,
    location      jsonb       NOT NULL,
    description   text        NOT NULL,
    status        text        NOT NULL DEFAULT 'new',
    department_id text,
    team_id       text,
    opened_at     timestamptz NOT NULL
);
CREATE INDEX tickets_team_status ON tickets (team_id, status);
