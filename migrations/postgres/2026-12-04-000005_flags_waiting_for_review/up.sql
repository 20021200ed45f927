-- Today's "Needs review now" reads the open emergency and urgent flags of every patient
-- on each load of /day; most flags are acknowledged or resolved, so lead with the status.
CREATE INDEX flags_waiting ON flags (status, level, source);
