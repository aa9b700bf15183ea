-- The queue's other orders at a million cases. Newest first reads the rowid backwards; the
-- priority order needs its rank in an index, written exactly as the queue's query writes it
-- (store::case_queue::PRIORITY_RANK), so SQLite reads the order from the index instead of
-- sorting every matching case.
CREATE INDEX cases_priority_order ON cases
    ((CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END),
     resolution_due);
