-- The person responsible is told (issue 14): an overdue warning (`warning: true`, before the
-- due time) goes to the assignee (`responsible_id`), no longer to the team lead, whose level-1
-- rule now matches only a real escalation (`warning: false`); a rectification item's
-- responsible person hears when it is opened (its deadline) and when it fails acceptance (the
-- new deadline and the reason); a merged ticket's assignee hears that it needs no more work.
-- depends: 0008_names_links

UPDATE rules SET match = '{"level": 1, "warning": false}'
 WHERE event_type = 'houqin.tickets.RectificationOverdue.v1' AND audience = 'team_lead'
   AND match = '{"level": 1}'
   AND NOT EXISTS (SELECT 1 FROM rules r
                    WHERE r.event_type = 'houqin.tickets.RectificationOverdue.v1'
                      AND r.audience = 'team_lead' AND r.match = '{"level": 1, "warning": false}');

INSERT INTO rules (event_type, match, audience, kind, priority, channels, template) VALUES
  ('houqin.tickets.RectificationOverdue.v1', '{"warning": true}', 'responsible', 'escalation', 'high', '{inbox,wecom}', 'due_soon'),
  ('houqin.tickets.RectificationOpened.v1', '{}', 'responsible', 'rectification', 'high', '{inbox,email,wecom}', 'rectification_opened'),
  ('houqin.tickets.RectificationRejected.v1', '{}', 'responsible', 'rectification', 'high', '{inbox,email,wecom}', 'rectification_rejected'),
  ('houqin.tickets.TicketMerged.v1', '{}', 'assignee', 'merged', 'normal', '{inbox}', 'merged')
ON CONFLICT (event_type, match, audience) DO NOTHING;
