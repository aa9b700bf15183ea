-- The staff case search follows every change to a case through this log: triggers write it
-- in the same transaction as the change, and the index records the last sequence it applied.

CREATE TABLE case_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL
) STRICT;

CREATE TRIGGER case_changes_on_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.id);
END;

CREATE TRIGGER case_changes_on_update AFTER UPDATE ON cases
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.id);
END;

CREATE TRIGGER case_changes_on_event AFTER INSERT ON case_events
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.case_id);
END;
