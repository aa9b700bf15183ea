-- Incidents (driftsstatus): a team lead declares that one or more systems have a known
-- problem. While the incident is open, citizens see its public text on every page, and cases
-- about it are linked to it; resolving it resolves the linked cases and e-mails each linked
-- citizen once with the closing text.
--
-- Resolution survives a crash: the incident moves to 'resolving' in one transaction, then each
-- linked case is resolved, its e-mail queued and its link marked done in one transaction; at
-- start-up the desk finishes any incident left 'resolving'.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    -- System names as `cases.system` holds them, separated by '|': "MitID|NemLog-in".
    systems       TEXT    NOT NULL CHECK (length(systems) BETWEEN 3 AND 200),
    text_da       TEXT    NOT NULL CHECK (length(text_da) BETWEEN 10 AND 600),
    text_en       TEXT    NOT NULL CHECK (length(text_en) BETWEEN 10 AND 600),
    -- The words that find cases about it, separated by single spaces.
    search_words  TEXT    NOT NULL CHECK (length(search_words) BETWEEN 2 AND 300),
    -- Danish local time, "YYYY-MM-DD HH:MM".
    starts_at     TEXT    NOT NULL,
    expected_end  TEXT    NOT NULL CHECK (expected_end > starts_at),
    state         TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolving', 'resolved')),
    closing_da    TEXT,
    closing_en    TEXT,
    declared_by   INTEGER NOT NULL REFERENCES staff_users (id),
    resolved_by   INTEGER REFERENCES staff_users (id),
    created_at    TEXT    NOT NULL,
    resolved_at   TEXT,
    CHECK ((state = 'open') = (closing_da IS NULL)),
    CHECK ((state = 'open') = (resolved_by IS NULL))
) STRICT;

CREATE INDEX incidents_by_state ON incidents (state, id);

CREATE TABLE incident_cases (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    linked_at   TEXT    NOT NULL,
    linked_by   INTEGER NOT NULL REFERENCES staff_users (id),
    -- Set in the transaction that resolved the case and queued its e-mail.
    done_at     TEXT,
    PRIMARY KEY (incident_id, case_id)
) STRICT;

CREATE INDEX incident_cases_by_case ON incident_cases (case_id);
