-- A ticket's track (issue 14): repair, complaint or answer (suggestion, consultation). Only
-- repairs count in the repair measures (volume, on-time and pass rates): a department head's
-- answer to a complaint is not a repair done on time.
-- depends: 0003_unit_totals

ALTER TABLE ticket_facts ADD COLUMN track text NOT NULL DEFAULT 'repair';
-- Totals kept so far may count complaint tickets: every campaign's are rebuilt from the facts.
DELETE FROM unit_totals_built;
