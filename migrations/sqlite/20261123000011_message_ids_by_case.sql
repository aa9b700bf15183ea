-- The desk's Message-IDs of a case, for threading a new e-mail under the earlier ones: without
-- this index every queued e-mail read the whole table (and deleting a case did too).
CREATE INDEX mail_message_ids_by_case ON mail_message_ids (case_id);
