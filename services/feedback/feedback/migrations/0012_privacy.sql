-- Privacy (issue 14): which catalogue entries the public feed and board show; every read of a
-- report's audience audited beside the unmaskings; ballots and survey links that cannot be
-- joined to a person.
-- depends: 0011_unattached_photos

-- Not public until the catalogue says so (the demo catalogue marks its public services).
ALTER TABLE services ADD COLUMN public boolean NOT NULL DEFAULT false;

-- The unmasking audit also records each time a client read who follows a report (kind
-- 'audience': supervisor_id is then the client's subject).
ALTER TABLE unmask_audit ADD COLUMN kind text NOT NULL DEFAULT 'unmask';

-- Voter keys are an HMAC under a server secret from now on. A plain hash of ballot and user
-- could be recomputed by anyone with the user list: closed ballots no longer need theirs (one
-- vote each is settled), so they become random; open ballots keep them, marked, until closed.
ALTER TABLE votes ADD COLUMN keyed boolean NOT NULL DEFAULT false;
UPDATE votes v SET voter_key = 'closed:' || v.id::text
    FROM ballots b WHERE b.id = v.ballot_id AND b.closes_at < now();

-- A survey link remembers that it was used, never when: the time would join it to a response.
ALTER TABLE survey_tokens ADD COLUMN used boolean NOT NULL DEFAULT false;
UPDATE survey_tokens SET used = true WHERE used_at IS NOT NULL;
ALTER TABLE survey_tokens DROP COLUMN used_at;
-- Responses keep the day they came in, not the moment.
UPDATE survey_responses SET responded_at = date_trunc('day', responded_at);
