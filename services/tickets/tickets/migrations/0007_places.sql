-- The place picker lists the rooms repair tickets named in a building (tickets.places).
-- depends: 0006_calendar_spans_as_objects

CREATE INDEX tickets_reported_rooms ON tickets ((location->>'building'), (location->>'room'))
    WHERE kind = 'repair';
