-- Browsers and clients that have signed in as an account (OWASP's "device cookie"). The
-- cookie holds a random token; only its SHA-256 is kept here. A device listed for an
-- account may keep trying that account while strangers are locked out of it, and its own
-- failures are counted against the device (login_throttles key "device:<hash>").
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);
