-- Error texts stored before they were redacted may name a reporter (an SMTP server echoes the
-- address it refused): those of messages to reporters are dropped.
-- depends: 0005_claim_tokens

UPDATE messages SET last_error = '(removed: it may have named the reporter)'
    WHERE to_reporter AND last_error IS NOT NULL;
UPDATE delivery_attempts a SET error = '(removed: it may have named the reporter)'
    FROM messages m
    WHERE m.id = a.message_id AND m.to_reporter AND a.error IS NOT NULL AND a.status <> 'resend';
