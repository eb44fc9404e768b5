-- Satisfaction surveys (满意度测评): personal token links, one answer each, scores per unit.
-- depends: 0004_votes

CREATE TABLE surveys (
    id           uuid PRIMARY KEY,
    campaign_id  uuid,
    title        text        NOT NULL,
    period_start date        NOT NULL,
    period_end   date        NOT NULL,
    questions    jsonb       NOT NULL,
    units        jsonb       NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    closed_at    timestamptz
);

-- Only a hash of each token is kept; issued_to says who got a link, never what they answered.
CREATE TABLE survey_tokens (
    token_hash text PRIMARY KEY,
    survey_id  uuid        NOT NULL REFERENCES surveys (id),
    issued_to  text        NOT NULL,
    issued_at  timestamptz NOT NULL,
    used_at    timestamptz,
    UNIQUE (survey_id, issued_to)
);

CREATE TABLE survey_responses (
    id           uuid PRIMARY KEY,
    survey_id    uuid        NOT NULL REFERENCES surveys (id),
    responded_at timestamptz NOT NULL
);

CREATE TABLE survey_scores (
    response_id uuid    NOT NULL REFERENCES survey_responses (id),
    survey_id   uuid    NOT NULL REFERENCES surveys (id),
    unit_type   text    NOT NULL,
    unit_id     text    NOT NULL,
    score       float8  NOT NULL,
    PRIMARY KEY (response_id, unit_type, unit_id)
);
CREATE INDEX survey_scores_survey ON survey_scores (survey_id, unit_type, unit_id);
