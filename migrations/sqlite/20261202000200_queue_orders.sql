-- The queue's other orders at a million cases, each read from an index instead of sorting
-- every matching case. The priority rank is written exactly as the queue's query writes it
-- (store::case_queue::PRIORITY_RANK), so SQLite matches the expression.
--
-- Open work (the default): small partial indexes carrying every filter column, in priority
-- order and newest first, beside `cases_open_queue` (due order).
CREATE INDEX cases_open_priority ON cases
    ((CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END),
     resolution_due, status, system, category, priority, channel, assignee_id)
    WHERE status IN ('new', 'open', 'waiting_on_citizen');
CREATE INDEX cases_open_newest ON cases
    (id, status, system, category, priority, channel, assignee_id)
    WHERE status IN ('new', 'open', 'waiting_on_citizen');
-- One status from the history (resolved, closed) by priority; newest first there reads the
-- rowid backwards, and the due order has `cases_by_status`.
CREATE INDEX cases_by_status_priority ON cases
    (status,
     (CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END),
     resolution_due);
