-- Twin of migrations/sqlite/20261204000300_contact_allowances.sql: the contact form's
-- allowances shared by every desk node (GCRA: each key's theoretical arrival time, Unix ms).
CREATE TABLE contact_allowances (
    key TEXT   PRIMARY KEY,
    tat BIGINT NOT NULL
);
CREATE INDEX contact_allowances_by_tat ON contact_allowances (tat);
