-- Directory read model, rules as data, template overrides, channels, preferences, deliveries.
-- depends: 0001_messages

-- The directory as the last DirectoryChanged snapshot gave it (replaced whole, newer wins).
CREATE TABLE directory_state (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version    integer     NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE TABLE directory_units (
    kind          text NOT NULL CHECK (kind IN ('department', 'team')),
    id            text NOT NULL,
    name          text NOT NULL,
    department_id text,
    lead_id       text,
    PRIMARY KEY (kind, id)
);
CREATE TABLE directory_staff (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    department_id text,
    team_id       text,
    roles         text[] NOT NULL DEFAULT '{}',
    email         text,
    phone         text,
    wecom         text,
    dingtalk      text,
    feishu        text
);
CREATE INDEX directory_staff_roles ON directory_staff USING gin (roles);

-- Who filed which (non-anonymous) report, so later ticket events can reach the reporter.
-- Anonymous reporters are never in any event and so never here.
CREATE TABLE reporters (
    report_id   uuid PRIMARY KEY,
    reporter_id text NOT NULL,
    tracking_no text NOT NULL
);

-- Rules: an event (optionally only when some of its fields have given values) tells an
-- audience a kind of message, with a priority, by default on some channels, from a template.
CREATE TABLE rules (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type text    NOT NULL,
    match      jsonb   NOT NULL DEFAULT '{}',
    audience   text    NOT NULL,
    kind       text    NOT NULL,
    priority   text    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channels   text[]  NOT NULL DEFAULT '{inbox}',
    template   text    NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    UNIQUE (event_type, match, audience)
);

-- Operators' overrides of the built-in templates (notify.templates.DEFAULTS).
CREATE TABLE templates (
    name       text NOT NULL,
    lang       text NOT NULL CHECK (lang IN ('zh-CN', 'en')),
    subject    text NOT NULL,
    body       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, lang)
);

-- Delivery channels and their (validated) settings; the in-app inbox needs none.
CREATE TABLE channels (
    name        text PRIMARY KEY,
    type        text    NOT NULL,
    settings    jsonb   NOT NULL DEFAULT '{}',
    enabled     boolean NOT NULL DEFAULT true,
    rate_per_s  double precision CHECK (rate_per_s > 0),
    burst       integer NOT NULL DEFAULT 1 CHECK (burst >= 1),
    tokens      double precision NOT NULL DEFAULT 0,
    refilled_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO channels (name, type) VALUES ('inbox', 'inbox');

-- Per person: channels per kind of message, quiet hours, digest of low-priority items.
CREATE TABLE preferences (
    person_id   text PRIMARY KEY,
    lang        text    NOT NULL DEFAULT 'zh-CN' CHECK (lang IN ('zh-CN', 'en')),
    channels    jsonb   NOT NULL DEFAULT '{}',
    quiet_start time,
    quiet_end   time,
    timezone    text    NOT NULL DEFAULT 'Asia/Shanghai',
    digest      boolean NOT NULL DEFAULT false,
    digest_at   time    NOT NULL DEFAULT '08:30',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A message is also its delivery: one row per (event, recipient, channel).
ALTER TABLE messages
    ADD COLUMN kind            text NOT NULL DEFAULT 'info',
    ADD COLUMN priority        text NOT NULL DEFAULT 'normal',
    ADD COLUMN status          text NOT NULL DEFAULT 'sent'
        CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'digest', 'digested')),
    ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_error      text,
    ADD COLUMN sent_at         timestamptz,
    ADD COLUMN address         text;
CREATE INDEX messages_due ON messages (channel, next_attempt_at) WHERE status = 'pending';
CREATE INDEX messages_digest ON messages (recipient, channel) WHERE status = 'digest';

-- Every delivery attempt, with its outcome.
CREATE TABLE delivery_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  bigint  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    attempt     integer NOT NULL,
    status      text    NOT NULL CHECK (status IN ('sent', 'failed', 'dead', 'resend')),
    error       text,
    duration_ms double precision,
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX delivery_attempts_message ON delivery_attempts (message_id, id);

-- The first rules (editable through /v1/rules).
INSERT INTO rules (event_type, match, audience, kind, priority, channels, template) VALUES
  ('houqin.feedback.ComplaintFiled.v1', '{}', 'reporter', 'receipt', 'normal', '{inbox}', 'receipt'),
  ('houqin.tickets.TicketOpened.v1', '{}', 'team_queue', 'queue', 'normal', '{inbox}', 'ticket_opened'),
  ('houqin.tickets.TicketAssigned.v1', '{}', 'assignee', 'assignment', 'high', '{inbox,email,wecom,sms}', 'assigned'),
  ('houqin.tickets.TicketStatusChanged.v1', '{"status": "resolved"}', 'reporter', 'confirm_request', 'normal', '{inbox}', 'confirm_request'),
  ('houqin.tickets.TicketStatusChanged.v1', '{"status": "cannot_handle"}', 'reporter', 'explanation', 'normal', '{inbox}', 'cannot_handle'),
  ('houqin.tickets.TicketStatusChanged.v1', '{"status": "cannot_handle"}', 'superior', 'cannot_handle_report', 'high', '{inbox,email}', 'cannot_handle_superior'),
  ('houqin.tickets.RectificationOverdue.v1', '{"level": 1}', 'team_lead', 'escalation', 'high', '{inbox,email,wecom}', 'overdue'),
  ('houqin.tickets.RectificationOverdue.v1', '{"level": 2}', 'department_head', 'escalation', 'high', '{inbox,email,dingtalk}', 'overdue'),
  ('houqin.tickets.RectificationOverdue.v1', '{"level": 3}', 'supervisors', 'escalation', 'urgent', '{inbox,email,sms}', 'overdue'),
  ('houqin.tickets.RectificationOverdue.v1', '{"level": 3}', 'division_leaders', 'escalation', 'urgent', '{inbox,email,sms}', 'overdue'),
  ('houqin.tickets.RecurringProblemDetected.v1', '{}', 'supervisors', 'recurring', 'normal', '{inbox,email}', 'recurring'),
  ('houqin.scoring.ScoreComputed.v1', '{}', 'department_head', 'score', 'low', '{inbox,email}', 'score'),
  ('houqin.scoring.AwardsPublished.v1', '{}', 'department_heads', 'awards', 'normal', '{inbox,email,feishu}', 'awards');
