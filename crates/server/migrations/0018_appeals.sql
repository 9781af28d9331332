-- Recovery by appeal (账号申诉, issue 16): a doctor who lost the phone asks, signed out,
-- to move the account to a new number; a reviewer decides.

-- Codes sent to the new number of an appeal.
CREATE TABLE sms_codes_new (
    id              INTEGER PRIMARY KEY,
    phone           TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('register', 'login', 'reset', 'patient_login', 'change_phone', 'appeal')),
    code_hash       BLOB    NOT NULL,
    ip              TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sms_codes_new SELECT * FROM sms_codes;
DROP TABLE sms_codes;
ALTER TABLE sms_codes_new RENAME TO sms_codes;
CREATE INDEX sms_codes_by_phone ON sms_codes(phone, created_at);
CREATE INDEX sms_codes_by_ip ON sms_codes(ip, created_at);

-- The photo of the doctor holding the ID card: no account owns it (the appeal may match
-- none), so it has a table of its own, like patients' files. Reviewers only.
CREATE TABLE appeal_files (
    id           TEXT    PRIMARY KEY,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY,
    real_name      TEXT    NOT NULL,
    id_number      TEXT    NOT NULL,
    old_phone      TEXT    NOT NULL,
    new_phone      TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    -- NULL once the retention job removed the photo (decided long ago).
    photo_file_id  TEXT    REFERENCES appeal_files(id),
    -- The account the name and ID number matched when it was filed; NULL for none.
    account_id     INTEGER REFERENCES accounts(id),
    ip             TEXT    NOT NULL,
    submitted_at   INTEGER NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by     INTEGER REFERENCES accounts(id),
    decided_at     INTEGER,
    rejection_note TEXT
);
-- One appeal per ID number waits at a time: a second is refused (`appeal_pending`).
CREATE UNIQUE INDEX appeals_one_pending ON appeals(id_number) WHERE status = 'pending';
CREATE INDEX appeals_by_status ON appeals(status, submitted_at);
