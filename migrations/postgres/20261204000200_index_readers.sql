-- Twin of migrations/sqlite/20261204000200_index_readers.sql: how far each desk node's case
-- index has applied `case_changes`, so the log is pruned only below what every node has seen.
CREATE TABLE index_readers (
    node    TEXT    PRIMARY KEY,
    applied BIGINT  NOT NULL,
    -- Unix milliseconds.
    seen_at BIGINT  NOT NULL
);
