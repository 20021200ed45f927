-- The first-visit assessment. Sections are JSON documents of the domain's typed values
-- (src/domain/assessment), validated before they are written; the section is the unit
-- the workspace and the API replace. `version` guards drafts against lost updates.
-- Once `status` is 'signed' the row never changes: the service refuses and the trigger
-- below refuses too. `content_hash` is SHA-256 over the canonical signed content.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    practitioner_id TEXT NOT NULL REFERENCES users (id),
    visit_date DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    signed_at TIMESTAMP,
    signed_by TEXT REFERENCES users (id),
    content_hash TEXT,
    CHECK ((status = 'signed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL AND content_hash IS NOT NULL))
);
CREATE INDEX assessments_patient ON assessments (patient_id, created_at);

-- Addenda: the only change to a signed assessment. Append-only.
CREATE TABLE addenda (
    id TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX addenda_assessment ON addenda (assessment_id, created_at);

CREATE TRIGGER assessments_signed_never_change BEFORE UPDATE ON assessments
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'a signed assessment never changes; write an addendum');
END;
CREATE TRIGGER assessments_never_deleted BEFORE DELETE ON assessments
BEGIN
    SELECT RAISE(ABORT, 'assessments are never deleted');
END;
CREATE TRIGGER addenda_no_update BEFORE UPDATE ON addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda are append-only');
END;
CREATE TRIGGER addenda_no_delete BEFORE DELETE ON addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda are append-only');
END;
