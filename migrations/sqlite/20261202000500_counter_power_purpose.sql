-- The counter gains a purpose: registering a paper power of attorney returned to
-- Borgerservice. SQLite cannot change a CHECK constraint in place, and sqlx runs every SQLite
-- migration inside a transaction, where foreign keys cannot be switched off. So the table is
-- rebuilt without ever leaving a dangling reference: the old table is renamed (its children's
-- references follow it), the new one is filled with the same ids, the two child tables are
-- rebuilt pointing at the new one, and only then is the old table dropped.

ALTER TABLE counter_visits RENAME TO counter_visits_old;

CREATE TABLE counter_visits (
    id            INTEGER PRIMARY KEY,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('new_mitid', 'nemid_migration',
                      'reissue_after_block', 'raise_assurance', 'change_user_id',
                      'digital_post_exemption', 'paper_power_of_attorney')),
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
INSERT INTO counter_visits (id, purpose, citizen_id, state, draft, code_sealed, staff_id,
    started_at, updated_at, finished_at, outcome_reason, case_id, outbox_id)
SELECT id, purpose, citizen_id, state, draft, code_sealed, staff_id, started_at, updated_at,
    finished_at, outcome_reason, case_id, outbox_id
FROM counter_visits_old;

CREATE TABLE witnessings_rebuilt (
    id                 INTEGER PRIMARY KEY,
    witness_citizen_id INTEGER NOT NULL REFERENCES citizens (id),
    visit_id           INTEGER NOT NULL UNIQUE REFERENCES counter_visits (id),
    witnessed_on       TEXT    NOT NULL
) STRICT;
INSERT INTO witnessings_rebuilt (id, witness_citizen_id, visit_id, witnessed_on)
SELECT id, witness_citizen_id, visit_id, witnessed_on FROM witnessings;
DROP TABLE witnessings;
ALTER TABLE witnessings_rebuilt RENAME TO witnessings;
CREATE INDEX witnessings_by_witness ON witnessings (witness_citizen_id, witnessed_on);

CREATE TABLE digital_post_exemptions_rebuilt (
    id            INTEGER PRIMARY KEY,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    ground        TEXT,
    registered_on TEXT    NOT NULL,
    ends_on       TEXT    NOT NULL,
    visit_id      INTEGER NOT NULL REFERENCES counter_visits (id),
    registered_by INTEGER NOT NULL REFERENCES staff_users (id)
) STRICT;
INSERT INTO digital_post_exemptions_rebuilt (id, citizen_id, ground, registered_on, ends_on,
    visit_id, registered_by)
SELECT id, citizen_id, ground, registered_on, ends_on, visit_id, registered_by
FROM digital_post_exemptions;
DROP TABLE digital_post_exemptions;
ALTER TABLE digital_post_exemptions_rebuilt RENAME TO digital_post_exemptions;
CREATE INDEX exemptions_by_citizen ON digital_post_exemptions (citizen_id, ends_on);

DROP TABLE counter_visits_old;
CREATE INDEX counter_visits_by_state ON counter_visits (state, started_at);
