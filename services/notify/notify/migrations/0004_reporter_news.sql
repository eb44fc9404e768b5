-- News for a report's followers waiting for feedback to say who they are (anonymous reporters,
-- "me too" and linked reporters): the worker's consumer never waits on feedback's API; a
-- periodic task asks it and stores the messages, retrying with backoff while it cannot answer.
-- depends: 0003_to_reporter

CREATE TABLE reporter_news (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        text        NOT NULL,
    event_type      text        NOT NULL,
    rule_id         bigint      NOT NULL,
    report_id       uuid        NOT NULL,
    event           jsonb       NOT NULL,
    correlation_id  text,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, rule_id)
);
CREATE INDEX reporter_news_due ON reporter_news (next_attempt_at);
