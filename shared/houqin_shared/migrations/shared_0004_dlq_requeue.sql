-- Dead-lettered events an admin requeued through the service's API (houqin_shared.dlq_api):
-- written in the transaction that removes the event's `dead_lettered` inbox row, taken by the
-- service's own worker (houqin_shared.dlq_requeue.requeue_round), which re-handles the stored
-- record through the consumer's handlers and inbox, then deletes the row. One row per event
-- and consumer at a time. The record's headers are kept as two arrays (names, values).
-- depends: shared_0003_outbox_quarantine

CREATE TABLE dlq_requeue (
    id bigserial PRIMARY KEY,
    consumer text NOT NULL,
    source text NOT NULL,
    event_id text NOT NULL,
    topic text NOT NULL,
    kafka_partition int NOT NULL,
    kafka_offset bigint NOT NULL,
    record_key bytea,
    record_value bytea,
    header_names text[] NOT NULL,
    header_values bytea[] NOT NULL,
    dlq_at text NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (consumer, source, event_id)
);
