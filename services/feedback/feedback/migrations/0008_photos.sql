-- Photos: uploaded first (owned by the uploader), attached to a report when it is filed.
-- depends: 0007_board

CREATE TABLE photos (
    id           uuid PRIMARY KEY,
    uploaded_by  text        NOT NULL,
    report_id    uuid REFERENCES reports (id),
    content_type text        NOT NULL,
    size         integer     NOT NULL,
    storage_key  text        NOT NULL,
    uploaded_at  timestamptz NOT NULL
);
CREATE INDEX photos_report ON photos (report_id) WHERE report_id IS NOT NULL;
