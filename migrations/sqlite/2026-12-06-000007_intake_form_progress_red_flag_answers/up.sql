-- Where the patient is in the pre-visit form behind their link, one row per draft, so
-- that nothing typed is lost by "Back" or "Save and finish later" and the link reopens
-- where they stopped: the steps finished (their numbers, comma-separated), and the last
-- step's typed signature and "I agree" tick as typed so far. The signed consent itself
-- is recorded in `consents` on submit, as before; this row is only the unsent draft.
CREATE TABLE intake_form_progress (
    intake_id TEXT PRIMARY KEY NOT NULL REFERENCES intakes (id),
    steps_done TEXT NOT NULL,
    signed_name TEXT,
    consent_agreed BOOLEAN NOT NULL
);

-- A red-flag question can be answered "not sure", like a condition: the answer is kept
-- as the conditions keep theirs (`yes` | `no` | `unsure`); `present` stays, true for
-- yes and for not sure (fail safe: not sure counts as yes), so readers of `present`
-- keep seeing what the rules count.
ALTER TABLE intake_red_flags ADD COLUMN answer TEXT NOT NULL DEFAULT 'no'
    CHECK (answer IN ('yes', 'no', 'unsure'));
UPDATE intake_red_flags SET answer = CASE WHEN present THEN 'yes' ELSE 'no' END;
