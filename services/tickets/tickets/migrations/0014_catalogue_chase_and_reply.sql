-- Each service's chase and reply deadline from the catalogue (issue 14): ServiceCatalogChanged's
-- escalation (warning, levels 1-3 in percent of the limit, reminder spacing) and reply_minutes
-- (the answer track's deadline). NULL: the defaults. A ticket keeps what it opened with (policy).
-- depends: 0013_merged_duplicates

ALTER TABLE service_policies
    ADD COLUMN reply_minutes integer,
    ADD COLUMN escalation    jsonb;
