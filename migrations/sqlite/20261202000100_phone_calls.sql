-- Telephony: calls reported by the phone system (CTI), and citizens found by phone number.

-- Keyed hash (HMAC-SHA256, its own key) of the citizen's number in E.164 form: the caller id
-- finds the citizen without a scan. NULL until written; an empty blob when the stored number
-- is not a phone number (so start-up does not try it again).
ALTER TABLE citizens ADD COLUMN phone_hash BLOB;
CREATE INDEX citizens_by_phone_hash ON citizens (phone_hash);

CREATE TABLE phone_calls (
    id                INTEGER PRIMARY KEY,
    -- The phone system's id of the call: events for it are folded into this one row.
    call_id           TEXT    NOT NULL UNIQUE,
    -- E.164 (+4512345678); NULL when the caller withheld the number.
    caller            TEXT,
    called            TEXT,
    -- The staff username whose phone rang (the one who answered, after a transfer).
    agent             TEXT    NOT NULL,
    -- The caller, when their number matched exactly one citizen.
    caller_citizen_id INTEGER REFERENCES citizens (id),
    -- Unix seconds of the first report of each phase; a missed call ended unanswered.
    ringing_at        INTEGER,
    answered_at       INTEGER,
    ended_at          INTEGER,
    -- The case the call is about, and its entry on that case's timeline once logged.
    case_id           INTEGER REFERENCES cases (id),
    event_id          INTEGER REFERENCES case_events (id),
    wrapped_up        INTEGER NOT NULL DEFAULT 0 CHECK (wrapped_up IN (0, 1)),
    -- Unix seconds the desk first heard of the call (the call log's day).
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX phone_calls_by_agent ON phone_calls (agent, id);
CREATE INDEX phone_calls_by_day ON phone_calls (created_at);
