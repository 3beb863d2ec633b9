-- Foundation: the vector extension, staff API tokens and a generic audit log.
CREATE EXTENSION IF NOT EXISTS vector;

-- api_tokens are staff-side credentials. Only the SHA-256 of the secret is
-- stored, so a leaked table cannot be replayed against the API.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL CHECK (name <> ''),
    role         text        NOT NULL CHECK (role IN ('handler', 'staff', 'supervisor', 'admin')),
    institution  text        NOT NULL DEFAULT '',
    token_hash   bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- audit_events is append-only: who did what to which subject, from which state.
CREATE TABLE audit_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,
    action       text        NOT NULL,
    subject_type text        NOT NULL,
    subject_id   text        NOT NULL,
    from_state   text        NOT NULL DEFAULT '',
    to_state     text        NOT NULL DEFAULT '',
    detail       jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id, at);

---- create above / drop below ----
DROP TABLE audit_events;
DROP TABLE api_tokens;
