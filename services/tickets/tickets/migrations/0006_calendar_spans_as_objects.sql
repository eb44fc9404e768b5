-- The working calendar's hours and closed periods become {start, end} objects (were pairs).
-- depends: 0005_rectification_inspection_incident

UPDATE working_calendar
SET doc = doc
    || jsonb_build_object('hours', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('start', h -> 0, 'end', h -> 1)), '[]'::jsonb)
        FROM jsonb_array_elements(doc -> 'hours') AS h))
    || jsonb_build_object('closed', (
        SELECT coalesce(jsonb_agg(jsonb_build_object('start', c -> 0, 'end', c -> 1)), '[]'::jsonb)
        FROM jsonb_array_elements(coalesce(doc -> 'closed', '[]'::jsonb)) AS c))
WHERE jsonb_typeof(doc -> 'hours' -> 0) = 'array';
