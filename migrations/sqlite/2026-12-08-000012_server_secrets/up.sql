-- Keys the servers share (every server of a deployment reads the same row): today the
-- key that signs the CSRF cookie given before sign-in. Created at the first start.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
