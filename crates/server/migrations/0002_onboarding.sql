-- Uploaded files: stored under <data dir>/files/<id>; the name the client sent is never kept.
CREATE TABLE files (
    id           TEXT    PRIMARY KEY,  -- random, also the file name on disk
    owner_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    content_type TEXT    NOT NULL,     -- from the content, not from the client
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX files_by_owner ON files(owner_id);

ALTER TABLE accounts ADD COLUMN avatar_file_id TEXT REFERENCES files(id);
-- Display names are unique; the server adds a suffix like 张伟(2) on collision.
CREATE UNIQUE INDEX accounts_display_name ON accounts(display_name) WHERE display_name IS NOT NULL;

CREATE TABLE doctor_profiles (
    account_id        INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    real_name         TEXT    NOT NULL,
    gender            TEXT    NOT NULL CHECK (gender IN ('male', 'female')),
    id_number         TEXT    NOT NULL,
    hospital          TEXT    NOT NULL,
    department        TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    practice_category TEXT    NOT NULL,
    practice_scope    TEXT    NOT NULL,
    years_of_practice INTEGER NOT NULL,
    specialties       TEXT    NOT NULL DEFAULT '',
    bio               TEXT    NOT NULL DEFAULT '',
    updated_at        INTEGER NOT NULL
);

-- A document is one uploaded file of one kind. Once part of a submission it is never
-- changed or deleted (the history shows exactly what was reviewed): replacing or removing
-- it only sets removed_at.
CREATE TABLE documents (
    -- AUTOINCREMENT: a deleted document's id is never reused, so a stale client cannot
    -- delete the document that replaced it.
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('id_card_front', 'id_card_back', 'qualification',
                                                 'practice', 'professional_title', 'other')),
    number      TEXT,
    expires_on  TEXT,      -- YYYY-MM-DD, a calendar date in China
    caption     TEXT,
    file_id     TEXT    NOT NULL REFERENCES files(id),
    status      TEXT    NOT NULL DEFAULT 'uploaded'
                CHECK (status IN ('uploaded', 'submitted', 'approved', 'rejected')),
    created_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX documents_current ON documents(account_id) WHERE removed_at IS NULL;

CREATE TABLE verification_submissions (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    submitted_at INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   INTEGER REFERENCES accounts(id)
);
CREATE INDEX submissions_by_status ON verification_submissions(status, submitted_at);
CREATE INDEX submissions_by_account ON verification_submissions(account_id);

-- Which documents a submission contained, and the reviewer's decision on each.
CREATE TABLE submission_documents (
    submission_id INTEGER NOT NULL REFERENCES verification_submissions(id) ON DELETE CASCADE,
    document_id   INTEGER NOT NULL REFERENCES documents(id),
    approved      INTEGER,          -- NULL until decided
    reason        TEXT,
    note          TEXT    NOT NULL DEFAULT '',
    decided_at    INTEGER,
    decided_by    INTEGER REFERENCES accounts(id),
    PRIMARY KEY (submission_id, document_id)
);
