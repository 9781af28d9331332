-- Versioned service agreement and privacy policy, and the doctors' acceptances of them.
-- Published texts and acceptances are legal records: the triggers below refuse any
-- UPDATE or DELETE, whoever tries (the code never does).

CREATE TABLE agreement_versions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('service-agreement', 'privacy-policy')),
    version TEXT NOT NULL,
    -- The version split into numbers, so "current" is the numerically highest.
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    patch INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    -- The reviewer who published it; NULL when published from the command line.
    published_by INTEGER REFERENCES accounts(id),
    UNIQUE (kind, version),
    UNIQUE (kind, major, minor, patch)
);

CREATE TABLE agreement_texts (
    version_id INTEGER NOT NULL REFERENCES agreement_versions(id),
    lang TEXT NOT NULL CHECK (lang IN ('zh-CN', 'en')),
    title TEXT NOT NULL,
    change_summary TEXT NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    PRIMARY KEY (version_id, lang)
);

CREATE TABLE agreement_acceptances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    version_id INTEGER NOT NULL REFERENCES agreement_versions(id),
    -- Copied from the version so that each row reads on its own in an audit.
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    lang TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    health_data_consent INTEGER NOT NULL CHECK (health_data_consent IN (0, 1)),
    accepted_at INTEGER NOT NULL,
    client_ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX agreement_acceptances_by_account ON agreement_acceptances (account_id, version_id);

CREATE TRIGGER agreement_versions_no_update BEFORE UPDATE ON agreement_versions
BEGIN SELECT RAISE(ABORT, 'published agreement versions are immutable'); END;
CREATE TRIGGER agreement_versions_no_delete BEFORE DELETE ON agreement_versions
BEGIN SELECT RAISE(ABORT, 'published agreement versions are immutable'); END;
CREATE TRIGGER agreement_texts_no_update BEFORE UPDATE ON agreement_texts
BEGIN SELECT RAISE(ABORT, 'published agreement texts are immutable'); END;
CREATE TRIGGER agreement_texts_no_delete BEFORE DELETE ON agreement_texts
BEGIN SELECT RAISE(ABORT, 'published agreement texts are immutable'); END;
CREATE TRIGGER agreement_acceptances_no_update BEFORE UPDATE ON agreement_acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
CREATE TRIGGER agreement_acceptances_no_delete BEFORE DELETE ON agreement_acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
