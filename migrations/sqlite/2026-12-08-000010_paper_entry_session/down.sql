ALTER TABLE intake_invitations DROP COLUMN entered_in_session;
