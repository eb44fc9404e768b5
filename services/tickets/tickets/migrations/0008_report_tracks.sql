-- Each kind of report its own path (tickets.tracks): a ticket's track, a complaint's outcome and
-- the team a complaint is about (kept off that team's queue: team_id is null for a complaint).
-- depends: 0007_places

ALTER TABLE tickets
    ADD COLUMN track text NOT NULL DEFAULT 'repair'
        CHECK (track IN ('repair', 'complaint', 'answer')),
    ADD COLUMN outcome text CHECK (outcome IN ('upheld', 'partly_upheld', 'not_upheld')),
    ADD COLUMN about_team_id text;
