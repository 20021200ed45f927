-- A paper form typed in at the desk opens only in the staff session that started it
-- (its id): the link is never emailed, so nobody else, signed in or not, has a reason to
-- hold it, and the staff member it records as entering the form and witnessing the
-- consent is the one actually at the desk. NULL for emailed links.
ALTER TABLE intake_invitations ADD COLUMN entered_in_session TEXT;
