-- No dead ends in the figures (issue 14): a cannot_handle ticket is chased until its lead or
-- head decides (stuck_at: since when); a close as cannot be done (closed_as) counts late unless
-- a supervisor accepts the reason; a pause has a listed reason and runs out (pause_until).
-- depends: 0010_praises

ALTER TABLE tickets
    ADD COLUMN stuck_at           timestamptz,
    ADD COLUMN closed_as          text CHECK (closed_as IN ('cannot_be_done')),
    ADD COLUMN reason_accepted_by text,
    ADD COLUMN reason_accepted_at timestamptz,
    ADD COLUMN pause_reason       text
        CHECK (pause_reason IN ('waiting_parts', 'reporter_absent', 'outside_contractor')),
    ADD COLUMN pause_until        timestamptz;
