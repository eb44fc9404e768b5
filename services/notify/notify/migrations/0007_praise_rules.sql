-- A praise (表扬, issue 14) opens no ticket; the team lead and the person it credits are told
-- (PraiseReceived; the message names the category and the place, never the reporter).
-- depends: 0006_reporter_privacy

INSERT INTO rules (event_type, match, audience, kind, priority, channels, template) VALUES
  ('houqin.tickets.PraiseReceived.v1', '{}', 'team_lead', 'praise', 'normal', '{inbox,wecom}', 'praise'),
  ('houqin.tickets.PraiseReceived.v1', '{}', 'assignee', 'praise', 'normal', '{inbox,wecom}', 'praise')
ON CONFLICT (event_type, match, audience) DO NOTHING;
