-- Tickets paused before pauses had a length (0011) are chased too: their pause runs out three
-- days after it began (wall-clock days: never longer than the rules' default of 3 working
-- days), then the sweeper resumes them (tickets.sweeper).
-- depends: 0011_no_dead_ends

UPDATE tickets
SET pause_until   = paused_at + interval '3 days',
    next_check_at = paused_at + interval '3 days'
WHERE status = 'paused' AND paused_at IS NOT NULL AND pause_until IS NULL;
