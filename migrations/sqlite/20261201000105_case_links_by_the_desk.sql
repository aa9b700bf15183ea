-- A link the desk makes itself has no staff member: an e-mail from someone other than a
-- case's citizen that names the case opens a new case linked to it (created_by NULL).
-- SQLite cannot drop a NOT NULL constraint in place, so the table is rebuilt.

CREATE TABLE case_links_new (
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    linked_case_id INTEGER NOT NULL REFERENCES cases (id),
    created_by     INTEGER REFERENCES staff_users (id),
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (case_id, linked_case_id),
    CHECK (case_id != linked_case_id)
) STRICT;
INSERT INTO case_links_new (case_id, linked_case_id, created_by, created_at)
    SELECT case_id, linked_case_id, created_by, created_at FROM case_links;
DROP TABLE case_links;
ALTER TABLE case_links_new RENAME TO case_links;
