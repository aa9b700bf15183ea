-- The supporter queue at a million cases, most of them done: one small index over the open
-- work only, in queue order, carrying every filter column. The queue's page and its count are
-- then read from the index alone, whatever filter is set.
CREATE INDEX cases_open_queue ON cases
    (lane, resolution_due, status, system, category, priority, channel, assignee_id)
    WHERE status IN ('new', 'open', 'waiting_on_citizen');
