ALTER TABLE intake_red_flags DROP COLUMN answer;
DROP TABLE intake_form_progress;
