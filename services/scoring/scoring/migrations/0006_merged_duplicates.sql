-- Linked duplicates counted once (issue 14): a ticket tickets merged into the primary report's
-- ticket (TicketMerged) leaves volume, stage on-time and pass rates; the primary counts once.
-- depends: 0005_praises

ALTER TABLE ticket_facts ADD COLUMN merged_into uuid;
