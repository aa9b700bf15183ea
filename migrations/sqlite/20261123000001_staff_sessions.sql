-- Staff accounts, server-side sessions and the failed-login record for throttling.

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('supporter', 'borgerservice', 'admin')),
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT    NOT NULL,
    client   TEXT    NOT NULL,
    at       INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_client ON login_failures (client, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
