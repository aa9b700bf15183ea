-- The outbox: every message the desk sends (e-mail, identity-registry calls) is written here
-- in the same transaction as the event that causes it, then delivered by a background worker.

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'registry')),
    case_id         INTEGER REFERENCES cases (id) ON DELETE SET NULL,
    -- Sent along with the message (Message-ID for e-mail, Idempotency-Key for HTTP), so a
    -- receiver can drop a repeat if we crash between its acknowledgement and our commit.
    idempotency_key TEXT    NOT NULL UNIQUE,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'retrying', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds: when the worker may try (again).
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX outbox_by_case ON outbox (case_id);

-- Message-IDs of the e-mails sent and received per case: replies thread by In-Reply-To and
-- References before the subject is looked at.
CREATE TABLE mail_message_ids (
    message_id TEXT    PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE
) STRICT;

-- Attachments of inbound e-mails, kept in the database so they commit with their message.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    event_id     INTEGER NOT NULL REFERENCES case_events (id) ON DELETE CASCADE,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB    NOT NULL
) STRICT;
CREATE INDEX attachments_by_case ON attachments (case_id);
