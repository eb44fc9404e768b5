-- Open311 media_url: a client's link to its own copy of a photo, kept as a reference (never
-- fetched by this service).
-- depends: 0008_photos

ALTER TABLE reports ADD COLUMN media_url text;
