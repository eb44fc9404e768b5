-- Linked duplicates worked as one (issue 14): a report feedback links as a duplicate has its own
-- ticket merged into the primary report's ticket (closed without work, closed_as duplicate,
-- merged_into the primary's ticket); merged tickets leave the recurring-problem counts.
-- depends: 0012_paused_before_limits

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_closed_as_check;
ALTER TABLE tickets
    ADD CONSTRAINT tickets_closed_as_check CHECK (closed_as IN ('cannot_be_done', 'duplicate')),
    ADD COLUMN merged_into uuid REFERENCES tickets (id);
