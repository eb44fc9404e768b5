-- Each claim of deliveries carries a token: a worker extends its lease, and records what it
-- sent, only while the token is still the row's (another worker that took the row over after
-- the lease ran out holds a new token).
-- depends: 0004_reporter_news

ALTER TABLE messages ADD COLUMN claim_token uuid;
CREATE INDEX messages_claim ON messages (claim_token) WHERE status = 'pending';
