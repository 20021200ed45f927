DROP TABLE outbox;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE audit_head;
DROP TABLE one_time_tokens;
DROP TABLE login_throttles;
DROP TABLE sessions;
DROP TABLE users;
