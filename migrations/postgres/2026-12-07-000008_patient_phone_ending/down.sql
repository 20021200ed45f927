DROP INDEX patients_phone_ending;
ALTER TABLE patients DROP COLUMN phone_ending;
