-- Chat sessions: the whole dialog state lives here so that a consumer who
-- reconnects to any replica continues exactly where they were.
CREATE TABLE chat_sessions (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    resume_token_hash bytea       NOT NULL UNIQUE,
    state             jsonb       NOT NULL DEFAULT '{}',
    version           bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    closed_at         timestamptz
);

-- chat_messages is the transcript. client_msg_id makes a consumer's resend
-- after a reconnect idempotent.
CREATE TABLE chat_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id    uuid        NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    role          text        NOT NULL CHECK (role IN ('consumer', 'bot', 'system')),
    text          text        NOT NULL,
    client_msg_id text,
    payload       jsonb       NOT NULL DEFAULT '{}',
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_session_idx ON chat_messages (session_id, id);
CREATE UNIQUE INDEX chat_messages_client_msg_idx ON chat_messages (session_id, client_msg_id) WHERE client_msg_id IS NOT NULL;

---- create above / drop below ----
DROP TABLE chat_messages;
DROP TABLE chat_sessions;
