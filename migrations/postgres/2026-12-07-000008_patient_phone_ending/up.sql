-- The last seven digits of the phone number (a local number without its area code),
-- indexed: "555-0103" finds (514) 555-0103 by an index lookup instead of reading
-- every patient with `phone_digits LIKE '%5550103'`, which no index serves.
ALTER TABLE patients ADD COLUMN phone_ending TEXT;
UPDATE patients SET phone_ending = right(phone_digits, 7) WHERE length(phone_digits) >= 7;
CREATE INDEX patients_phone_ending ON patients (phone_ending);
