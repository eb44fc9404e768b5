-- Unattached uploads expire, and each user may hold only so many: find them by uploader and age.
-- depends: 0010_access_codes

CREATE INDEX photos_unattached ON photos (uploaded_by, uploaded_at) WHERE report_id IS NULL;
CREATE INDEX photos_unattached_age ON photos (uploaded_at) WHERE report_id IS NULL;
