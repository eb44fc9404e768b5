-- Places in English too (issue 16): an optional English name of each campus, building, floor
-- and room, which messages and pages show to English readers (the Chinese name otherwise).
-- depends: 0016_inspection_templates

ALTER TABLE areas ADD COLUMN name_en text;
