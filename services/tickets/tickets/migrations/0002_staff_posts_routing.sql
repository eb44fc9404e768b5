-- Staff, posts, leave, the responsibility map, directory versions; ticket assignees.
-- depends: 0001_directory_tickets

ALTER TABLE departments ADD COLUMN head_id text;
ALTER TABLE teams ADD COLUMN lead_id text;

CREATE TABLE staff (
    id            text PRIMARY KEY,
    name          text    NOT NULL,
    roles         text[]  NOT NULL DEFAULT '{}',
    department_id text REFERENCES departments (id),
    team_id       text REFERENCES teams (id),
    email         text,
    phone         text,
    wecom         text,
    dingtalk      text,
    feishu        text,
    on_duty       boolean NOT NULL DEFAULT true
);

CREATE TABLE staff_leave (
    id        bigserial PRIMARY KEY,
    staff_id  text        NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL,
    ends_at   timestamptz NOT NULL CHECK (ends_at > starts_at),
    reason    text
);
CREATE INDEX staff_leave_staff ON staff_leave (staff_id);

CREATE TABLE posts (
    id         text PRIMARY KEY,
    team_id    text NOT NULL REFERENCES teams (id),
    name       text NOT NULL,
    primary_id text REFERENCES staff (id),
    backup_id  text REFERENCES staff (id)
);

CREATE TABLE responsibilities (
    area_key      text NOT NULL,  -- area id, or '' for everywhere
    category      text NOT NULL,  -- catalogue code, or '*'
    team_id       text REFERENCES teams (id),
    department_id text REFERENCES departments (id),
    post_id       text REFERENCES posts (id),
    PRIMARY KEY (area_key, category),
    CHECK (team_id IS NOT NULL OR department_id IS NOT NULL)
);

CREATE TABLE directory_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL
);

ALTER TABLE tickets ADD COLUMN assignee_id text;
ALTER TABLE tickets ADD COLUMN assigned_via text;
CREATE INDEX tickets_assignee_status ON tickets (assignee_id, status);
CREATE INDEX tickets_department_status ON tickets (department_id, status);
