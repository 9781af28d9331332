-- PostgreSQL form of the SQLite migration 0007_onboarding_review.sql (same name, same schema).
-- Review after verification (issue #11).

-- What a submission asks the reviewer to decide: the whole file ('full'), the replacement
-- of one document a verified doctor renews before it expires ('renewal'), or a change of
-- the practice fields of a verified profile ('profile_change').
ALTER TABLE verification_submissions ADD COLUMN kind TEXT NOT NULL DEFAULT 'full'
    CHECK (kind IN ('full', 'renewal', 'profile_change'));

-- A renewal: the new document names the approved one it replaces. The old one stays in
-- force (not removed) until the new one is approved, or until its own expiry.
ALTER TABLE documents ADD COLUMN replaces BIGINT REFERENCES documents(id);
CREATE INDEX documents_replacing ON documents(replaces) WHERE replaces IS NOT NULL;
-- One renewal of a document under review at a time, even when two uploads race.
CREATE UNIQUE INDEX documents_one_renewal ON documents(replaces)
    WHERE replaces IS NOT NULL AND status = 'submitted' AND removed_at IS NULL;

-- A change of the practice fields of a verified doctor, held apart from the live profile
-- until a reviewer approves it. `old_*` is what the profile said when it was asked for.
CREATE TABLE profile_changes (
    -- PG: a rowid alias in SQLite, so an identity column by the translation rule; the value
    -- is always the submission's id in practice.
    submission_id         BIGINT  PRIMARY KEY
                                  REFERENCES verification_submissions(id) ON DELETE CASCADE,
    account_id            BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    old_hospital          TEXT    NOT NULL,
    old_department        TEXT    NOT NULL,
    old_title             TEXT    NOT NULL,
    old_practice_category TEXT    NOT NULL,
    old_practice_scope    TEXT    NOT NULL,
    old_years_of_practice BIGINT  NOT NULL,
    hospital              TEXT    NOT NULL,
    department            TEXT    NOT NULL,
    title                 TEXT    NOT NULL,
    practice_category     TEXT    NOT NULL,
    practice_scope        TEXT    NOT NULL,
    years_of_practice     BIGINT  NOT NULL,
    approved              BIGINT,           -- NULL until decided  (PG: a boolean stored as 0/1)
    reason                TEXT,
    note                  TEXT    NOT NULL DEFAULT '',
    decided_at            BIGINT,
    decided_by            BIGINT  REFERENCES accounts(id)
);
CREATE INDEX profile_changes_by_account ON profile_changes(account_id);

-- Submissions stuck before this fix (every document decided, the submission still
-- pending: nobody could decide it) are opened again for a reviewer.
UPDATE submission_documents SET approved = NULL, decided_at = NULL, decided_by = NULL
 WHERE submission_id IN (
    SELECT s.id FROM verification_submissions s
     WHERE s.status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM submission_documents sd
                        WHERE sd.submission_id = s.id AND sd.approved IS NULL));
