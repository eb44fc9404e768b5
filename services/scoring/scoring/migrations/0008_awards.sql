-- Awards as the seeds run them (issue 18): award kinds as campaign data, nominations with their
-- sign-off chain (附表1–3), the decided awards, publicity (公示) and objections.
-- depends: 0007_explanation_indexes

-- The campaign's award kinds, sign-off steps, own units (posts, service windows) and publicity
-- period, as the API validated them (scoring.schemas_awards.AwardSetupIn).
CREATE TABLE award_setups (
    campaign_id uuid PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    setup       jsonb       NOT NULL,
    set_by      text        NOT NULL,
    set_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE nominations (
    id            uuid PRIMARY KEY,
    campaign_id   uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind          text        NOT NULL,
    unit_type     text        NOT NULL,
    unit_id       text        NOT NULL,
    unit_name     text        NOT NULL,
    department_id text,
    team_id       text,
    deeds         text        NOT NULL,
    attachments   jsonb       NOT NULL DEFAULT '[]',
    status        text        NOT NULL CHECK (status IN ('in_review', 'returned', 'rejected', 'approved')),
    step          integer     NOT NULL,
    chain         jsonb       NOT NULL,     -- the steps this form goes through
    score         jsonb       NOT NULL,     -- the nominee's scores and explanation when nominated
    nominated_by  text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- one live nomination of a unit per kind
CREATE UNIQUE INDEX nominations_live ON nominations (campaign_id, kind, unit_type, unit_id)
    WHERE status <> 'rejected';
CREATE INDEX nominations_campaign ON nominations (campaign_id, kind, department_id);

-- The audit of every sign-off step: submitted, resubmitted, approve, return, reject.
CREATE TABLE nomination_signoffs (
    id            bigserial PRIMARY KEY,
    nomination_id uuid        NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    step          text        NOT NULL,
    decision      text        NOT NULL,
    comment       text        NOT NULL DEFAULT '',
    signed_by     text        NOT NULL,
    signed_name   text,
    signed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX nomination_signoffs_of ON nomination_signoffs (nomination_id, id);

-- The leaders' decision, published for 公示 until closes_at, final at final_at.
CREATE TABLE award_publicity (
    campaign_id uuid PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    opened_by   text        NOT NULL,
    opened_at   timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL,
    final_at    timestamptz,
    final_by    text
);

CREATE TABLE campaign_awards (
    id            serial PRIMARY KEY,
    campaign_id   uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind          text        NOT NULL,
    kind_name     text        NOT NULL,
    unit_type     text        NOT NULL,
    unit_id       text        NOT NULL,
    unit_name     text        NOT NULL,
    department_id text,
    place         integer     NOT NULL,  -- 1, 2, ... within the kind
    score         double precision,      -- the basis: composite or votes
    prize         integer     NOT NULL,
    nomination_id uuid REFERENCES nominations (id),
    removed_at    timestamptz,           -- an upheld objection removed it
    UNIQUE (campaign_id, kind, unit_type, unit_id)
);

CREATE TABLE award_objections (
    id          uuid PRIMARY KEY,
    campaign_id uuid        NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    award_id    integer     NOT NULL REFERENCES campaign_awards (id) ON DELETE CASCADE,
    reason      text        NOT NULL,
    raised_by   text        NOT NULL,
    raised_at   timestamptz NOT NULL DEFAULT now(),
    upheld      boolean,
    answer      text,
    answered_by text,
    answered_at timestamptz
);
CREATE INDEX award_objections_campaign ON award_objections (campaign_id, raised_at);
