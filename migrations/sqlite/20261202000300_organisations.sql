-- Businesses on the line: organisations by CVR number, their MitID Erhverv identities (one
-- per employee, with a role), those identities' own authenticators, and the blocks placed on
-- them. A case's party is a citizen, an organisation, or a citizen acting for one.

CREATE TABLE organisations (
    id            INTEGER PRIMARY KEY,
    -- 8 digits, modulus-11 checked before it is stored. Public: not personal data.
    cvr           TEXT    NOT NULL UNIQUE CHECK (length(cvr) = 8),
    name          TEXT    NOT NULL,
    contact_email TEXT,
    contact_phone TEXT,
    created_at    TEXT    NOT NULL
) STRICT;

ALTER TABLE cases ADD COLUMN party TEXT NOT NULL DEFAULT 'citizen'
    CHECK (party IN ('citizen', 'organisation', 'citizen_for_organisation'));
ALTER TABLE cases ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);
CREATE INDEX cases_by_organisation ON cases (organisation_id) WHERE organisation_id IS NOT NULL;

-- An employee's MitID Erhverv identity. `citizen_id` links the person when the desk knows
-- them; a private MitID used for work needs both the employee's and the employer's consent.
CREATE TABLE business_identities (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    citizen_id       INTEGER REFERENCES citizens (id),
    name             TEXT    NOT NULL,
    email            TEXT,
    user_id          TEXT    NOT NULL,
    user_id_key      TEXT    NOT NULL UNIQUE,
    role             TEXT    NOT NULL CHECK (role IN ('organisation_administrator',
                         'user_administrator', 'rights_administrator', 'user', 'trusted_employee')),
    status           TEXT    NOT NULL CHECK (status IN ('active', 'blocked', 'revoked')),
    private_mitid    INTEGER NOT NULL DEFAULT 0 CHECK (private_mitid IN (0, 1)),
    employee_consent INTEGER NOT NULL DEFAULT 0 CHECK (employee_consent IN (0, 1)),
    employer_consent INTEGER NOT NULL DEFAULT 0 CHECK (employer_consent IN (0, 1)),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;
CREATE INDEX business_identities_by_organisation ON business_identities (organisation_id);

CREATE TABLE business_authenticators (
    id                   INTEGER PRIMARY KEY,
    business_identity_id INTEGER NOT NULL REFERENCES business_identities (id),
    kind                 TEXT    NOT NULL
                         CHECK (kind IN ('app', 'code_display', 'audio_code_reader', 'chip')),
    serial               TEXT,
    label                TEXT,
    status               TEXT    NOT NULL
                         CHECK (status IN ('pending_activation', 'active', 'blocked')),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
) STRICT;
CREATE INDEX business_authenticators_by_identity ON business_authenticators (business_identity_id);

CREATE TABLE business_blocks (
    id                   INTEGER PRIMARY KEY,
    business_identity_id INTEGER NOT NULL REFERENCES business_identities (id),
    -- NULL: the whole MitID Erhverv identity.
    authenticator_id     INTEGER REFERENCES business_authenticators (id),
    reason               TEXT    NOT NULL CHECK (reason IN ('lost', 'stolen', 'suspected_misuse')),
    -- Who asked: the employee themself, or an administrator of the organisation.
    requested_by         TEXT    NOT NULL CHECK (requested_by IN ('employee', 'administrator')),
    requester_id         INTEGER NOT NULL REFERENCES business_identities (id),
    case_id              INTEGER NOT NULL REFERENCES cases (id),
    verification         TEXT    NOT NULL,
    blocked_by           INTEGER NOT NULL REFERENCES staff_users (id),
    blocked_at           TEXT    NOT NULL,
    outbox_id            INTEGER REFERENCES outbox (id)
) STRICT;
CREATE INDEX business_blocks_by_identity ON business_blocks (business_identity_id);
