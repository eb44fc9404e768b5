-- A chase (督办) is sent (issue 17): TicketChased tells the ticket's assignee and its team lead
-- what the chaser asks and by when (template `chased`), leading to the ticket's page.
-- depends: 0009_responsible_rules

INSERT INTO rules (event_type, match, audience, kind, priority, channels, template) VALUES
  ('houqin.tickets.TicketChased.v1', '{}', 'assignee', 'escalation', 'high', '{inbox,email,wecom}', 'chased'),
  ('houqin.tickets.TicketChased.v1', '{}', 'team_lead', 'escalation', 'high', '{inbox,email,wecom}', 'chased')
ON CONFLICT (event_type, match, audience) DO NOTHING;
