-- Messages in the reader's words, leading to the work (issue 16).
-- Names of the catalogue's categories, the area map's campuses and buildings, and the
-- departments' and teams' English names, as feedback's and tickets' APIs give them
-- (notify.name_source refreshes them); the directory read model names people and units in zh.
-- depends: 0007_praise_rules

CREATE TABLE names (
    kind       text NOT NULL CHECK (kind IN ('category', 'area', 'department', 'team')),
    code       text NOT NULL,
    name       text NOT NULL,
    name_en    text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, code)
);
CREATE TABLE names_state (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    fetched_at timestamptz NOT NULL
);

-- What a ticket is about (from TicketOpened), so later messages about it (assigned, resolved,
-- overdue) name its category, place and urgency too.
CREATE TABLE ticket_facts (
    ticket_id   uuid PRIMARY KEY,
    report_id   uuid,
    tracking_no text,
    kind        text,
    category    text NOT NULL,
    urgency     text,
    location    jsonb NOT NULL DEFAULT '{}',
    opened_at   timestamptz NOT NULL DEFAULT now()
);

-- The console page each message leads to (a path), its short code (/go/<code>) and the words
-- on its button in the reader's language (notify.links).
ALTER TABLE messages
    ADD COLUMN link       text,
    ADD COLUMN link_code  text,
    ADD COLUMN link_label text;

-- A praise routed only to a department (no team, no person) is told to the department head
-- (issue 14: before, nobody heard of it).
INSERT INTO rules (event_type, match, audience, kind, priority, channels, template) VALUES
  ('houqin.tickets.PraiseReceived.v1', '{"team_id": null}', 'department_head', 'praise', 'normal', '{inbox,email}', 'praise')
ON CONFLICT (event_type, match, audience) DO NOTHING;
