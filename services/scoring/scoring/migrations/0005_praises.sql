-- Praise (表扬, issue 14): a praise opens no ticket; tickets credits it to a team (its
-- department) and the person on duty (PraiseReceived). Counted per unit as `praises`.
-- depends: 0004_ticket_track

CREATE TABLE praises (
    report_id     uuid PRIMARY KEY,
    tracking_no   text NOT NULL,
    category      text NOT NULL,
    department_id text,
    team_id       text,
    staff_id      text,
    received_at   timestamptz NOT NULL
);
CREATE INDEX praises_received ON praises (received_at);

ALTER TABLE unit_totals ADD COLUMN praises bigint NOT NULL DEFAULT 0;
