-- Survey invitations are sent (issue 17): SurveyInvitationsIssued tells each invitee, in their
-- language, that a satisfaction survey waits for them, with their own link (template
-- `survey_invitation`; audience `invitees`: each person the event names gets their own page).
-- depends: 0009_responsible_rules

INSERT INTO rules (event_type, match, audience, kind, priority, channels, template) VALUES
  ('houqin.feedback.SurveyInvitationsIssued.v1', '{}', 'invitees', 'survey', 'normal', '{inbox,email}', 'survey_invitation')
ON CONFLICT (event_type, match, audience) DO NOTHING;
