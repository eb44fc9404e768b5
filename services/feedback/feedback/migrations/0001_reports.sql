-- Reports from every channel, with their tracking numbers.
-- depends: shared_0001_outbox_inbox

CREATE SEQUENCE report_seq;

CREATE TABLE reports (
    id            uuid PRIMARY KEY,
    tracking_no   text        NOT NULL UNIQUE,
    kind          text        NOT NULL,
    category      text        NOT NULL,
    channel       text        NOT NULL,
    urgency       text        NOT NULL,
    location      jsonb       NOT NULL,
    description   text        NOT NULL,
    anonymous     boolean     NOT NULL,
    reporter_id   text,
    contact       text,
    filed_by      text        NOT NULL,
    status        text        NOT NULL DEFAULT 'filed',
    filed_at      timestamptz NOT NULL
);
CREATE INDEX reports_reporter ON reports (reporter_id, filed_at DESC);
