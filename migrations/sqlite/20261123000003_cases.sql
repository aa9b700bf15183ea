-- Citizens (CPR protected) and the case queue with its timeline.

CREATE TABLE citizens (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    email          TEXT,
    phone          TEXT,
    -- Keyed hash (HMAC-SHA256) of the ten digits: look-up without storing the number in clear.
    cpr_hash       BLOB    UNIQUE,
    -- AES-256-GCM: nonce followed by ciphertext. Opened only on an audited reveal.
    cpr_sealed     BLOB,
    cpr_masked     TEXT,
    preferred_lang TEXT    NOT NULL DEFAULT 'da' CHECK (preferred_lang IN ('da', 'en')),
    created_at     TEXT    NOT NULL
) STRICT;

-- Case references are numbered per year: SAG-2026-000123.
CREATE TABLE case_numbers (
    year  INTEGER PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    reference         TEXT    NOT NULL UNIQUE,
    subject           TEXT    NOT NULL,
    system            TEXT    NOT NULL,
    category          TEXT    NOT NULL,
    priority          TEXT    NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    -- 0 for urgent: the urgent lane sorts first.
    lane              INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    citizen_id        INTEGER REFERENCES citizens (id),
    assignee_id       INTEGER REFERENCES staff_users (id),
    status_token_hash BLOB    UNIQUE,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    -- SLA, in Danish local time ("YYYY-MM-DD HH:MM:SS"), so that due times sort as text.
    sla_started       TEXT    NOT NULL,
    sla_pauses        TEXT    NOT NULL DEFAULT '[]',
    sla_paused_since  TEXT,
    first_response_due TEXT   NOT NULL,
    resolution_due    TEXT    NOT NULL,
    first_response_at TEXT
) STRICT;
CREATE INDEX cases_queue ON cases (lane, resolution_due);
CREATE INDEX cases_by_status ON cases (status, lane, resolution_due);
CREATE INDEX cases_by_system ON cases (system, lane, resolution_due);
CREATE INDEX cases_by_category ON cases (category, lane, resolution_due);
CREATE INDEX cases_by_assignee ON cases (assignee_id, lane, resolution_due);
CREATE INDEX cases_by_citizen ON cases (citizen_id);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at         TEXT    NOT NULL,
    -- Who: a staff member (staff_id), the citizen, or the system.
    actor      TEXT    NOT NULL CHECK (actor IN ('staff', 'citizen', 'system')),
    staff_id   INTEGER REFERENCES staff_users (id),
    kind       TEXT    NOT NULL,
    body       TEXT    NOT NULL DEFAULT '',
    data       TEXT    NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX case_events_by_case ON case_events (case_id, id);
