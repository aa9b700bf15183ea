-- Several desk nodes (on PostgreSQL) share one outbox. A worker leases the rows it is about to
-- deliver, so that no other node's worker takes them meanwhile; a lease that runs out (its node
-- died mid-delivery) frees the row for any node. A node that restarts frees its own leases.
-- The same columns here keep one store for both engines.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
-- Unix milliseconds.
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
