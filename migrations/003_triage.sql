-- Triage: complaint cases with their legal clock, the handling queue (the
-- cases table itself, like river's jobs table), an append-only audit trail,
-- handler <-> consumer messages, reclassifications the model learns from and
-- the consumers' satisfaction ratings.

CREATE TABLE cases (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- TSYYYYMMDD-NNNN with random digits: not enumerable, and a lookup also
    -- needs the last four digits of the phone.
    tracking_no        text        NOT NULL UNIQUE CHECK (tracking_no ~ '^TS[0-9]{8}-[0-9]{4,8}$'),
    -- A retried filing with the same key returns the same case.
    idempotency_key    text        UNIQUE,
    session_id         text        NOT NULL DEFAULT '',
    channel            text        NOT NULL CHECK (channel IN ('chat', 'api')),

    -- The facts 第十三条 of 《银行业保险业消费投诉处理管理办法》 asks for. Name
    -- and phone are empty only for a chat handoff before the consumer gave
    -- them; replies then reach the consumer through the chat session.
    name               text        NOT NULL DEFAULT '',
    phone              text        NOT NULL DEFAULT '' CHECK (phone ~ '^([0-9]{7,15})?$'),
    institution        text        NOT NULL DEFAULT '',
    institution_raw    text        NOT NULL DEFAULT '',
    request            text        NOT NULL DEFAULT '',
    description        text        NOT NULL CHECK (description <> ''),
    basis              text        NOT NULL DEFAULT '',
    occurred_at        timestamptz,
    amount_yuan        numeric(18, 2) CHECK (amount_yuan >= 0),
    demands            text[]      NOT NULL DEFAULT '{}',
    transcript         jsonb       NOT NULL DEFAULT '[]',

    -- Classification, with the confidences that decide needs_review.
    intent             text        NOT NULL DEFAULT 'complaint',
    product            text        NOT NULL DEFAULT 'other',
    product_confidence real        NOT NULL DEFAULT 0,
    reason             text        NOT NULL DEFAULT 'other',
    reason_confidence  real        NOT NULL DEFAULT 0,
    engine             text        NOT NULL DEFAULT '',
    needs_review       boolean     NOT NULL DEFAULT false,
    flags              text[]      NOT NULL DEFAULT '{}',

    -- Handling.
    status             text        NOT NULL DEFAULT 'new' CHECK (status IN (
        'new', 'claimed', 'in_progress', 'awaiting_consumer', 'extended',
        'transferred', 'resolved', 'closed', 'merged')),
    assignee           text        NOT NULL DEFAULT '',
    team               text        NOT NULL DEFAULT '',
    priority           smallint    NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 9),
    claimed_at         timestamptz,
    outcome            text        NOT NULL DEFAULT '',
    resolved_at        timestamptz,
    closed_at          timestamptz,
    merged_into        bigint      REFERENCES cases (id),
    duplicate_of       bigint      REFERENCES cases (id),

    -- The legal clock. deadline_at is derived in Go from these fields and the
    -- calendar; it is stored so the queue can sort and the sweeper can scan.
    complex            boolean     NOT NULL DEFAULT false,
    clock_started_at   timestamptz NOT NULL,
    deadline_days      integer     NOT NULL CHECK (deadline_days > 0),
    extension_days     integer     NOT NULL DEFAULT 0 CHECK (extension_days >= 0),
    extension_reason   text        NOT NULL DEFAULT '',
    paused_at          timestamptz,
    pause_reason       text        NOT NULL DEFAULT '',
    paused_days        integer     NOT NULL DEFAULT 0 CHECK (paused_days >= 0),
    deadline_at        timestamptz NOT NULL,
    due_soon_at        timestamptz,
    overdue_at         timestamptz,

    -- Throttles guessing the phone suffix of a known tracking number.
    lookup_failures    integer     NOT NULL DEFAULT 0,
    lookup_failed_at   timestamptz,

    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- The queue: claimable cases by priority, then deadline (see queue.go).
CREATE INDEX cases_queue_idx ON cases (priority, deadline_at, id) WHERE status IN ('new', 'transferred');
-- Handler lists within an institution scope.
CREATE INDEX cases_institution_idx ON cases (institution, status, deadline_at);
-- The sweeper scans open cases by deadline.
CREATE INDEX cases_open_deadline_idx ON cases (deadline_at)
    WHERE status NOT IN ('resolved', 'closed', 'merged');
-- Repeat detection: same phone, or same name and institution, recently.
CREATE INDEX cases_phone_idx ON cases (phone, created_at);
CREATE INDEX cases_name_institution_idx ON cases (name, institution, created_at);
CREATE INDEX cases_session_idx ON cases (session_id) WHERE session_id <> '';
CREATE INDEX cases_created_idx ON cases (created_at);
CREATE INDEX cases_flags_idx ON cases USING gin (flags);

-- case_events is the append-only audit trail: who did what, when, from which
-- state to which. A trigger refuses updates and deletes.
CREATE TABLE case_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint      NOT NULL REFERENCES cases (id),
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text        NOT NULL,
    action     text        NOT NULL,
    from_state text        NOT NULL DEFAULT '',
    to_state   text        NOT NULL DEFAULT '',
    detail     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END;
$$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- case_messages are what handlers and consumers said to each other, and the
-- notices the consumer sees (status changes, extensions, the decision).
CREATE TABLE case_messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint      NOT NULL REFERENCES cases (id),
    direction  text        NOT NULL CHECK (direction IN ('to_consumer', 'from_consumer', 'internal')),
    kind       text        NOT NULL,
    body       text        NOT NULL,
    -- The case status right after the message, replayed to the consumer.
    status     text        NOT NULL,
    author     text        NOT NULL DEFAULT '',
    visible    boolean     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_messages_case_idx ON case_messages (case_id, created_at);

-- case_corrections are handler reclassifications; `xiaobao triage train
-- --with-corrections` reads text, product and reason.
CREATE TABLE case_corrections (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    bigint      NOT NULL REFERENCES cases (id),
    text       text        NOT NULL,
    product    text        NOT NULL,
    reason     text        NOT NULL,
    intent     text        NOT NULL DEFAULT 'complaint',
    actor      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_corrections_case_idx ON case_corrections (case_id);

-- case_ratings is the consumer's satisfaction (满意度), one per case; a new
-- rating replaces the old one.
CREATE TABLE case_ratings (
    case_id    bigint      PRIMARY KEY REFERENCES cases (id),
    score      smallint    NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment    text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

---- create above / drop below ----
DROP TABLE case_ratings;
DROP TABLE case_corrections;
DROP TABLE case_messages;
DROP TABLE case_events;
DROP FUNCTION case_events_append_only();
DROP TABLE cases;
