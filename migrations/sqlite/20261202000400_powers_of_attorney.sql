-- Digital powers of attorney (digital fuldmagt): a citizen (the giver) lets another person
-- (the holder) act for them within one or more scopes, from a date, until a date or until
-- revoked. Given on borger.dk (source 'digital') or on paper returned to Borgerservice
-- (source 'paper', registered by a counter clerk).
--
-- The holder's CPR number is never stored here: when it is known, the holder is a citizen
-- row (CPR sealed there like every CPR number) and `holder_citizen_id` points at it.
CREATE TABLE powers_of_attorney (
    id                INTEGER PRIMARY KEY,
    giver_citizen_id  INTEGER NOT NULL REFERENCES citizens (id),
    holder_citizen_id INTEGER REFERENCES citizens (id),
    holder_name       TEXT    NOT NULL CHECK (length(holder_name) BETWEEN 2 AND 200),
    -- Dates, YYYY-MM-DD, both days included.
    valid_from        TEXT    NOT NULL
        CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    -- NULL: until revoked.
    valid_to          TEXT
        CHECK (valid_to IS NULL OR
               (valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND valid_to > valid_from)),
    source            TEXT    NOT NULL CHECK (source IN ('digital', 'paper')),
    -- The counter clerk who registered a paper power; none for a digital one.
    registered_by     INTEGER REFERENCES staff_users (id),
    created_at        TEXT    NOT NULL,
    revoked_at        TEXT,
    CHECK ((source = 'paper') = (registered_by IS NOT NULL)),
    CHECK (holder_citizen_id IS NULL OR holder_citizen_id <> giver_citizen_id)
) STRICT;

CREATE INDEX powers_of_attorney_by_giver ON powers_of_attorney (giver_citizen_id);
CREATE INDEX powers_of_attorney_by_holder ON powers_of_attorney (holder_citizen_id)
    WHERE holder_citizen_id IS NOT NULL;

-- What a power covers: at least one scope per power (the desk writes them together).
CREATE TABLE power_of_attorney_scopes (
    power_id INTEGER NOT NULL REFERENCES powers_of_attorney (id) ON DELETE CASCADE,
    scope    TEXT    NOT NULL
        CHECK (scope IN ('digital_post', 'mitid_support', 'self_service', 'nemkonto_information')),
    PRIMARY KEY (power_id, scope)
) STRICT, WITHOUT ROWID;
