DROP TABLE intake_form_progress;
