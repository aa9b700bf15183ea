-- Twin of migrations/sqlite/20261204000100_outbox_leases.sql: a worker leases the outbox rows
-- it is about to deliver, so that no other node's worker takes them meanwhile; a lease that
-- runs out (its node died mid-delivery) frees the row for any node.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
-- Unix milliseconds.
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
