-- Monitoring counts the outbox's undelivered messages by channel and state on every scrape:
-- a partial index holds only those, so the count stays small when millions have been sent.
CREATE INDEX outbox_unfinished ON outbox (channel, state) WHERE state <> 'sent';
