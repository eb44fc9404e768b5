-- Reception days (后勤接待日): dated sessions at a place with attending leaders.
-- depends: 0005_surveys

CREATE TABLE reception_sessions (
    id         uuid PRIMARY KEY,
    held_on    date        NOT NULL,
    place      text        NOT NULL,
    leaders    jsonb       NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX reports_origin ON reports (origin) WHERE origin IS NOT NULL;
