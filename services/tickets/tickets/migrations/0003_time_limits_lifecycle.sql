-- Time limits (published policies, the working calendar, due times per ticket), the lifecycle
-- (audit trail, transfers).
-- depends: 0002_staff_posts_routing

CREATE TABLE service_policies (
    code       text PRIMARY KEY,
    version    integer     NOT NULL,
    calendar   text        NOT NULL CHECK (calendar IN ('working_hours', 'round_the_clock')),
    limits     jsonb       NOT NULL,
    active     boolean     NOT NULL,
    changed_at timestamptz NOT NULL
);

CREATE TABLE working_calendar (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    doc jsonb NOT NULL
);

ALTER TABLE tickets
    ADD COLUMN policy           jsonb,
    ADD COLUMN clock_started_at timestamptz,
    ADD COLUMN credit_s         double precision NOT NULL DEFAULT 0,
    ADD COLUMN paused_at        timestamptz,
    ADD COLUMN paused_from      text,
    ADD COLUMN accept_due_at    timestamptz,
    ADD COLUMN arrive_due_at    timestamptz,
    ADD COLUMN finish_due_at    timestamptz,
    ADD COLUMN accepted_at      timestamptz,
    ADD COLUMN arrived_at       timestamptz,
    ADD COLUMN resolved_at      timestamptz,
    ADD COLUMN closed_at        timestamptz,
    ADD COLUMN transfer_count   integer NOT NULL DEFAULT 0,
    ADD COLUMN cycle            integer NOT NULL DEFAULT 0,
    ADD COLUMN updated_at       timestamptz;

CREATE TABLE ticket_actions (
    id          bigserial PRIMARY KEY,
    ticket_id   uuid        NOT NULL REFERENCES tickets (id),
    at          timestamptz NOT NULL,
    actor_id    text,
    action      text        NOT NULL,
    from_status text,
    to_status   text,
    note        text,
    detail      jsonb
);
CREATE INDEX ticket_actions_ticket ON ticket_actions (ticket_id, id);

CREATE TABLE transfers (
    id               uuid PRIMARY KEY,
    ticket_id        uuid        NOT NULL REFERENCES tickets (id),
    from_team_id     text,
    from_department_id text,
    to_team_id       text REFERENCES teams (id),
    to_department_id text NOT NULL REFERENCES departments (id),
    reason           text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('requested', 'accepted', 'rejected')),
    requested_by     text        NOT NULL,
    requested_at     timestamptz NOT NULL,
    decided_by       text,
    decided_at       timestamptz,
    decision_note    text
);
CREATE UNIQUE INDEX transfers_one_pending ON transfers (ticket_id) WHERE state = 'requested';
CREATE INDEX transfers_to_team ON transfers (to_team_id, state);
CREATE INDEX transfers_to_department ON transfers (to_department_id, state);
