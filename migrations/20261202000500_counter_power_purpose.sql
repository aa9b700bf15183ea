-- no-transaction
-- The counter gains a purpose: registering a paper power of attorney returned to
-- Borgerservice. SQLite cannot change a CHECK constraint in place, so `counter_visits` is
-- rebuilt as SQLite documents it (new table, copy, drop, rename, indexes) with foreign-key
-- enforcement off, which only works outside a transaction: hence `no-transaction` above and the
-- explicit transaction here. Witnessings and exemptions keep pointing at the same ids.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE counter_visits_rebuilt (
    id            INTEGER PRIMARY KEY,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('new_mitid', 'nemid_migration',
                      'reissue_after_block', 'raise_assurance', 'change_user_id',
                      'digital_post_exemption', 'paper_power_of_attorney')),
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    state         TEXT    NOT NULL
                  CHECK (state IN ('in_progress', 'paused', 'completed', 'aborted', 'refused')),
    draft         TEXT    NOT NULL,
    code_sealed   BLOB,
    staff_id      INTEGER NOT NULL REFERENCES staff_users (id),
    started_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    finished_at   TEXT,
    outcome_reason TEXT,
    case_id       INTEGER REFERENCES cases (id),
    outbox_id     INTEGER REFERENCES outbox (id)
) STRICT;

INSERT INTO counter_visits_rebuilt (id, purpose, citizen_id, state, draft, code_sealed,
    staff_id, started_at, updated_at, finished_at, outcome_reason, case_id, outbox_id)
SELECT id, purpose, citizen_id, state, draft, code_sealed, staff_id, started_at, updated_at,
    finished_at, outcome_reason, case_id, outbox_id
FROM counter_visits;

DROP TABLE counter_visits;
ALTER TABLE counter_visits_rebuilt RENAME TO counter_visits;
CREATE INDEX counter_visits_by_state ON counter_visits (state, started_at);

COMMIT;
PRAGMA foreign_keys = ON;
