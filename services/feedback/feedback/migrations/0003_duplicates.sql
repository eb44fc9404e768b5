-- Duplicates: "me too" supporters, staff links to a primary report, indexes to find open
-- reports of a category at one place.
-- depends: 0002_intake_catalog_timeline

ALTER TABLE reports
    ADD COLUMN primary_id uuid REFERENCES reports (id),
    ADD COLUMN linked_by  text,
    ADD COLUMN linked_at  timestamptz;
CREATE INDEX reports_linked ON reports (primary_id) WHERE primary_id IS NOT NULL;

CREATE INDEX reports_open_place ON reports
    (category, (location->>'building'), (location->>'room'), filed_at DESC)
    WHERE status NOT IN ('closed', 'confirmed') AND primary_id IS NULL;
CREATE INDEX reports_open_position ON reports
    (category, ((location->>'lat')::float8), ((location->>'long')::float8))
    WHERE status NOT IN ('closed', 'confirmed') AND location->>'lat' IS NOT NULL;

CREATE TABLE supporters (
    report_id uuid        NOT NULL REFERENCES reports (id),
    user_id   text        NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (report_id, user_id)
);
CREATE INDEX supporters_user ON supporters (user_id, at DESC);
