-- Recurring problems weigh where the campaign says so (issue 14; seed 000 §六5: 对连续出现问题的
-- 环节加大处罚力度): each detection of a recurring problem (the same place and kind of work failing
-- again) for its department and team; the n-th detection of one problem weighs n.
-- depends: 0006_rectification_results

CREATE TABLE recurring_detections (
    detection_id  uuid PRIMARY KEY,
    problem_id    text        NOT NULL,
    detected_at   timestamptz NOT NULL,
    department_id text,
    team_id       text,
    count         integer     NOT NULL
);
CREATE INDEX recurring_detections_problem ON recurring_detections (problem_id, detected_at);
CREATE INDEX recurring_detections_at ON recurring_detections (detected_at);

ALTER TABLE unit_totals
    ADD COLUMN recurring_problems bigint NOT NULL DEFAULT 0,
    ADD COLUMN recurring_weight   bigint NOT NULL DEFAULT 0;
