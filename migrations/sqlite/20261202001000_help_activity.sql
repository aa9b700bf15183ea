-- Citizens' steps in the self-service help, per UTC hour (`YYYY-MM-DDTHH`): searches, searches
-- without a hit, guides opened from a search, contact forms sent after one. Written in batches
-- from memory (store::help_counts), never once per request.
CREATE TABLE kb_activity (
    hour TEXT NOT NULL CHECK (length(hour) = 13),
    kind TEXT NOT NULL CHECK (kind IN ('searched', 'missed', 'opened', 'wrote_in')),
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (hour, kind)
) WITHOUT ROWID;
