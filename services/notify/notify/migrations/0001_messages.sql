-- Every message the platform records or sends; one per event, recipient and channel.
-- depends: shared_0001_outbox_inbox

CREATE TABLE messages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    text        NOT NULL,
    event_type  text        NOT NULL,
    recipient   text        NOT NULL,
    channel     text        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    tracking_no text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    UNIQUE (event_id, recipient, channel)
);
CREATE INDEX messages_recipient ON messages (recipient, created_at DESC);
CREATE INDEX messages_tracking ON messages (tracking_no);
