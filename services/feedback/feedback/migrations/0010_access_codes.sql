-- Public progress tracking: the hash of each report's access code (the code itself is given
-- once, in the intake answer, and never stored).
-- depends: 0009_media_url

ALTER TABLE reports ADD COLUMN access_hash bytea;
