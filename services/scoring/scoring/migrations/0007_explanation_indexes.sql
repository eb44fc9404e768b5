-- The facts behind a score, page by page (GET .../facts/{component}; repository.sql.facts_page):
-- a department's or a big team's facts are read in each component's time order, a unit with few
-- facts through its own tickets. Measured with EXPLAIN ANALYZE on bench/lead_pages.py's month
-- (1,000,000 tickets): without these, a page of stage completions or confirmations sorted the
-- whole period (0.5-2.5 s); with them, 2-60 ms for a department or a team (docs/benchmarks.md).
-- depends: 0006_recurring_problems

-- stage completions in time order, one index per stage (the listing merges the three)
CREATE INDEX ticket_facts_accept ON ticket_facts (accept_at);
CREATE INDEX ticket_facts_arrive ON ticket_facts (arrive_at);
CREATE INDEX ticket_facts_finish ON ticket_facts (finish_at);
-- a team's or a person's own tickets (all of them, or from a time on)
CREATE INDEX ticket_facts_team_opened ON ticket_facts (team_id, opened_at);
CREATE INDEX ticket_facts_assignee_opened ON ticket_facts (assignee_id, opened_at);
-- confirmations in time order; ratings and confirmations still matched by their report only
CREATE INDEX confirmations_at ON confirmations (at);
CREATE INDEX ratings_unmatched_rated ON ratings (rated_at) WHERE ticket_id IS NULL;
CREATE INDEX confirmations_unmatched_at ON confirmations (at) WHERE ticket_id IS NULL;
-- overdue items and transfers in time order
CREATE INDEX overdue_detected ON overdue (detected_at);
CREATE INDEX transfers_at ON transfers (at);
