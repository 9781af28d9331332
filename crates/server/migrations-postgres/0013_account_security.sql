-- PostgreSQL form of the SQLite migration 0013_account_security.sql (same name, same schema).
-- The doctor's own account (issue 16): the devices signed in, and changing the phone number.

-- What "sign out this one" names: a random public id. The token hash stays secret.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
-- PG: SQLite's lower(hex(randomblob(16))) is 32 lowercase hex digits of 16 random bytes.
-- PostgreSQL 15 has no random-bytes function without the pgcrypto extension
-- (encode(gen_random_bytes(16), 'hex')); the built-in gen_random_uuid() gives the same
-- shape (32 lowercase hex digits once the dashes go) with 122 random bits instead of 128.
-- Only sessions that already exist get it (none in a new database).
UPDATE sessions SET public_id = replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX sessions_by_public_id ON sessions(public_id);

-- Codes sent to a new phone number before it replaces the old one.
-- PG: SQLite rebuilt sms_codes to widen the CHECK on purpose (see 0004); here the CHECK
-- is replaced in place and the table, rows, ids and both indexes stay.
ALTER TABLE sms_codes
    DROP CONSTRAINT sms_codes_purpose_check,
    ADD CONSTRAINT sms_codes_purpose_check
        CHECK (purpose IN ('register', 'login', 'reset', 'patient_login', 'change_phone'));
