-- A fourth staff role, the team lead. The role column's CHECK must admit 'lead'. SQLite
-- cannot alter a CHECK, sqlx runs this inside a transaction (foreign keys cannot be switched
-- off), and a dozen tables reference staff_users, so rebuilding it is out. Instead the
-- documented procedure for loosening a constraint in place (sqlite.org/lang_altertable.html,
-- "make other kinds of table schema changes", the simpler procedure): rewrite the stored
-- CREATE TABLE text, then set a new schema version so that every open connection, this one
-- included, re-reads the schema. Every existing row satisfies the wider CHECK.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (role IN (''supporter'', ''borgerservice'', ''admin''))',
    'CHECK (role IN (''supporter'', ''borgerservice'', ''admin'', ''lead''))')
WHERE type = 'table' AND name = 'staff_users';
-- Any value not used before works; the migration's own version is unique and larger than any
-- count of schema changes this database has seen.
PRAGMA schema_version = 2026120206;
PRAGMA writable_schema = OFF;
