-- The audit log: who did what, to what, when and why. Every staff action and every reveal of
-- personal data is appended in the transaction of the action itself. Each entry's hash covers
-- its content and the previous entry's hash (see app/src/audit/chain.rs).

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    details   TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_target ON audit_log (target, id);

-- Append-only for the application; the hash chain catches whoever goes around this.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
