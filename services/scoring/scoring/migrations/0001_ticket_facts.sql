-- Read model of tickets, the facts that scores are computed from.
-- depends: shared_0001_outbox_inbox

CREATE TABLE ticket_facts (
    ticket_id     uuid PRIMARY KEY,
    category      text        NOT NULL,
    department_id text,
    team_id       text,
    opened_at     timestamptz NOT NULL
);
CREATE INDEX ticket_facts_unit ON ticket_facts (department_id, team_id);
