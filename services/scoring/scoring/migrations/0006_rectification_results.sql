-- Rectification results in the supervision score (issue 14): each acceptance of a rectification
-- item (整改验收), on time or late, and each failed acceptance, for the item's department, team
-- and responsible person. A campaign's rectification_points (default 0) takes that many points
-- off a unit's inspection component per failed or late result.
-- depends: 0006_merged_duplicates

CREATE TABLE rectification_results (
    item_id        uuid        NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('on_time', 'late', 'rejected')),
    at             timestamptz NOT NULL,
    department_id  text,
    team_id        text,
    responsible_id text,
    PRIMARY KEY (item_id, outcome, at)
);
CREATE INDEX rectification_results_at ON rectification_results (at);

ALTER TABLE unit_totals
    ADD COLUMN rectifications_passed bigint NOT NULL DEFAULT 0,
    ADD COLUMN rectifications_failed bigint NOT NULL DEFAULT 0;
