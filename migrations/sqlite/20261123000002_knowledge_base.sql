-- The knowledge base: articles with their version history, reader feedback, and the
-- searches that found nothing (so admins can see what is missing).

-- One counter for every change the search index must follow. The index records the last value
-- it has applied, so after a crash it catches up on exactly what it missed.
CREATE TABLE change_seq (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO change_seq (id, value) VALUES (1, 0);

CREATE TABLE kb_articles (
    id             INTEGER PRIMARY KEY,
    slug           TEXT    NOT NULL,
    lang           TEXT    NOT NULL CHECK (lang IN ('da', 'en')),
    title          TEXT    NOT NULL,
    summary        TEXT    NOT NULL,
    body_md        TEXT    NOT NULL,
    body_html      TEXT    NOT NULL,
    systems        TEXT    NOT NULL,  -- JSON array of system names
    audience       TEXT    NOT NULL CHECK (audience IN ('public', 'staff')),
    tags           TEXT    NOT NULL,  -- JSON array
    sources        TEXT    NOT NULL,  -- JSON array
    translation_of TEXT,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    version        INTEGER NOT NULL,
    change_seq     INTEGER NOT NULL,
    updated_at     TEXT    NOT NULL,
    updated_by     TEXT    NOT NULL,
    UNIQUE (lang, slug)
) STRICT;
CREATE INDEX kb_articles_by_change ON kb_articles (change_seq);

CREATE TABLE kb_article_versions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    body_md    TEXT    NOT NULL,
    systems    TEXT    NOT NULL,
    audience   TEXT    NOT NULL,
    tags       TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    changed_at TEXT    NOT NULL,
    changed_by TEXT    NOT NULL,
    UNIQUE (article_id, version)
) STRICT;

CREATE TABLE kb_feedback (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    at         TEXT    NOT NULL
) STRICT;
CREATE INDEX kb_feedback_by_article ON kb_feedback (article_id);

CREATE TABLE search_misses (
    query      TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    count      INTEGER NOT NULL,
    last_at    TEXT    NOT NULL,
    PRIMARY KEY (query, lang)
) STRICT;
