-- Lanes of the supporter queue: 0 urgent cases staff took down (phone, counter), 1 urgent
-- cases that came in anonymously (web form, e-mail) and nobody has verified, 2 the rest.
-- Before, anonymous urgent cases shared lane 0 and everything else was lane 1. The partial
-- queue index keeps its shape; only the values move.
--
-- The search index does not carry the lane, so the renumbering is kept out of its change log
-- (the update trigger would queue every case ever opened for re-indexing).
DROP TRIGGER case_changes_on_update;
UPDATE cases SET lane = 2 WHERE lane = 1;
UPDATE cases SET lane = 1 WHERE lane = 0 AND channel IN ('web_form', 'email');
CREATE TRIGGER case_changes_on_update AFTER UPDATE ON cases
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.id);
END;
