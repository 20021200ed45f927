-- Flags learn why they were raised (the basis: a form answer, an unanswered question, the
-- medicine or operations list, free text, an exam finding, a diagnosis, a history
-- correction, a practitioner) and the words that matched (evidence); whether their
-- region is unknown and so applies to every spinal region until a practitioner narrows
-- it; a practitioner's confirmation of a list-derived flag; and how a resolution came
-- about (resolved, dismissed, or the result of a referral).
ALTER TABLE flags ADD COLUMN basis TEXT NOT NULL DEFAULT 'form_answer'
    CHECK (basis IN ('form_answer', 'not_answered', 'medicine_list', 'operations_list',
                     'free_text', 'exam_finding', 'diagnosis', 'history_correction',
                     'practitioner'));
ALTER TABLE flags ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE flags ADD COLUMN region_unknown BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE flags ADD COLUMN confirmed_at TIMESTAMP;
ALTER TABLE flags ADD COLUMN confirmed_by TEXT REFERENCES users (id);
ALTER TABLE flags ADD COLUMN resolved_as TEXT
    CHECK (resolved_as IS NULL OR resolved_as IN ('resolved', 'dismissed', 'referral_result'));

UPDATE flags SET basis = 'exam_finding' WHERE source = 'assessment';
UPDATE flags SET basis = 'practitioner' WHERE source = 'manual';
UPDATE flags SET resolved_as = 'resolved' WHERE status = 'resolved';
-- Part A: a flag of unknown region applies to every spinal region. Rows raised before
-- this migration that cover exactly the spinal regions are taken as of unknown region,
-- so a practitioner can narrow them.
UPDATE flags SET region_unknown = TRUE
    WHERE regions = 'cervical,thoracic,lumbar,sacral_pelvic,rib_cage';

-- A documented referral of an emergency or urgent flag: to whom, how, when, by whom.
-- It does not lift the flag; resolving it with the referral's result does.
CREATE TABLE flag_referrals (
    id TEXT PRIMARY KEY NOT NULL,
    flag_id TEXT NOT NULL REFERENCES flags (id),
    referred_to TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('phone', 'letter', 'email', 'fax',
                                           'emergency_department', 'in_person')),
    referred_on DATE NOT NULL,
    note TEXT,
    referred_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX flag_referrals_flag ON flag_referrals (flag_id);

-- A practitioner narrowing a flag of unknown region to the regions it concerns.
CREATE TABLE flag_narrowings (
    id TEXT PRIMARY KEY NOT NULL,
    flag_id TEXT NOT NULL REFERENCES flags (id),
    regions_before TEXT NOT NULL,
    regions_after TEXT NOT NULL,
    reason TEXT NOT NULL,
    narrowed_by TEXT NOT NULL REFERENCES users (id),
    narrowed_at TIMESTAMP NOT NULL
);
CREATE INDEX flag_narrowings_flag ON flag_narrowings (flag_id);
