-- The doctor's own account (issue 16): the devices signed in, and changing the phone number.

-- What "sign out this one" names: a random public id. The token hash stays secret.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
UPDATE sessions SET public_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX sessions_by_public_id ON sessions(public_id);

-- Codes sent to a new phone number before it replaces the old one.
CREATE TABLE sms_codes_new (
    id              INTEGER PRIMARY KEY,
    phone           TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('register', 'login', 'reset', 'patient_login', 'change_phone')),
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
