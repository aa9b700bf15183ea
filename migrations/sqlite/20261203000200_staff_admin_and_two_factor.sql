-- Staff administration and two-factor login.
--
-- last_login_at: when the person last opened a session (Unix seconds), for the admin page.
-- must_change_password: set by an administrator's reset; the next login asks for a new one
--   before any session opens.
-- totp_secret: the authenticator's secret, sealed with the desk's vault key (never in clear,
--   so a copy of the database does not give away second factors).
-- totp_last_step: the 30-second step of the last accepted code; a code of that step or an
--   earlier one is refused (RFC 6238 5.2: an accepted code is never accepted again).
ALTER TABLE staff_users ADD COLUMN last_login_at INTEGER;
ALTER TABLE staff_users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
ALTER TABLE staff_users ADD COLUMN totp_secret BLOB;
ALTER TABLE staff_users ADD COLUMN totp_last_step INTEGER;

-- Ten one-time recovery codes per enrolled person, kept as SHA-256 hashes (each code carries
-- 80 random bits, so a fast hash is enough).
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    code_hash BLOB    NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- A login between the password and the session: the cookie holds a random token, this table
-- its hash. pending_secret / pending_codes hold an enrolment in progress, sealed.
CREATE TABLE login_steps (
    token_hash     BLOB    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    next_path      TEXT,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    pending_secret BLOB,
    pending_codes  BLOB
) STRICT;
CREATE INDEX login_steps_by_expiry ON login_steps (expires_at);
CREATE INDEX login_steps_by_user ON login_steps (user_id);
