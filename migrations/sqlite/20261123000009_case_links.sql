-- Related cases (stored in both directions) and duplicates merged into another case.

CREATE TABLE case_links (
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    linked_case_id INTEGER NOT NULL REFERENCES cases (id),
    created_by     INTEGER NOT NULL REFERENCES staff_users (id),
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (case_id, linked_case_id),
    CHECK (case_id != linked_case_id)
) STRICT;

-- A duplicate points at the case it was merged into (and is closed).
ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases (id);
