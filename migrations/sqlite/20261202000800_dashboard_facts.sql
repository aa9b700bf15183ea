-- The team lead's dashboard. Cases had no resolution time: `resolved_at` is when the case last
-- entered 'resolved' or 'closed' (cleared when it is reopened), `resolved_within_sla` whether
-- that was no later than its resolution deadline (1/0). `store::cases::set_status_in`, the one
-- place that writes a status, keeps both.
ALTER TABLE cases ADD COLUMN resolved_at TEXT;
ALTER TABLE cases ADD COLUMN resolved_within_sla INTEGER CHECK (resolved_within_sla IN (0, 1));

-- Backfill from the timeline: the first move to resolved/closed after the last move to any
-- other status; a case with no status events (imported) falls back to its last update.
UPDATE cases SET resolved_at = COALESCE(
    (SELECT MIN(e.at) FROM case_events e
      WHERE e.case_id = cases.id AND e.kind = 'status'
        AND json_extract(e.data, '$.to') IN ('resolved', 'closed')
        AND e.at > COALESCE((SELECT MAX(o.at) FROM case_events o
                              WHERE o.case_id = cases.id AND o.kind = 'status'
                                AND json_extract(o.data, '$.to') NOT IN ('resolved', 'closed')), '')),
    updated_at)
WHERE status IN ('resolved', 'closed');
-- The deadline is Danish local text, the resolution UTC: summer time (+2) is taken as April to
-- October, winter (+1) otherwise; only resolutions within an hour of the deadline on the two
-- switch days can come out wrong, and only in this backfill.
UPDATE cases SET resolved_within_sla = (resolution_due >= strftime('%Y-%m-%d %H:%M:%S', resolved_at,
        CASE WHEN substr(resolved_at, 6, 2) BETWEEN '04' AND '10' THEN '+2 hours' ELSE '+1 hours' END))
WHERE resolved_at IS NOT NULL;

-- Covering indexes for the period figures (created and resolved per hour, response and
-- resolution times, SLA), each with the dashboard's filter columns.
CREATE INDEX cases_dash_created ON cases (created_at, system, channel, first_response_at);
CREATE INDEX cases_dash_resolved ON cases
    (resolved_at, system, channel, created_at, resolved_within_sla)
    WHERE resolved_at IS NOT NULL;
-- "Now": the open cases, everything the figures read.
CREATE INDEX cases_dash_open ON cases
    (system, status, channel, priority, created_at, assignee_id, first_response_at,
     first_response_due, resolution_due, reference)
    WHERE status IN ('new', 'open', 'waiting_on_citizen');
CREATE INDEX blocks_by_time ON blocks (blocked_at, case_id);
CREATE INDEX business_blocks_by_time ON business_blocks (blocked_at, case_id);
CREATE INDEX counter_visits_by_start ON counter_visits (started_at, purpose, state);
CREATE INDEX kb_feedback_by_time ON kb_feedback (at, article_id, helpful);
