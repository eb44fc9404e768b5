-- A worker's pause longer than the rules allow waits for the team lead's approval (issue 16):
-- the request keeps the reason, days and note; the lead approves (the pause is made as asked)
-- or refuses it.
-- depends: 0012_paused_before_limits

CREATE TABLE pause_requests (
    id           uuid PRIMARY KEY,
    ticket_id    uuid        NOT NULL REFERENCES tickets (id),
    team_id      text,
    asked_by     text        NOT NULL,
    asked_at     timestamptz NOT NULL,
    pause_reason text        NOT NULL
        CHECK (pause_reason IN ('waiting_parts', 'reporter_absent', 'outside_contractor')),
    pause_days   integer     NOT NULL CHECK (pause_days BETWEEN 1 AND 30),
    note         text,
    state        text        NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approved', 'refused')),
    decided_by   text,
    decided_at   timestamptz,
    decision_note text
);
CREATE UNIQUE INDEX pause_requests_one_pending ON pause_requests (ticket_id)
    WHERE state = 'pending';
CREATE INDEX pause_requests_team ON pause_requests (team_id) WHERE state = 'pending';
