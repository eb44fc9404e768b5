-- Recurring problems (重复问题) are listed and acknowledged (issue 14; seed 000 §六5: where the
-- same link fails again, penalties rise, so repeats must be visible and answered for).
-- depends: 0008_report_tracks

ALTER TABLE recurring_problems
    ADD COLUMN category          text,
    ADD COLUMN place_key         text,
    ADD COLUMN location          jsonb,
    ADD COLUMN department_id     text,
    ADD COLUMN team_id           text,
    ADD COLUMN ticket_ids        uuid[]  NOT NULL DEFAULT '{}',
    ADD COLUMN first_detected_at timestamptz,
    ADD COLUMN detections        integer NOT NULL DEFAULT 1,
    ADD COLUMN acknowledged_at   timestamptz,
    ADD COLUMN acknowledged_by   text,
    ADD COLUMN acknowledgement   text;

UPDATE recurring_problems
SET category = split_part(problem_id, '@', 1),
    place_key = substr(problem_id, strpos(problem_id, '@') + 1),
    first_detected_at = last_detected_at;

CREATE INDEX recurring_problems_latest ON recurring_problems (last_detected_at DESC, problem_id);
