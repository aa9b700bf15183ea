-- The contact form's allowances when several desk nodes share one database: per client and per
-- recipient address, each key's GCRA "theoretical arrival time" (Unix ms). A single node on
-- SQLite counts in memory and leaves this table empty; it is here so both schemas match.
CREATE TABLE contact_allowances (
    key TEXT    PRIMARY KEY,
    tat INTEGER NOT NULL
) STRICT;
CREATE INDEX contact_allowances_by_tat ON contact_allowances (tat);
