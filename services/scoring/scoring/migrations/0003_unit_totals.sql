-- Running totals per campaign and unit, kept by the event handlers.
-- depends: 0002_facts_campaigns_scores

-- The totals are the same rows as the grouped queries of repository/sql.py
-- (counts and sums per department, team and person combination), kept up to date by the
-- event handlers in the transaction that records the fact, so a score follows an event
-- without rescanning the facts. A full recompute rebuilds them from the facts.
CREATE TABLE unit_totals (
    campaign_id         uuid    NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    dept                text,
    team                text,
    staff               text,
    volume              bigint  NOT NULL DEFAULT 0,
    closed              bigint  NOT NULL DEFAULT 0,
    passed              bigint  NOT NULL DEFAULT 0,
    accept_done         bigint  NOT NULL DEFAULT 0,
    accept_on_time      bigint  NOT NULL DEFAULT 0,
    arrive_done         bigint  NOT NULL DEFAULT 0,
    arrive_on_time      bigint  NOT NULL DEFAULT 0,
    finish_done         bigint  NOT NULL DEFAULT 0,
    finish_on_time      bigint  NOT NULL DEFAULT 0,
    ratings             bigint  NOT NULL DEFAULT 0,
    rating_points       bigint  NOT NULL DEFAULT 0,
    confirmed           bigint  NOT NULL DEFAULT 0,
    auto_confirmed      bigint  NOT NULL DEFAULT 0,
    fix_rejected        bigint  NOT NULL DEFAULT 0,
    survey_responses    bigint  NOT NULL DEFAULT 0,
    survey_points       numeric NOT NULL DEFAULT 0,
    votes               bigint  NOT NULL DEFAULT 0,
    quality_inspections bigint  NOT NULL DEFAULT 0,
    inspection_points   numeric NOT NULL DEFAULT 0,
    safety_inspections  bigint  NOT NULL DEFAULT 0,
    overdue             bigint  NOT NULL DEFAULT 0,
    transfers           bigint  NOT NULL DEFAULT 0,
    CONSTRAINT unit_totals_key UNIQUE NULLS NOT DISTINCT (campaign_id, dept, team, staff)
);

-- Campaigns whose running totals are complete for the directory and for the campaign as it
-- was when they were built (`campaign_updated_at`: an edit may change the period). A campaign
-- without a matching row is rebuilt from the facts before its next computation.
CREATE TABLE unit_totals_built (
    campaign_id         uuid PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    campaign_updated_at timestamptz NOT NULL,
    built_at            timestamptz NOT NULL
);

-- The handlers read one ticket's ratings and confirmations before and after each change.
CREATE INDEX ratings_ticket ON ratings (ticket_id);
CREATE INDEX ratings_by_report ON ratings (report_id);
CREATE INDEX confirmations_ticket ON confirmations (ticket_id);
