-- Escalation of late tickets: a cursor per ticket, the sweep index, fired escalations (once).
-- depends: 0003_time_limits_lifecycle

ALTER TABLE tickets
    ADD COLUMN esc_stage     text,
    ADD COLUMN esc_step      integer NOT NULL DEFAULT 0,
    ADD COLUMN next_check_at timestamptz;
-- The sweeper reads only what is due: cost follows what is due, not the open tickets.
CREATE INDEX tickets_next_check ON tickets (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE escalations (
    subject_kind text        NOT NULL,
    subject_id   uuid        NOT NULL,
    cycle        integer     NOT NULL,
    stage        text        NOT NULL,
    level        integer     NOT NULL,
    warning      boolean     NOT NULL,
    seq          integer     NOT NULL,
    due_at       timestamptz NOT NULL,
    fired_at     timestamptz NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, cycle, stage, level, warning, seq)
);
