-- Patients, first-visit appointments, pre-visit form invitations, intakes with their
-- answers, consents and flags. Lists of codes (a flag's techniques and regions) are
-- comma-separated codes from the fixed vocabularies of clinical-reference.md part A.

CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('chart_number', 0);

CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    chart_number TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    preferred_name TEXT,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    email TEXT,
    phone TEXT,
    phone_digits TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    province TEXT,
    postal_code TEXT,
    emergency_contact_name TEXT,
    emergency_contact_phone TEXT,
    emergency_contact_relationship TEXT,
    occupation TEXT,
    name_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP
);
CREATE INDEX patients_duplicate ON patients (name_key, date_of_birth);
CREATE INDEX patients_date_of_birth ON patients (date_of_birth);
CREATE INDEX patients_phone_digits ON patients (phone_digits);

-- Each word of a patient's names, lower-cased and without accents, for prefix search
-- ("elo" finds Élodie) through an index range scan on both backends.
CREATE TABLE patient_name_tokens (
    token TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    PRIMARY KEY (token, patient_id)
);
CREATE INDEX patient_name_tokens_patient ON patient_name_tokens (patient_id);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    practitioner_id TEXT NOT NULL REFERENCES users (id),
    starts_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('first_visit', 'follow_up')),
    status TEXT NOT NULL CHECK (status IN ('booked', 'arrived', 'cancelled', 'no_show')),
    arrived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX appointments_starts_at ON appointments (starts_at);
CREATE INDEX appointments_patient ON appointments (patient_id);

CREATE TABLE intake_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    appointment_id TEXT REFERENCES appointments (id),
    token_hash TEXT NOT NULL UNIQUE,
    sent_to TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_sent_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    opened_at TIMESTAMP,
    started_at TIMESTAMP,
    submitted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX intake_invitations_patient ON intake_invitations (patient_id);

CREATE TABLE intakes (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    invitation_id TEXT REFERENCES intake_invitations (id),
    entered_by TEXT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    chief_complaint TEXT,
    onset TEXT,
    mechanism TEXT,
    pain_now INTEGER CHECK (pain_now BETWEEN 0 AND 10),
    pain_worst INTEGER CHECK (pain_worst BETWEEN 0 AND 10),
    pain_quality TEXT,
    pain_pattern TEXT CHECK (pain_pattern IN ('constant', 'intermittent')),
    radiates BOOLEAN,
    radiation TEXT,
    aggravating TEXT,
    relieving TEXT,
    earlier_episodes BOOLEAN,
    earlier_treatment TEXT,
    goals TEXT,
    other_conditions TEXT,
    -- Contact details the patient confirmed or corrected on the form; applied to the
    -- patient record when the form is submitted.
    contact_phone TEXT,
    contact_email TEXT,
    contact_address_line1 TEXT,
    contact_city TEXT,
    contact_postal_code TEXT,
    contact_emergency_name TEXT,
    contact_emergency_phone TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP
);
CREATE INDEX intakes_patient ON intakes (patient_id);

CREATE TABLE intake_conditions (
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    code TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'unsure')),
    details TEXT,
    PRIMARY KEY (intake_id, code)
);

CREATE TABLE intake_red_flags (
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    code TEXT NOT NULL,
    present BOOLEAN NOT NULL,
    PRIMARY KEY (intake_id, code)
);

CREATE TABLE pain_regions (
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    region TEXT NOT NULL,
    PRIMARY KEY (intake_id, region)
);

CREATE TABLE medications (
    id TEXT PRIMARY KEY NOT NULL,
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    name TEXT NOT NULL,
    dose TEXT,
    reason TEXT
);
CREATE INDEX medications_intake ON medications (intake_id);

CREATE TABLE surgeries (
    id TEXT PRIMARY KEY NOT NULL,
    intake_id TEXT NOT NULL REFERENCES intakes (id),
    procedure_name TEXT NOT NULL,
    year INTEGER
);
CREATE INDEX surgeries_intake ON surgeries (intake_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    kind TEXT NOT NULL CHECK (kind IN ('treatment')),
    text_version TEXT NOT NULL,
    signed_name TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    ip TEXT,
    intake_id TEXT REFERENCES intakes (id),
    witnessed_by TEXT REFERENCES users (id)
);
CREATE INDEX consents_patient ON consents (patient_id);

CREATE TABLE flags (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('red_flag', 'contraindication')),
    level TEXT NOT NULL CHECK (level IN ('emergency', 'urgent', 'absolute', 'relative', 'precaution')),
    techniques TEXT NOT NULL,
    regions TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('intake', 'assessment', 'manual')),
    source_id TEXT,
    reason TEXT NOT NULL,
    rule_source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    raised_at TIMESTAMP NOT NULL,
    raised_by TEXT REFERENCES users (id),
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT REFERENCES users (id),
    resolved_at TIMESTAMP,
    resolved_by TEXT REFERENCES users (id),
    resolution TEXT
);
CREATE INDEX flags_patient ON flags (patient_id, status);
