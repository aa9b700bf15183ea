-- Satisfaction: when a case is resolved and the citizen has an e-mail address, the resolution
-- e-mail carries a one-click rating link (a token, no login). One row per case: the token
-- (hashed), when it stops working, and once used the rating, an optional comment and who
-- resolved the case (for the lead's per-supporter view).
CREATE TABLE case_ratings (
    case_id     INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    token_hash  BLOB    NOT NULL UNIQUE,
    issued_at   TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    system      TEXT    NOT NULL,
    staff_id    INTEGER REFERENCES staff_users (id),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT,
    rated_at    TEXT,
    CHECK ((rating IS NULL) = (rated_at IS NULL))
) STRICT;
CREATE INDEX case_ratings_by_time ON case_ratings (rated_at, system, staff_id, rating)
    WHERE rated_at IS NOT NULL;
