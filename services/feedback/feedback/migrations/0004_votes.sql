-- Votes (我为你投一票): ballots of service windows and teams, one vote per person per ballot.
-- depends: 0003_duplicates

CREATE TABLE ballots (
    id          uuid PRIMARY KEY,
    campaign_id uuid,
    title       text        NOT NULL,
    opens_at    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE ballot_options (
    ballot_id uuid NOT NULL REFERENCES ballots (id),
    unit_type text NOT NULL,
    unit_id   text NOT NULL,
    label     text NOT NULL,
    PRIMARY KEY (ballot_id, unit_type, unit_id)
);

-- voter_key is a hash of ballot and voter: it keeps one vote per person without a list of who
-- voted for whom.
CREATE TABLE votes (
    id        uuid PRIMARY KEY,
    ballot_id uuid        NOT NULL REFERENCES ballots (id),
    voter_key text        NOT NULL,
    unit_type text        NOT NULL,
    unit_id   text        NOT NULL,
    cast_at   timestamptz NOT NULL,
    UNIQUE (ballot_id, voter_key)
);
