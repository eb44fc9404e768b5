-- Outbox rows the relay could not publish (larger than the broker takes), moved aside with the
-- reason so that the rows behind them flow on; an operator reads, repairs or drops them.
-- depends: shared_0002_inbox_source

CREATE TABLE outbox_quarantine (
    id             bigint      PRIMARY KEY,
    event_id       uuid        NOT NULL,
    topic          text        NOT NULL,
    key            text        NOT NULL,
    event_type     text        NOT NULL,
    headers        jsonb       NOT NULL,
    payload        bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    size_bytes     integer     NOT NULL,
    reason         text        NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
