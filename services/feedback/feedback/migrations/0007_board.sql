-- The public board: whether each report's ticket finished within its published limit.
-- depends: 0006_reception_days

ALTER TABLE reports ADD COLUMN finished_on_time boolean;
CREATE INDEX reports_filed_at ON reports (filed_at);
