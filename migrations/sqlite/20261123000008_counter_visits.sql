-- The Borgerservice counter: guided visits saved step by step, the witnessings the witness
-- rules are checked against, paper activation codes, and Digital Post exemptions.

-- The argon2 hash of the password set at the counter (code display, audio code reader, chip).
ALTER TABLE identities ADD COLUMN password_hash TEXT;

CREATE TABLE counter_visits (
    id            INTEGER PRIMARY KEY,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('new_mitid', 'nemid_migration',
                      'reissue_after_block', 'raise_assurance', 'change_user_id',
                      'digital_post_exemption')),
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    state         TEXT    NOT NULL
                  CHECK (state IN ('in_progress', 'paused', 'completed', 'aborted', 'refused')),
    -- What the steps have recorded (JSON, see app::counter::VisitDraft).
    draft         TEXT    NOT NULL,
    -- The paper activation code, sealed with the data key until the visit ends.
    code_sealed   BLOB,
    staff_id      INTEGER NOT NULL REFERENCES staff_users (id),
    started_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    finished_at   TEXT,
    -- Why the visit was aborted or refused.
    outcome_reason TEXT,
    -- The case that records the visit (or follows up an aborted one).
    case_id       INTEGER REFERENCES cases (id),
    -- The registry call (external registry only).
    outbox_id     INTEGER REFERENCES outbox (id)
) STRICT;
CREATE INDEX counter_visits_by_state ON counter_visits (state, started_at);

CREATE TABLE witnessings (
    id                 INTEGER PRIMARY KEY,
    witness_citizen_id INTEGER NOT NULL REFERENCES citizens (id),
    visit_id           INTEGER NOT NULL UNIQUE REFERENCES counter_visits (id),
    witnessed_on       TEXT    NOT NULL
) STRICT;
CREATE INDEX witnessings_by_witness ON witnessings (witness_citizen_id, witnessed_on);

CREATE TABLE activation_codes (
    id               INTEGER PRIMARY KEY,
    authenticator_id INTEGER NOT NULL REFERENCES authenticators (id),
    -- Hex SHA-256 of the code: the code itself is never stored.
    code_sha256      TEXT    NOT NULL,
    issued_at        TEXT    NOT NULL,
    expires_at       TEXT    NOT NULL,
    wrong_attempts   INTEGER NOT NULL DEFAULT 0,
    used_at          TEXT
) STRICT;

CREATE TABLE digital_post_exemptions (
    id            INTEGER PRIMARY KEY,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    ground        TEXT,
    registered_on TEXT    NOT NULL,
    ends_on       TEXT    NOT NULL,
    visit_id      INTEGER NOT NULL REFERENCES counter_visits (id),
    registered_by INTEGER NOT NULL REFERENCES staff_users (id)
) STRICT;
CREATE INDEX exemptions_by_citizen ON digital_post_exemptions (citizen_id, ends_on);
