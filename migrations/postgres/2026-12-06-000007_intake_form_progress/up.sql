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
