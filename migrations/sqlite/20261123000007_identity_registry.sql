-- The embedded identity registry: each citizen's MitID identity and authenticators, and the
-- blocks the desk has placed. With an external registry (DESK_REGISTRY_URL) the same tables
-- are the desk's record of what it asked for, and the outbox carries the calls.

CREATE TABLE identities (
    id            INTEGER PRIMARY KEY,
    citizen_id    INTEGER NOT NULL UNIQUE REFERENCES citizens (id),
    user_id       TEXT    NOT NULL,
    -- User-IDs are unique regardless of case.
    user_id_key   TEXT    NOT NULL UNIQUE,
    assurance     TEXT    NOT NULL CHECK (assurance IN ('low', 'substantial', 'high')),
    status        TEXT    NOT NULL CHECK (status IN ('active', 'blocked', 'revoked')),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE authenticators (
    id          INTEGER PRIMARY KEY,
    identity_id INTEGER NOT NULL REFERENCES identities (id),
    kind        TEXT    NOT NULL
                CHECK (kind IN ('app', 'code_display', 'audio_code_reader', 'chip')),
    -- Physical devices have a serial number; the app has the device's name.
    serial      TEXT,
    label       TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('pending_activation', 'active', 'blocked')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;
CREATE INDEX authenticators_by_identity ON authenticators (identity_id);

CREATE TABLE blocks (
    id               INTEGER PRIMARY KEY,
    identity_id      INTEGER NOT NULL REFERENCES identities (id),
    -- NULL: the whole MitID.
    authenticator_id INTEGER REFERENCES authenticators (id),
    permanent        INTEGER NOT NULL CHECK (permanent IN (0, 1)),
    reason           TEXT    NOT NULL
                     CHECK (reason IN ('lost', 'stolen', 'suspected_misuse', 'identity_theft')),
    case_id          INTEGER REFERENCES cases (id),
    -- How the caller was verified (JSON: method, document kind, the document number's last
    -- four digits, control questions answered).
    verification     TEXT    NOT NULL,
    police_report    TEXT,
    advice           TEXT,
    blocked_by       INTEGER NOT NULL REFERENCES staff_users (id),
    blocked_at       TEXT    NOT NULL,
    -- The registry call in the outbox (external registry only).
    outbox_id        INTEGER REFERENCES outbox (id),
    lifted_at        TEXT,
    lifted_by        INTEGER REFERENCES staff_users (id),
    lift_verification TEXT
) STRICT;
CREATE INDEX blocks_by_identity ON blocks (identity_id);
