-- Mail the sender gave up on (an address the mail library refuses, or too many failed
-- attempts): no longer retried, its bodies (which may hold a live link) wiped, kept so
-- an admin sees what never arrived.
ALTER TABLE outbox ADD COLUMN dead_at TIMESTAMP;
