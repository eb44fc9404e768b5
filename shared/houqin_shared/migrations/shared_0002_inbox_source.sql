-- The inbox is keyed by (consumer, ce_source, ce_id): CloudEvents makes only source + id unique,
-- so two campus systems' event "1001" are two events. Existing rows keep their meaning: the
-- platform's own types come from their owner's source (houqin.<svc>.X -> /houqin/<svc>);
-- the source of an older inbound report or of a record that was no event is unknown ('').
-- depends: shared_0001_outbox_inbox

ALTER TABLE inbox ADD COLUMN source text NOT NULL DEFAULT '';

UPDATE inbox SET source = '/houqin/' || split_part(event_type, '.', 2)
WHERE event_type LIKE 'houqin.%' AND event_type NOT LIKE 'houqin.inbound.%';

ALTER TABLE inbox DROP CONSTRAINT inbox_pkey, ADD PRIMARY KEY (consumer, source, event_id);
