-- Every desk node keeps its own case-search index and reads `case_changes` to catch it up. The
-- log may only be pruned below what every node has applied, so each node records how far it
-- got. A node not seen for a week is dropped from the list (its index is rebuilt when it
-- returns); SQLite has one node, which keeps the same bookkeeping.
CREATE TABLE index_readers (
    node    TEXT    PRIMARY KEY,
    applied INTEGER NOT NULL,
    -- Unix milliseconds.
    seen_at INTEGER NOT NULL
) STRICT;
