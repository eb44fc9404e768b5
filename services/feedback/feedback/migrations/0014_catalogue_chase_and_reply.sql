-- Each service's chase and reply deadline as catalogue data (issue 14): how late tickets are
-- chased (warning, levels 1-3 in percent of the limit, reminder spacing) and the published reply
-- deadline of suggestions and consultations, working minutes. NULL: the defaults.
-- depends: 0013_catalogue_names_en

ALTER TABLE services
    ADD COLUMN reply_minutes integer CHECK (reply_minutes > 0),
    ADD COLUMN escalation    jsonb;
